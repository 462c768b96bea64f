package io.nitrosign.chains.json;

import io.nitrosign.chains.ChainFormatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict, bounded JSON parser (RFC 8259) with no dependencies, for the JSON the enclave
 * must read itself (EIP-712 typed data) and that the parent reads with the same code, so both
 * sides see the same value from the same bytes.
 *
 * <p>Strict: the input must be well-formed UTF-8 (no overlong forms, no encoded surrogates, no
 * byte order mark); exactly one JSON value with only JSON whitespace around it (no trailing data);
 * no duplicate keys in an object (compared after unescaping); no raw control characters in
 * strings; only the escapes of RFC 8259, and {@code \\u} surrogates only as a valid high/low pair;
 * numbers only in RFC 8259 form (no leading zeros, no {@code +}, no {@code NaN}/{@code Infinity},
 * no {@code .5} or {@code 5.}). Bounded ({@link Limits}): input bytes, nesting depth, number of
 * values, string length and number length; the recursion is never deeper than the depth bound.
 *
 * <p>Values: objects are {@code Map<String, Object>} (insertion order kept, JSON {@code null}
 * values stored as {@code null}), arrays {@code List<Object>}, strings {@code String}, integers
 * (no fraction, no exponent) {@code BigInteger}, other numbers {@code BigDecimal} (exactly as
 * written: {@code 1e3} is {@code 1E+3}, never expanded), {@code true}/{@code false}
 * {@code Boolean}, and {@code null}. Every refusal is a {@link ChainFormatException} naming the
 * caller's field and the character position; the input itself is never quoted.
 */
public final class StrictJson {

