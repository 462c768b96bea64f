package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.ethereum.Eip712;
import io.nitrosign.chains.ethereum.TypedDataJson;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.TypedDataPayload;
import io.nitrosign.proto.v1.EthereumTypedData;
import io.nitrosign.proto.v1.SignResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * {@code eth_signTypedData_v4} (EIP-712; Privy's shape): {@code params: {typed_data}} with
 * {@code typed_data} the object {@code {types, primaryType (or Privy's primary_type), domain,
 * message}}, or that object serialized as a JSON string (as wallets' JSON-RPC takes it) →
 * {@code data: {signature, encoding: "hex", digest}}.
 *
 * <p>The enclave must read the same typed data as the parent: the parent turns it into bytes once
 * (a string: its UTF-8 bytes exactly; an object: Jackson's compact serialization, refusing
 * non-integer JSON numbers, which Jackson has already rounded to a double), parses and hashes
 * those bytes with {@link TypedDataJson} (the strict, bounded parser the enclave uses) and sends
 * the enclave those same bytes. At most {@value TypedDataJson#MAX_BYTES} bytes.
 */
final class EthSignTypedDataV4 implements RpcMethod {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "eth_signTypedData_v4";
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
    JsonBodies.onlyFields(params, "params.", Set.of("typed_data"));
    byte[] json = bytesOf(params.get("typed_data"));
    if (json.length > TypedDataJson.MAX_BYTES) {
      throw ApiException.invalidRequest("params.typed_data exceeds " + TypedDataJson.MAX_BYTES + " bytes");
    }
    Map<String, Object> typedData = TypedDataJson.parse(json);
    Eip712.Digest digest = Eip712.hash(typedData);
    TypedDataPayload decoded = TypedDataPayload.of(typedData, json.length, digest);
    PersonalSign.DigestPrepared signed = new PersonalSign.DigestPrepared(wallet, digest.digest(),
        decoded, b -> b.setEthereumTypedData(
            EthereumTypedData.newBuilder().setJson(ByteString.copyFrom(json))));
    return new Prepared() {
      @Override
      public void payload(io.nitrosign.proto.v1.SignRequest.Builder request) {
        signed.payload(request);
      }

      @Override
      public TypedDataPayload decoded() {
        return decoded;
      }

      @Override
      public Map<String, Object> result(SignResponse response) {
        Map<String, Object> data = signed.result(response);
        data.put("digest", Hex.prefixed(digest.digest()));
        return data;
      }
    };
  }

  private static byte[] bytesOf(JsonNode node) {
    if (node == null || node.isNull()) {
      throw ApiException.invalidRequest("missing field: params.typed_data");
    }
    if (node.isTextual()) {
      String text = node.textValue();
      if (text.length() > TypedDataJson.MAX_BYTES) {
        throw ApiException.invalidRequest("params.typed_data exceeds " + TypedDataJson.MAX_BYTES + " bytes");
      }
      refuseUnpairedSurrogates(text);
      return text.getBytes(StandardCharsets.UTF_8);
    }
    if (!node.isObject()) {
      throw ApiException.invalidRequest("params.typed_data must be an object (or a JSON string)");
    }
    checkTree(node);
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      // e.g. an unpaired surrogate escape, which has no UTF-8 form
      throw ApiException.invalidRequest("params.typed_data cannot be encoded as UTF-8 JSON");
    }
  }

  /**
   * Refuses what the bytes could not carry exactly: numbers with a fraction or an exponent (they
   * arrive as doubles, already rounded; give such values as strings) and strings or keys with an
   * unpaired surrogate (from a {@code \\u} escape; they have no UTF-8 form).
   */
  private static void checkTree(JsonNode node) {
    if (node.isNumber() && !node.isIntegralNumber()) {
      throw ApiException.invalidRequest("params.typed_data: numbers must be integers written "
          + "without a fraction or exponent; give other values as strings");
    }
    if (node.isTextual()) {
      refuseUnpairedSurrogates(node.textValue());
    }
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(EthSignTypedDataV4::refuseUnpairedSurrogates);
    }
    for (JsonNode child : node) {
      checkTree(child);
    }
  }

  private static void refuseUnpairedSurrogates(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw ApiException.invalidRequest("params.typed_data holds an unpaired surrogate (not valid Unicode text)");
      }
    }
  }
}
