package io.nitrosign.policy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading request bodies given as plain JSON values, every refusal a {@link PolicyException}
 * naming the path. Also the deep, unmodifiable copy a policy keeps of what was written, so that
 * what is returned is what was validated even if the caller's maps change later.
 */
final class Plain {

  /** Deepest nesting accepted in a copied value (an ABI's tuple components nest). */
  static final int MAX_DEPTH = 32;

  private Plain() {}

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** {@code v} as an object with string keys, none outside {@code allowed}. */
  static Map<String, Object> object(Object v, String path, Set<String> allowed) {
    if (!(v instanceof Map<?, ?> m)) {
      throw new PolicyException(path, v == null ? "is missing" : "must be an object");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String k)) {
        throw new PolicyException(path, "has a key that is not a string");
      }
      if (allowed != null && !allowed.contains(k)) {
        throw new PolicyException(join(path, k), "unknown field");
      }
      out.put(k, e.getValue());
    }
    return out;
  }

  static List<Object> list(Object v, String path, int min, int max) {
    if (!(v instanceof List<?> l)) {
      throw new PolicyException(path, v == null ? "is missing" : "must be an array");
    }
    if (l.size() < min) {
      throw new PolicyException(path, min == 1 ? "must not be empty" : "needs at least " + min + " entries");
    }
    if (l.size() > max) {
      throw new PolicyException(path, "has more than " + max + " entries");
    }
    return new ArrayList<>(l);
  }

  static String string(Object v, String path, int min, int max) {
    if (!(v instanceof String s)) {
      throw new PolicyException(path, v == null ? "is missing" : "must be a string");
    }
    if (s.length() < min) {
      throw new PolicyException(path, min == 1 ? "must not be empty" : "shorter than " + min + " characters");
    }
    if (s.length() > max) {
      throw new PolicyException(path, "longer than " + max + " characters");
    }
    return s;
  }

  /** An integral JSON number (BigInteger, Long, Integer, or a BigDecimal without fraction). */
  static long integral(Object v, String path) {
    BigInteger n = null;
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      n = BigInteger.valueOf(((Number) v).longValue());
    } else if (v instanceof BigInteger b) {
      n = b;
    } else if (v instanceof BigDecimal d && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
      BigDecimal s = d.stripTrailingZeros();
      if (s.scale() <= 0) {
        n = s.toBigIntegerExact();
      }
    }
    if (n == null) {
      throw new PolicyException(path, v == null ? "is missing" : "must be an integer");
    }
    if (n.bitLength() > 63) {
      throw new PolicyException(path, "out of range");
    }
    return n.longValue();
  }

  /**
   * A deep copy of a plain JSON value, unmodifiable, refusing anything that is not a plain JSON
   * value or nests deeper than {@link #MAX_DEPTH}.
   */
  static Object copy(Object v, String path) {
    return copy(v, path, 0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> copyObject(Map<String, Object> v, String path) {
    return (Map<String, Object>) copy(v, path, 0);
  }

  private static Object copy(Object v, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new PolicyException(path, "nests deeper than " + MAX_DEPTH + " levels");
    }
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof BigInteger
        || v instanceof BigDecimal || v instanceof Long || v instanceof Integer) {
      return v;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw new PolicyException(path, "has a key that is not a string");
        }
        out.put(k, copy(e.getValue(), join(path, k), depth + 1));
      }
      return Collections.unmodifiableMap(out);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (int i = 0; i < l.size(); i++) {
        out.add(copy(l.get(i), index(path, i), depth + 1));
      }
      return Collections.unmodifiableList(out);
    }
    throw new PolicyException(path, "is not a JSON value");
  }
}
