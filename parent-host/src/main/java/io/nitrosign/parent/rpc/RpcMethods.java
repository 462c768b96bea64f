package io.nitrosign.parent.rpc;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.wallet.ChainType;
import java.util.List;
import java.util.stream.Collectors;

/** The signing methods, looked up by name and the wallet's chain type. */
public final class RpcMethods {

  private static final List<RpcMethod> METHODS = List.of(
      new PersonalSign(),
      new Secp256k1Sign(),
      new RawSign(),
      new EthSignTransaction(),
      new EthSignTypedDataV4(),
      new EthSign7702Authorization(),
      new SolanaSignTransaction(), new SolanaSignMessageMethod(), new StellarSignTransaction(),
      new SignPsbt());

  private RpcMethods() {}

  /**
   * The method {@code name} for a wallet of {@code chainType}.
   *
   * @throws ApiException 400 {@code unsupported_method}, listing the chain's methods
   */
  public static RpcMethod of(String name, ChainType chainType) {
    for (RpcMethod m : METHODS) {
      if (m.name().equals(name) && m.chainTypes().contains(chainType)) {
        return m;
      }
    }
    throw new ApiException(400, ErrorCodes.UNSUPPORTED_METHOD,
        "unsupported method for a " + chainType.wireName() + " wallet; supported: "
            + names(chainType));
  }

  /** The methods a wallet of {@code chainType} supports, comma-separated. */
  public static String names(ChainType chainType) {
    return METHODS.stream().filter(m -> m.chainTypes().contains(chainType)).map(RpcMethod::name)
        .collect(Collectors.joining(", "));
  }
}
