package io.nitrosign.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JcsTest {

  @Test
  void rfc8785SampleInputCanonicalizesToTheSampleOutput() {
    // RFC 8785 section 3.2.2
    String input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50,\n"
        + "              2e-3, 0.000000000000000000000000001],\n"
        + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
        + "  \"literals\": [null, true, false]\n}";
    String expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    assertEquals(expected, Jcs.canonicalize(TestData.json(input)));
  }

  @Test
  void rfc8785SortingExampleOrdersKeysByUtf16CodeUnits() {
    // RFC 8785 section 3.2.3
    String input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
        + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
        + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
    String expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
        + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
        + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
    assertEquals(expected, Jcs.canonicalize(TestData.json(input)));
  }

  @Test
  void rfc8785AppendixBNumbersSerializeAsTheRfcSays() {
    int rows = 0;
    for (String line : TestData.text("rfc8785-appendix-b-numbers.txt").split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.trim().split("\\s+");
      double d = Double.longBitsToDouble(HexFormat.fromHexDigitsToLong(parts[0]));
      assertEquals(parts[1], Jcs.canonicalize(new BigDecimal(d)), parts[0]);
      assertEquals(parts[1], Jcs.canonicalize(TestData.json(parts[1])), parts[0] + " reparsed");
      rows++;
    }
    assertEquals(24, rows);
  }

  @Test
  void everyVectorOfTheCanonicalizePackageUsedByPrivysSdkIsReproduced() {
    Map<String, Object> file = TestData.jsonResource("jcs-canonicalize-vectors.json");
    List<String> failures = new ArrayList<>();
    int n = 0;
    for (Map<String, Object> v : TestData.list(file.get("vectors"))) {
      String input = (String) v.get("input");
      String actual = Jcs.canonicalize(TestData.json(input));
      if (!actual.equals(v.get("canonical"))) {
        failures.add(input + " -> " + actual + " (expected " + v.get("canonical") + ")");
      }
      n++;
    }
    assertTrue(n >= 30, "vectors: " + n);
    assertEquals(List.of(), failures);
  }

  @Test
  void controlCharactersAreEscapedWithLowercaseHexAndNonAsciiStaysLiteral() {
    assertEquals("\"\\u001f\\u000b\\u0000\u00e9\u2028/\"", Jcs.canonicalize("\u001f\u000b\u0000\u00e9\u2028/"));
  }

  @Test
  void bothZerosAndIntegersBeyondTwoToThe53AreWrittenAsTheirDouble() {
    assertEquals("[0,0,9007199254740992,1e+21]", Jcs.canonicalize(List.of(
        new BigDecimal("-0.0"), BigInteger.ZERO.negate(), new BigInteger("9007199254740993"),
        new BigInteger("1000000000000000000000"))));
  }

  @Test
  void aNumberBeyondTheDoubleRangeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(new BigDecimal("1e309")));
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(BigInteger.TWO.pow(1024)));
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(TestData.json("[1.7976931348623159e308]")));
  }

  @Test
  void nullObjectMembersAreKeptAndNonJsonTypesAreRefused() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", null);
    m.put("a", List.of());
    assertEquals("{\"a\":[],\"b\":null}", Jcs.canonicalize(m));
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(new Object()));
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(Map.of(1, 2)));
  }
}
