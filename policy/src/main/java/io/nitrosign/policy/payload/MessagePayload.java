package io.nitrosign.policy.payload;

import java.util.Map;

/**
 * A message signed as a message ({@code personal_sign} EIP-191, Solana {@code signMessage}): the
 * bytes themselves (read by {@code message} conditions: {@code content} as UTF-8 text when it
 * decodes, {@code byte_length}); the audit row records only length and hash.
 */
public record MessagePayload(byte[] message, Map<String, Object> signed) implements Payload {

  /** The view of a message's bytes (not copied: the caller hands them over). */
  public static MessagePayload of(byte[] message) {
    return new MessagePayload(message, AuditValues.map());
  }

  /** {@code length}, {@code sha256} ({@code 0x} hex of the message's SHA-256); then {@code signed}. */
  @Override
  public Map<String, Object> audit() {
    Map<String, Object> d = AuditValues.map();
    d.put("length", message.length);
    d.put("sha256", AuditValues.hex(AuditValues.sha256(message)));
    AuditValues.putRest(d, signed);
    return d;
  }
}
