package io.nitrosign.policy.payload;

import java.util.Map;

/**
 * A message signed as a message ({@code personal_sign} EIP-191, Solana {@code signMessage}): the
 * bytes themselves (read by {@code message} conditions: {@code content} as UTF-8 text when it
 * decodes, {@code byte_length}); the audit row records only length and hash.
 */
public record MessagePayload(byte[] message, Map<String, Object> signed) implements Payload {

  @Override
  public Map<String, Object> audit() {
    throw new UnsupportedOperationException("not yet");
  }
}
