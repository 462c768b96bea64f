package io.nitrosign.policy.payload;

import java.util.Map;

/**
 * EIP-712 typed data ({@code eth_signTypedData_v4}), as parsed by chains' strict JSON parser:
 * {@code types} (type name to list of {@code {name, type}} maps), {@code primaryType},
 * {@code domain} and {@code message} as plain JSON values (integers are BigInteger).
 * {@code length} is the typed data's size in bytes.
 */
public record TypedDataPayload(Map<String, Object> types, String primaryType,
    Map<String, Object> domain, Map<String, Object> message, int length,
    Map<String, Object> signed) implements Payload {

  @Override
  public Map<String, Object> audit() {
    throw new UnsupportedOperationException("not yet");
  }
}
