package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.Payload;
import io.nitrosign.policy.payload.RawPayload;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
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
    return new BytesPrepared(wallet, bytes, encoding, RawPayload.of(bytes),
        b -> b.setRawMessage(ByteString.copyFrom(bytes)));
  }

  /**
   * A request answered with one Ed25519 signature over {@code bytes} exactly as given (raw_sign,
   * Solana signMessage): {@code decoded} is their view (raw bytes, or a message: the audit row
   * records their length and SHA-256); checks the answer and returns {@code {signature,
   * encoding}} with the signature in {@code encoding} ({@code hex} or {@code base64}).
   */
  static final class BytesPrepared implements Prepared {
    private final Wallet wallet;
    private final byte[] bytes;
    private final String encoding;
    private final Payload decoded;
    private final java.util.function.Consumer<SignRequest.Builder> payload;

    BytesPrepared(Wallet wallet, byte[] bytes, String encoding, Payload decoded,
        java.util.function.Consumer<SignRequest.Builder> payload) {
      this.wallet = wallet;
      this.bytes = bytes;
      this.encoding = encoding;
      this.decoded = decoded;
      this.payload = payload;
    }

    @Override
    public void payload(SignRequest.Builder request) {
      payload.accept(request);
    }

    @Override
    public Payload decoded() {
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
  }
}
