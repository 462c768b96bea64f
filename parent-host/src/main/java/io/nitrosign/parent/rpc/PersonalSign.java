package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.ethereum.Eip191;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.MessagePayload;
import io.nitrosign.policy.payload.Payload;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code personal_sign} (EIP-191 version 0x45): {@code params: {message, encoding: "utf-8"|"hex"}}
 * → {@code data: {signature: "0x<r><s><v>", encoding: "hex"}}.
 */
final class PersonalSign implements RpcMethod {

  /** The largest message, in bytes after decoding. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024;

  @Override
  public String name() {
    return "personal_sign";
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
    JsonBodies.onlyFields(params, "params.", Set.of("message", "encoding"));
    String encoding = JsonBodies.optionalText(params, "params.", "encoding");
    byte[] message;
    if (encoding == null || encoding.equals("utf-8") || encoding.equals("utf8")) {
      message = JsonBodies.requiredText(params, "params.", "message").getBytes(StandardCharsets.UTF_8);
    } else if (encoding.equals("hex")) {
      message = Params.hex(params, "message", MAX_MESSAGE_BYTES);
    } else {
      throw ApiException.invalidRequest("params.encoding must be \"utf-8\" or \"hex\"");
    }
    if (message.length > MAX_MESSAGE_BYTES) {
      throw ApiException.invalidRequest("params.message exceeds " + MAX_MESSAGE_BYTES + " bytes");
    }
    byte[] digest = Eip191.personalMessageHash(message);
    return new DigestPrepared(wallet, digest, MessagePayload.of(message),
        b -> b.setPersonalMessage(PersonalMessage.newBuilder().setMessage(ByteString.copyFrom(message))));
  }

  /**
   * A request answered with one secp256k1 signature over {@code digest}: checks the answer and
   * returns {@code {signature: "0x<r><s><v>", encoding: "hex"}}; records the digest.
   */
  static final class DigestPrepared implements Prepared {
    private final Wallet wallet;
    private final byte[] digest;
    private final Payload decoded;
    private final java.util.function.Consumer<SignRequest.Builder> payload;

    DigestPrepared(Wallet wallet, byte[] digest, Payload decoded,
        java.util.function.Consumer<SignRequest.Builder> payload) {
      this.wallet = wallet;
      this.digest = digest;
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
      byte[] signature = SignatureChecks.secp256k1(wallet, digest, response);
      decoded.signed().put("digest", Hex.prefixed(digest));
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("signature", Hex.prefixed(signature));
      data.put("encoding", "hex");
      return data;
    }
  }
}
