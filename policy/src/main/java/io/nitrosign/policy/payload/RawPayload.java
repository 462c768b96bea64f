package io.nitrosign.policy.payload;

import java.util.Map;

/**
 * A caller-chosen digest or byte string signed without interpretation ({@code secp256k1_sign},
 * {@code raw_sign}). Policy sees only its length and hash: no condition can look inside it.
 */
public record RawPayload(int length, byte[] sha256, Map<String, Object> signed) implements Payload {

  @Override
  public Map<String, Object> audit() {
    throw new UnsupportedOperationException("not yet");
  }
}
