package io.nitrosign.authz;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erdtman.jcs.NumberToJSON;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) over the values {@link
 * io.nitrosign.chains.json.StrictJson} produces, byte for byte what the npm {@code canonicalize}
 * package (used by Privy's SDK) produces for the same document after {@code JSON.parse}.
 *
 * <ul>
 *   <li>objects ({@code Map<String, ?>}): members sorted by key, comparing UTF-16 code units
 *       ({@link String#compareTo} does exactly that); a {@code null} value is written as
 *       {@code null};
 *   <li>arrays ({@code List<?>}): in order;
 *   <li>strings: as ECMAScript {@code JSON.stringify}: {@code \b \t \n \f \r \" \\}, other
 *       characters below U+0020 as {@code \}{@code u00xx} (lowercase hex), everything else
 *       literal (non-ASCII included, {@code /} unescaped);
 *   <li>numbers ({@link BigInteger}, {@link BigDecimal}, or any other {@link Number}): converted to
 *       the nearest IEEE 754 double, as {@code JSON.parse} does, then written as ECMAScript's
 *       Number-to-String ({@code -0} becomes {@code 0}); a number beyond the double range is
 *       refused, as {@code canonicalize} refuses {@code Infinity};
 *   <li>{@link Boolean} and {@code null}: {@code true}, {@code false}, {@code null}.
 * </ul>
 */
public final class Jcs {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Jcs() {}

  /**
   * The canonical JSON text of a value.
   *
   * @throws IllegalArgumentException for a number outside the double range, a non-finite number,
   *     a map key that is not a string, or a value of a type JSON does not have
   */
  public static String canonicalize(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      writeString(s, out);
    } else if (value instanceof Boolean b) {
      out.append(b.booleanValue() ? "true" : "false");
    } else if (value instanceof Number n) {
      out.append(number(n));
    } else if (value instanceof Map<?, ?> map) {
      writeObject(map, out);
    } else if (value instanceof List<?> list) {
      out.append('[');
      boolean first = true;
      for (Object element : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(element, out);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value type");
    }
  }

  private static void writeObject(Map<?, ?> map, StringBuilder out) {
    List<String> keys = new ArrayList<>(map.size());
    for (Object key : map.keySet()) {
      if (!(key instanceof String s)) {
        throw new IllegalArgumentException("JSON object key is not a string");
      }
      keys.add(s);
    }
    keys.sort(null); // String.compareTo compares UTF-16 code units, as RFC 8785 section 3.2.3 asks
    out.append('{');
    boolean first = true;
    for (String key : keys) {
      if (!first) {
        out.append(',');
      }
      first = false;
      writeString(key, out);
      out.append(':');
      write(map.get(key), out);
    }
    out.append('}');
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else if (Character.isSurrogate(c) && !pairedAt(s, i)) {
            // ES2019 well-formed JSON.stringify: a lone surrogate is escaped (StrictJson never
            // produces one; kept for values built in code)
            out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean pairedAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /**
   * True when every number in {@code value} is exactly the value its canonical form denotes, so
   * canonicalization is one-to-one on the value: {@code 0.1}, {@code 1e3} and {@code 2^53} are
   * exact; {@code 12345678901234567890} (canonically {@code 12345678901234567000}) is not. A
   * signature over the canonical form then covers exactly one value, not every number that
   * rounds to the same double.
   */
  public static boolean isExact(Object value) {
    if (value instanceof Map<?, ?> map) {
      for (Object v : map.values()) {
        if (!isExact(v)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof List<?> list) {
      for (Object v : list) {
        if (!isExact(v)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof BigInteger || value instanceof BigDecimal) {
      BigDecimal written = value instanceof BigInteger bi ? new BigDecimal(bi) : (BigDecimal) value;
      try {
        return new BigDecimal(number((Number) value)).compareTo(written) == 0;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return true;
  }

  /** ES6 Number-to-String of the double nearest to {@code n}. */
  static String number(Number n) {
    double d;
    if (n instanceof BigDecimal bd) {
      d = bd.doubleValue(); // correctly rounded, as JSON.parse
    } else if (n instanceof BigInteger bi) {
      d = bi.doubleValue(); // correctly rounded (round half to even)
    } else if (n instanceof Double || n instanceof Float || n instanceof Long
        || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      d = n.doubleValue();
    } else {
      throw new IllegalArgumentException("unsupported JSON number type");
    }
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("JSON number outside the IEEE 754 double range");
    }
    if (d == 0) {
      return "0"; // both zeros, as ECMAScript
    }
    try {
      return NumberToJSON.serializeNumber(d);
    } catch (IOException e) {
      throw new IllegalArgumentException("JSON number not serializable");
    }
  }
}
