package io.nitrosign.policy.payload;

import java.util.Map;

/**
 * A caller-chosen digest or byte string signed without interpretation ({@code secp256k1_sign},
 * {@code raw_sign}). Policy sees only its length and hash: no condition can look inside it.
 */
public record RawPayload(int length, byte[] sha256, Map<String, Object> signed) implements Payload {

  /** The view of raw bytes: their length and SHA-256. */
  public static RawPayload of(byte[] bytes) {
    return new RawPayload(bytes.length, AuditValues.sha256(bytes), AuditValues.map());
  }

  /** {@code length}, {@code sha256} ({@code 0x} hex); then {@code signed}. */
  @Override
  public Map<String, Object> audit() {
    Map<String, Object> d = AuditValues.map();
    d.put("length", length);
    d.put("sha256", AuditValues.hex(sha256));
    AuditValues.putRest(d, signed);
    return d;
  }
}
