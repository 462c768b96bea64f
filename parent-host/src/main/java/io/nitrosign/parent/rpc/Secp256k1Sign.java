package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.RawPayload;
import java.util.Set;

/**
 * {@code secp256k1_sign}: raw signing of a caller-computed 32-byte hash ({@code params: {hash}}),
 * allowed only for apps that enabled raw signing; audited as such.
 */
final class Secp256k1Sign implements RpcMethod {

  @Override
  public String name() {
    return "secp256k1_sign";
  }

  @Override
  public Set<ChainType> chainTypes() {
    return Set.of(ChainType.ETHEREUM, ChainType.BITCOIN, ChainType.BITCOIN_TESTNET);
  }

  @Override
  public boolean raw() {
    return true;
  }

  @Override
  public boolean attestable() {
    return true;
  }

  @Override
  public Prepared prepare(ObjectNode params, Wallet wallet) {
    JsonBodies.onlyFields(params, "params.", Set.of("hash"));
    byte[] digest = Params.hex(params, "hash", 32);
    if (digest.length != 32) {
      throw ApiException.invalidRequest("params.hash must be 32 bytes of hex");
    }
    return new PersonalSign.DigestPrepared(wallet, digest, RawPayload.of(digest),
        b -> b.setDigest(ByteString.copyFrom(digest)));
  }
}
