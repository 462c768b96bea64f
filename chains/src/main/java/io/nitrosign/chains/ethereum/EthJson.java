package io.nitrosign.chains.ethereum;

import io.nitrosign.chains.ChainFormatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Strict conversions from parsed JSON values (the {@code Map}/{@code List}/{@code String}/
 * {@code Number}/{@code Boolean} tree any JSON parser produces) to Ethereum values.
 */
final class EthJson {

  static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);
  private static final BigInteger MAX_SAFE_DOUBLE = BigInteger.ONE.shiftLeft(53);
  /** Longest accepted decimal or hex quantity string (a uint256 needs 78 decimal digits). */
  private static final int MAX_QUANTITY_CHARS = 80;

  private EthJson() {}

  /**
   * A non-negative integer: a JSON number (integral), a {@code 0x} hex quantity without leading
   * zeros, or a decimal string without leading zeros. Must be below {@code 2^bits}.
   */
  static BigInteger uint(Object v, String field, int bits) {
    BigInteger n = integer(v, field);
    if (n.signum() < 0) {
      throw new ChainFormatException(field, "must not be negative");
    }
    if (n.bitLength() > bits) {
      throw new ChainFormatException(field, "exceeds " + bits + " bits");
    }
    return n;
  }

  /** A signed integer in the same forms as {@link #uint}, decimal strings may start with '-'. */
  static BigInteger integer(Object v, String field) {
    if (v == null) {
      throw new ChainFormatException(field, "is missing");
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return BigInteger.valueOf(((Number) v).longValue());
    }
    if (v instanceof BigInteger) {
      return (BigInteger) v;
    }
    if (v instanceof BigDecimal) {
      // strip first so that 1E-1000000000 or 1E+1000000000 is refused without being expanded
      BigDecimal d = ((BigDecimal) v).stripTrailingZeros();
      if (d.scale() > 0) {
        throw new ChainFormatException(field, "must be an integer");
      }
      if (d.precision() - d.scale() > MAX_QUANTITY_CHARS) {
        throw new ChainFormatException(field, "number too large");
      }
      return d.toBigIntegerExact();
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d)
          || Math.abs(d) > MAX_SAFE_DOUBLE.doubleValue()) {
        throw new ChainFormatException(field, "must be an integer below 2^53 when given as a number");
      }
      return BigInteger.valueOf((long) d);
    }
    if (v instanceof String) {
      return parseIntegerString((String) v, field);
    }
    if (v instanceof Number) {
      // other parsers' number types (e.g. Gson's LazilyParsedNumber): exact decimal text
      String text = v.toString();
      if (text.length() > MAX_QUANTITY_CHARS) {
        throw new ChainFormatException(field, "number too long");
      }
      try {
        return integer(new BigDecimal(text), field);
      } catch (NumberFormatException e) {
        throw new ChainFormatException(field, "not a number");
      }
    }
    throw new ChainFormatException(field, "must be a number or a string");
  }

  private static BigInteger parseIntegerString(String s, String field) {
    if (s.isEmpty() || s.length() > MAX_QUANTITY_CHARS) {
      throw new ChainFormatException(field, "empty or over-long integer string");
    }
    boolean negative = s.charAt(0) == '-';
    String body = negative ? s.substring(1) : s;
    BigInteger n;
    if (body.startsWith("0x") || body.startsWith("0X")) {
      String hex = body.substring(2);
      if (hex.isEmpty() || !hex.chars().allMatch(EthJson::isHex)) {
        throw new ChainFormatException(field, "invalid hex quantity");
      }
      if (hex.length() > 1 && hex.charAt(0) == '0') {
        throw new ChainFormatException(field, "hex quantity has leading zeros");
      }
      n = new BigInteger(hex, 16);
    } else {
      if (body.isEmpty() || !body.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new ChainFormatException(field, "invalid decimal integer");
      }
      if (body.length() > 1 && body.charAt(0) == '0') {
        throw new ChainFormatException(field, "decimal integer has leading zeros");
      }
      n = new BigInteger(body);
    }
    if (negative && n.signum() == 0) {
      throw new ChainFormatException(field, "negative zero");
    }
    return negative ? n.negate() : n;
  }

  /** {@code 0x}-prefixed hex of even length, at most {@code maxBytes} bytes. */
  static byte[] hexBytes(Object v, String field, int maxBytes) {
    if (!(v instanceof String)) {
      throw new ChainFormatException(field, v == null ? "is missing" : "must be a 0x hex string");
    }
    String s = (String) v;
    if (!s.startsWith("0x") && !s.startsWith("0X")) {
      throw new ChainFormatException(field, "must start with 0x");
    }
    String hex = s.substring(2);
    if (hex.length() % 2 != 0) {
      throw new ChainFormatException(field, "odd number of hex digits");
    }
    if (hex.length() / 2 > maxBytes) {
      throw new ChainFormatException(field, "longer than " + maxBytes + " bytes");
    }
    if (!hex.chars().allMatch(EthJson::isHex)) {
      throw new ChainFormatException(field, "invalid hex digit");
    }
    return HexFormat.of().parseHex(hex);
  }

  static byte[] fixedHex(Object v, String field, int length) {
    byte[] b = hexBytes(v, field, length);
    if (b.length != length) {
      throw new ChainFormatException(field, "must be exactly " + length + " bytes");
    }
    return b;
  }

  /**
   * A 20-byte address, {@code 0x} + 40 hex digits; if it mixes upper and lower case it must be a
   * valid EIP-55 checksum.
   */
  static byte[] address(Object v, String field) {
    byte[] b = fixedHex(v, field, 20);
    String s = (String) v;
    String digits = s.substring(2);
    boolean hasUpper = digits.chars().anyMatch(c -> c >= 'A' && c <= 'F');
    boolean hasLower = digits.chars().anyMatch(c -> c >= 'a' && c <= 'f');
    if (hasUpper && hasLower && !EthereumAddress.checksum(s).substring(2).equals(digits)) {
      throw new ChainFormatException(field, "mixed-case address with an invalid EIP-55 checksum");
    }
    return b;
  }

  static List<?> list(Object v, String field, int max) {
    if (!(v instanceof List)) {
      throw new ChainFormatException(field, v == null ? "is missing" : "must be an array");
    }
    List<?> l = (List<?>) v;
    if (l.size() > max) {
      throw new ChainFormatException(field, "more than " + max + " entries");
    }
    return l;
  }

  static Map<?, ?> object(Object v, String field) {
    if (!(v instanceof Map)) {
      throw new ChainFormatException(field, v == null ? "is missing" : "must be an object");
    }
    return (Map<?, ?>) v;
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
