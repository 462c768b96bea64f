package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code raw_sign} for Ed25519 wallets: {@code params: {bytes, encoding: "hex"|"base64"}} signed as
 * they are (pure Ed25519; 0 to 65536 bytes, the empty message included as RFC 8032 TEST 1 signs
 * it) → {@code data: {signature, encoding}} in the same encoding. Raw signing:
 * allowed only for apps that enabled it; the audit row records the SHA-256 of the bytes.
 */
final class RawSign implements RpcMethod {

  static final int MAX_BYTES = 65_536;

  @Override
  public String name() {
    return "raw_sign";
  }

  @Override
  public Set<ChainType> chainTypes() {
    return Set.of(ChainType.SOLANA, ChainType.STELLAR);
  }

  @Override
  public boolean raw() {
    return true;
  }

  @Override
  public Prepared prepare(ObjectNode params, Wallet wallet) {
    JsonBodies.onlyFields(params, "params.", Set.of("bytes", "encoding"));
    String encoding = Params.encoding(params, "hex", "base64");
    byte[] bytes = encoding.equals("hex")
        ? Params.hex(params, "bytes", MAX_BYTES)
        : Params.base64(params, "bytes", MAX_BYTES);
    Map<String, Object> decoded = new LinkedHashMap<>();
    decoded.put("length", bytes.length);
    decoded.put("sha256", Hex.prefixed(sha256(bytes)));
    return new Prepared() {
      @Override
      public void payload(SignRequest.Builder request) {
        request.setRawMessage(ByteString.copyFrom(bytes));
      }

      @Override
      public Map<String, Object> decoded() {
        return decoded;
      }

      @Override
      public Map<String, Object> result(SignResponse response) {
        byte[] signature = SignatureChecks.ed25519(wallet, bytes, null, response);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("signature", encoding.equals("hex") ? Hex.prefixed(signature)
            : java.util.Base64.getEncoder().encodeToString(signature));
        data.put("encoding", encoding);
        return data;
      }
    };
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