  /**
   * Bounds on one document.
   *
   * @param maxBytes the largest input, in bytes
   * @param maxDepth the deepest nesting of objects and arrays (1 = a flat object or array)
   * @param maxValues the most values (of any kind, containers included) in the document
   * @param maxStringChars the longest string (key or value), in UTF-16 chars after unescaping
   * @param maxNumberChars the longest number literal, in characters
   */
  public record Limits(int maxBytes, int maxDepth, int maxValues, int maxStringChars,
      int maxNumberChars) {
    public Limits {
      if (maxBytes < 1 || maxDepth < 1 || maxValues < 1 || maxStringChars < 0 || maxNumberChars < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

  private final String text;
  private final String field;
  private final Limits limits;
  private int pos;
  private int depth;
  private int values;

  private StrictJson(String text, String field, Limits limits) {
    this.text = text;
    this.field = field;
    this.limits = limits;
  }

  /**
   * Parses one JSON document.
   *
   * @param utf8 the document, UTF-8
   * @param field the name used in errors (e.g. {@code typedData})
   * @throws ChainFormatException when the input is not one strict, bounded JSON value
   */
  public static Object parse(byte[] utf8, String field, Limits limits) {
    if (utf8 == null || utf8.length == 0) {
      throw new ChainFormatException(field, "empty JSON document");
    }
    if (utf8.length > limits.maxBytes()) {
      throw new ChainFormatException(field, "JSON document larger than " + limits.maxBytes() + " bytes");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8)).toString();
    } catch (CharacterCodingException e) {
      throw new ChainFormatException(field, "JSON document is not valid UTF-8");
    }
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      throw new ChainFormatException(field, "JSON document starts with a byte order mark");
    }
    StrictJson p = new StrictJson(text, field, limits);
    p.skipWhitespace();
    Object value = p.value();
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw p.error("trailing data after the JSON value");
    }
    return value;
  }

  /** As {@link #parse}, for a document that must be a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(byte[] utf8, String field, Limits limits) {
    Object v = parse(utf8, field, limits);
    if (!(v instanceof Map)) {
      throw new ChainFormatException(field, "must be a JSON object");
    }
    return (Map<String, Object>) v;
  }

  // ------------------------------------------------------------------ grammar

  private ChainFormatException error(String reason) {
    return new ChainFormatException(field, "invalid JSON at character " + pos + ": " + reason);
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private Object value() {
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    if (++values > limits.maxValues()) {
      throw error("more than " + limits.maxValues() + " values");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character");
    }
  }

  private void enter() {
    if (++depth > limits.maxDepth()) {
      throw error("nested deeper than " + limits.maxDepth());
    }
  }

  private Map<String, Object> object() {
    enter();
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (pos < text.length() && text.charAt(pos) == '}') {
      pos++;
      depth--;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (pos >= text.length() || text.charAt(pos) != '"') {
        throw error("expected a string key");
      }
      int keyAt = pos;
      String key = string();
      if (map.containsKey(key)) {
        pos = keyAt;
        throw error("duplicate key");
      }
      skipWhitespace();
      expect(':');
      skipWhitespace();
      map.put(key, value());
      skipWhitespace();
      if (pos >= text.length()) {
        throw error("unterminated object");
      }
      char c = text.charAt(pos++);
      if (c == '}') {
        depth--;
        return map;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array() {
    enter();
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (pos < text.length() && text.charAt(pos) == ']') {
      pos++;
      depth--;
      return list;
    }
    while (true) {
      skipWhitespace();
      list.add(value());
      skipWhitespace();
      if (pos >= text.length()) {
        throw error("unterminated array");
      }
      char c = text.charAt(pos++);
      if (c == ']') {
        depth--;
        return list;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private void expect(char c) {
    if (pos >= text.length() || text.charAt(pos) != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private Object literal(String word, Object v) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character");
    }
    pos += word.length();
    return v;
  }

  private String string() {
    pos++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c == '\\') {
        escape(sb);
      } else {
        // The text came from strict UTF-8 decoding: surrogates here are always valid pairs.
        sb.append(c);
        pos++;
      }
      if (sb.length() > limits.maxStringChars()) {
        throw error("string longer than " + limits.maxStringChars() + " characters");
      }
    }
  }

  private void escape(StringBuilder sb) {
    pos++; // backslash
    if (pos >= text.length()) {
      throw error("unterminated escape");
    }
    char e = text.charAt(pos++);
    switch (e) {
      case '"' -> sb.append('"');
      case '\\' -> sb.append('\\');
      case '/' -> sb.append('/');
      case 'b' -> sb.append('\b');
      case 'f' -> sb.append('\f');
      case 'n' -> sb.append('\n');
      case 'r' -> sb.append('\r');
      case 't' -> sb.append('\t');
      case 'u' -> {
        char u = hex4();
        if (Character.isLowSurrogate(u)) {
          throw error("unpaired surrogate escape");
        }
        if (Character.isHighSurrogate(u)) {
          if (!text.startsWith("\\u", pos)) {
            throw error("unpaired surrogate escape");
          }
          pos += 2;
          char low = hex4();
          if (!Character.isLowSurrogate(low)) {
            throw error("unpaired surrogate escape");
          }
          sb.append(u).append(low);
        } else {
          sb.append(u);
        }
      }
      default -> {
        pos--;
        throw error("invalid escape");
      }
    }
  }

  private char hex4() {
    if (pos + 4 > text.length()) {
      throw error("truncated \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(text.charAt(pos + i), 16);
      // Character.digit accepts non-ASCII digits: only 0-9 a-f A-F are JSON hex digits
      char c = text.charAt(pos + i);
      if (d < 0 || c > 'f') {
        throw error("invalid \\u escape");
      }
      v = (v << 4) | d;
    }
    pos += 4;
    return (char) v;
  }

  private Object number() {
    int start = pos;
    if (text.charAt(pos) == '-') {
      pos++;
    }
    if (pos >= text.length() || !isDigit(text.charAt(pos))) {
      throw error("invalid number");
    }
    if (text.charAt(pos) == '0') {
      pos++;
      if (pos < text.length() && isDigit(text.charAt(pos))) {
        throw error("number with a leading zero");
      }
    } else {
      digits();
    }
    boolean integral = true;
    if (pos < text.length() && text.charAt(pos) == '.') {
      integral = false;
      pos++;
      if (pos >= text.length() || !isDigit(text.charAt(pos))) {
        throw error("invalid number: digit expected after '.'");
      }
      digits();
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      integral = false;
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      if (pos >= text.length() || !isDigit(text.charAt(pos))) {
        throw error("invalid number: digit expected in the exponent");
      }
      digits();
    }
    if (pos - start > limits.maxNumberChars()) {
      pos = start;
      throw error("number longer than " + limits.maxNumberChars() + " characters");
    }
    String literal = text.substring(start, pos);
    if (integral) {
      return new BigInteger(literal);
    }
    try {
      return new BigDecimal(literal);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("number exponent out of range");
    }
  }

  private void digits() {
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
