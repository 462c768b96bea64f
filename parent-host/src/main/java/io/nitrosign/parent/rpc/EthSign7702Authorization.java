package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.ethereum.Eip7702Authorization;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.Eip7702AuthorizationPayload;
import io.nitrosign.proto.v1.EthereumAuthorization;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code eth_sign7702Authorization} (EIP-7702; Privy's shape): {@code params: {contract, chain_id,
 * nonce}} (quantities as JSON integers, {@code 0x} hex or decimal strings; {@code chain_id} 0
 * means every chain) → {@code data: {authorization: {contract, chain_id, nonce, r, s,
 * y_parity}}}, the signature over {@code keccak256(0x05 || rlp([chain_id, contract, nonce]))}.
 * With a {@code caip2} in the request, {@code chain_id} must be that chain.
 */
final class EthSign7702Authorization implements RpcMethod {

  private static final Set<String> FIELDS = Set.of("contract", "chain_id", "nonce");

  @Override
  public String name() {
    return "eth_sign7702Authorization";
  }

  @Override
  public Set<ChainType> chainTypes() {
    return Set.of(ChainType.ETHEREUM);
  }

  @Override
  public boolean attestable() {
    return true;
  }

  @Override
  public Prepared prepare(ObjectNode params, Wallet wallet) {
    return prepare(params, wallet, null);
  }

  @Override
  public Prepared prepare(ObjectNode params, Wallet wallet, String caip2) {
    JsonBodies.onlyFields(params, "params.", FIELDS);
    Map<String, Object> fields = new LinkedHashMap<>();
    for (String f : new String[] {"contract", "chain_id", "nonce"}) {
      JsonNode v = params.get(f);
      if (v == null || v.isNull()) {
        throw ApiException.invalidRequest("missing field: params." + f);
      }
      fields.put(f, EthParams.toJava(v, "params." + f));
    }
    Eip7702Authorization a = Eip7702Authorization.fromJson(fields, false, "authorization");
    Long expectedChainId = EthParams.caip2ChainId(caip2);
    if (expectedChainId != null && !a.chainId().equals(BigInteger.valueOf(expectedChainId))) {
      throw new ChainFormatException("authorization.chainId", "authorization is for chain "
          + a.chainId() + ", expected " + expectedChainId);
    }
    byte[] digest = a.signingHash();
    Eip7702AuthorizationPayload decoded = Eip7702AuthorizationPayload.of(a);
    return new Prepared() {
      @Override
      public void payload(SignRequest.Builder request) {
        request.setEthereumAuthorization(EthereumAuthorization.newBuilder()
            .setChainId(ByteString.copyFrom(minimal(a.chainId())))
            .setAddress(ByteString.copyFrom(a.address()))
            .setNonce(ByteString.copyFrom(minimal(a.nonce()))));
      }

      @Override
      public Eip7702AuthorizationPayload decoded() {
        return decoded;
      }

      @Override
      public Map<String, Object> result(SignResponse response) {
        SignatureChecks.secp256k1(wallet, digest, response);
        decoded.signed().put("digest", Hex.prefixed(digest));
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("contract", decoded.contract());
        auth.put("chain_id", a.chainId());
        auth.put("nonce", a.nonce());
        auth.put("r", EthParams.word(new BigInteger(1, response.getR().toByteArray())));
        auth.put("s", EthParams.word(new BigInteger(1, response.getS().toByteArray())));
        auth.put("y_parity", response.getRecoveryId());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("authorization", auth);
        return data;
      }
    };
  }

  /** Minimal big-endian bytes of a non-negative integer (empty for 0). */
  static byte[] minimal(BigInteger v) {
    byte[] b = v.toByteArray();
    int skip = 0;
    while (skip < b.length && b[skip] == 0) {
      skip++;
    }
    return java.util.Arrays.copyOfRange(b, skip, b.length);
  }
}
