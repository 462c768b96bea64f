package io.nitrosign.policy.payload;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the payloads write the audit row's values, in one place so every kind spells them alike:
 * hex with {@code 0x}, texts from a payload cut to a bound (a caller controls them and the row is
 * not the place for megabytes), and the order of keys (the ones a payload knows first, then what
 * it carried in {@code extra}, then what was added after signing).
 */
final class AuditValues {

  /** The longest text copied from a payload into the audit row. */
  static final int MAX_TEXT = 256;
  private static final HexFormat HEX = HexFormat.of();

  private AuditValues() {}

  /** {@code 0x} and lowercase hex. */
  static String hex(byte[] bytes) {
    return "0x" + HEX.formatHex(bytes);
  }

  /** Lowercase hex without prefix. */
  static String plainHex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** SHA-256 of {@code bytes}. */
  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** Text from a payload: at most {@value #MAX_TEXT} characters, then an ellipsis. */
  static String text(Object v) {
    if (v == null) {
      return null;
    }
    String s = v.toString();
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
  }

  /** Copies the entries of {@code from} that {@code to} does not hold yet, in their order. */
  static void putRest(Map<String, Object> to, Map<String, Object> from) {
    if (from == null) {
      return;
    }
    for (Map.Entry<String, Object> e : from.entrySet()) {
      to.putIfAbsent(e.getKey(), e.getValue());
    }
  }

  /** Copies {@code key} from {@code from} when it holds it (a null value included). */
  static void putIfHeld(Map<String, Object> to, Map<String, Object> from, String key) {
    if (from != null && from.containsKey(key)) {
      to.put(key, from.get(key));
    }
  }

  /** A new mutable map for a record's {@code signed} or {@code extra}. */
  static Map<String, Object> map() {
    return new LinkedHashMap<>();
  }
}
