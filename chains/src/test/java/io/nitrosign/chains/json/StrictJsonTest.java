package io.nitrosign.chains.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ChainFormatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

  private static final StrictJson.Limits LIMITS = new StrictJson.Limits(4096, 8, 1000, 100, 80);

  private static Object parse(String json) {
    return StrictJson.parse(json.getBytes(StandardCharsets.UTF_8), "doc", LIMITS);
  }

  private static String refused(byte[] json) {
    ChainFormatException e = assertThrows(ChainFormatException.class,
        () -> StrictJson.parse(json, "doc", LIMITS), () -> HexFormat.of().formatHex(json));
    assertEquals("doc", e.field());
    assertEquals(ChainFormatException.Kind.MALFORMED, e.kind());
    return e.reason();
  }

  private static String refused(String json) {
    return refused(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesEveryKindOfValue() {
    Object v = parse(" {\"s\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"i\":-42,"
        + "\"big\":115792089237316195423570985008687907853269984665640564039457584007913129639935,"
        + "\"d\":1.50,\"e\":1E+3,\"t\":true,\"f\":false,\"n\":null,\"a\":[1,[],{}],\"o\":{}}\r\n");
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    assertEquals(List.of("s", "i", "big", "d", "e", "t", "f", "n", "a", "o"), List.copyOf(m.keySet()),
        "insertion order is kept");
    assertEquals("a\"b\\c/d\b\f\n\r\té\uD83D\uDE00", m.get("s"));
    assertEquals(BigInteger.valueOf(-42), m.get("i"));
    assertEquals(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE), m.get("big"));
    assertEquals(new BigDecimal("1.50"), m.get("d"));
    assertEquals(new BigDecimal("1E+3"), m.get("e"));
    assertEquals(Boolean.TRUE, m.get("t"));
    assertEquals(Boolean.FALSE, m.get("f"));
    assertTrue(m.containsKey("n"));
    assertNull(m.get("n"));
    assertEquals(List.of(BigInteger.ONE, List.of(), Map.of()), m.get("a"));
    assertEquals(Map.of(), m.get("o"));
  }

  @Test
  void topLevelScalarsAndRawUtf8() {
    assertEquals("é😀", parse("\"é😀\""));
    assertEquals(BigInteger.ZERO, parse("-0"));
    assertEquals(new BigDecimal("-0.0e-7"), parse("-0.0e-7"));
    assertNull(parse("null"));
    assertEquals(Boolean.TRUE, parse("\ttrue\n"));
  }

  @Test
  void parseObjectRefusesOtherValues() {
    assertEquals("must be a JSON object", assertThrows(ChainFormatException.class,
        () -> StrictJson.parseObject("[]".getBytes(StandardCharsets.UTF_8), "doc", LIMITS)).reason());
  }

  @Test
  void refusesWhatIsNotOneJsonValue() {
    for (String bad : List.of("", " ", "{} {}", "{}x", "[1]]", "1 2", "\"a\" \"b\"")) {
      refused(bad);
    }
    assertTrue(refused("{}x").contains("trailing data"));
    assertEquals("empty JSON document", refused(""));
  }

  @Test
  void refusesLenientSyntax() {
    for (String bad : List.of("{a:1}", "{'a':1}", "['a']", "[1,]", "{\"a\":1,}", "[,1]", "{,}",
        "{\"a\" 1}", "{\"a\":}", "[1 2]", "// c\n{}", "/* c */{}", "{\"a\":1;\"b\":2}", "[01]",
        "[-]", "[1.]", "[.5]", "[+1]", "[1e]", "[1e+]", "[NaN]", "[Infinity]", "[-Infinity]",
        "[0x10]", "[tru]", "[nul]", "[True]", "[\"\\x41\"]", "[\"\\u12\"]", "[\"\\u00g0\"]",
        "[\"\\U0041\"]", "[\"abc]", "[\"\\", "{\"a\":1", "[1", "[", "{", "\u00a0[]",
        "[\"\\u０１２３\"]")) {
      refused(bad);
    }
  }

  @Test
  void refusesRawControlCharacters() {
    for (char c = 0; c < 0x20; c++) {
      assertEquals("invalid JSON at character 2: control character in a string",
          refused("[\"" + c + "\"]"), "U+" + Integer.toHexString(c));
    }
    // DEL and C1 controls are allowed by RFC 8259
    assertEquals(List.of("\u007f\u0085"), parse("[\"\u007f\u0085\"]"));
  }

  @Test
  void refusesDuplicateKeysAfterUnescaping() {
    assertTrue(refused("{\"a\":1,\"a\":2}").contains("duplicate key"));
    assertTrue(refused("{\"a\":1,\"\\u0061\":2}").contains("duplicate key"));
    assertTrue(refused("{\"o\":{\"x\":1,\"y\":{},\"x\":null}}").contains("duplicate key"));
    // the same key in different objects is fine
    assertEquals(2, ((Map<?, ?>) parse("{\"a\":{\"a\":1},\"b\":{\"a\":2}}")).size());
  }

  @Test
  void refusesUnpairedSurrogateEscapes() {
    for (String bad : List.of("[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]",
        "[\"\\ud800x\"]", "[\"\\ude00\\ud83d\"]", "[\"\\ud83d\\ud83d\"]")) {
      assertTrue(refused(bad).contains("surrogate"), bad);
    }
  }

  @Test
  void refusesInvalidUtf8() {
    byte[][] bad = {
        {'"', (byte) 0xc0, (byte) 0xaf, '"'}, // overlong '/'
        {'"', (byte) 0xe0, (byte) 0x80, (byte) 0xaf, '"'}, // overlong, 3 bytes
        {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}, // encoded surrogate U+D800
        {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, // above U+10FFFF
        {'"', (byte) 0xff, '"'},
        {'"', (byte) 0x80, '"'}, // lone continuation byte
        {'"', (byte) 0xe2, (byte) 0x82, '"'}, // truncated sequence
        {'"', (byte) 0xe2, (byte) 0x82}, // truncated at the end
    };
    for (byte[] b : bad) {
      assertEquals("JSON document is not valid UTF-8", refused(b));
    }
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'};
    assertEquals("JSON document starts with a byte order mark", refused(bom));
  }

  @Test
  void enforcesEveryBound() {
    // bytes
    byte[] big = new byte[4097];
    Arrays.fill(big, (byte) ' ');
    big[0] = '1';
    assertEquals("JSON document larger than 4096 bytes", refused(big));
    // depth: 8 levels are fine, 9 are not
    assertEquals(List.of(List.of(List.of(List.of(List.of(List.of(List.of(List.of()))))))),
        parse("[[[[[[[[]]]]]]]]"));
    assertTrue(refused("[[[[[[[[[]]]]]]]]]").contains("nested deeper than 8"));
    assertTrue(refused("{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}}}}")
        .contains("nested deeper than 8"));
    // a deeply nested document is refused without a stack overflow
    assertTrue(refused("[".repeat(2000)).contains("nested deeper"));
    // values
    assertTrue(refused("[" + "0,".repeat(1000) + "0]").contains("more than 1000 values"));
    // string length, keys included
    parse("[\"" + "a".repeat(100) + "\"]");
    assertTrue(refused("[\"" + "a".repeat(101) + "\"]").contains("string longer than 100"));
    assertTrue(refused("{\"" + "a".repeat(101) + "\":1}").contains("string longer than 100"));
    assertTrue(refused("[\"" + "\\u0041".repeat(101) + "\"]").contains("string longer than 100"));
    // number length
    parse("[" + "9".repeat(80) + "]");
    assertTrue(refused("[" + "9".repeat(81) + "]").contains("number longer than 80"));
    assertTrue(refused("[1e" + "9".repeat(79) + "]").contains("number longer than 80"));
  }

  @Test
  void hugeExponentsAreRefusedOrKeptUnexpanded() {
    assertTrue(refused("[1e9999999999]").contains("exponent out of range"));
    BigDecimal d = (BigDecimal) ((List<?>) parse("[1e999999999]")).get(0);
    assertEquals(-999999999, d.scale(), "kept as written, not expanded");
  }

  @Test
  void errorsNeverQuoteTheInput() {
    String secretLooking = "{\"k\":\"0123456789abcdef\",\"k\":1}";
    String reason = refused(secretLooking);
    assertFalse(reason.contains("0123456789abcdef"), reason);
    assertEquals("invalid JSON at character 24: duplicate key", reason);
  }
}
