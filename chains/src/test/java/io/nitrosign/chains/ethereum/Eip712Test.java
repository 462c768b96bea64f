package io.nitrosign.chains.ethereum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import io.nitrosign.chains.ChainFormatException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Eip712Test {

  private static final HexFormat HEX = HexFormat.of();

  static Map<String, Object> load(String resource) throws Exception {
    try (var in = new InputStreamReader(
        Eip712Test.class.getResourceAsStream(resource), StandardCharsets.UTF_8)) {
      return new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.BIG_DECIMAL).create()
          .fromJson(in, new TypeToken<Map<String, Object>>() {}.getType());
    }
  }

  /**
   * Origin: EIP-712's example (ethereum/EIPs EIPS/eip-712.md, "Test Cases", assets/eip-712/
   * Example.js and Example.sol): the Mail from Cow to Bob in the "Ether Mail" domain.
   */
  @Test
  void eipMailExample() throws Exception {
    Map<String, Object> td = load("eip712-mail.json");
    assertEquals("Mail(Person from,Person to,string contents)Person(string name,address wallet)",
        Eip712.encodeType(td, "Mail"));
    Eip712.Digest d = Eip712.hash(td);
    assertEquals("f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f",
        HEX.formatHex(d.domainSeparator()));
    assertEquals("c52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e",
        HEX.formatHex(d.messageHash()));
    assertEquals("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2",
        HEX.formatHex(d.digest()));
  }

  /**
   * Origin: rsksmart/rskj rskj-core/src/test/resources/eip712/typed_data.json (commit
   * 25a5da4649518bdd6183cf80c6e33731b760a3f9) with expected values from rskj's
   * EIP712UtilsTest (co.rsk.rpc.modules.eth.eip712); the same data and final hash also appear
   * as a "Type data with array" TYPE_DATA_V4 fixture in another public wallet test suite.
   */
  @Test
  void arraysOfStructsAndAddresses() throws Exception {
    Map<String, Object> td = load("eip712-rskj-typed_data.json");
    assertEquals("Mail(Person from,Person[] to,string contents)Person(string name,address[] wallets)",
        Eip712.encodeType(td, "Mail"));
    assertEquals("Group(string name,Person[] members)Person(string name,address[] wallets)",
        Eip712.encodeType(td, "Group"));
    assertEquals("fabfe1ed996349fc6027709802be19d047da1aa5d6894ff5f6486d92db2e6860",
        HEX.formatHex(Keccak256.hash(Eip712.encodeType(td, "Person").getBytes(StandardCharsets.UTF_8))));
    Eip712.Digest d = Eip712.hash(td);
    assertEquals("f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f",
        HEX.formatHex(d.domainSeparator()));
    assertEquals("eb4221181ff3f1a83ea7313993ca9218496e424604ba9492bb4052c03d5c3df8",
        HEX.formatHex(d.messageHash()));
    assertEquals("a85c2e2b118698e88db68a8105b794a8cc7cec074e89ef991cb4f5f533819cc2",
        HEX.formatHex(d.digest()));
  }

  /**
   * Origin: rsksmart/rskj rskj-core/src/test/resources/eip712/rec_typed_data.json (commit
   * 1291fb23ddf936443794ecc99987a9e127db1e98), expected values from rskj's EIP712UtilsTest
   * (rec_*): a recursive type whose absent struct fields encode as zero words (v4 semantics).
   */
  @Test
  void recursiveTypes() throws Exception {
    Map<String, Object> td = load("eip712-rskj-rec_typed_data.json");
    assertEquals("Person(string name,Person mother,Person father)", Eip712.encodeType(td, "Person"));
    Eip712.Digest d = Eip712.hash(td);
    assertEquals("facb2c1888f63a780c84c216bd9a81b516fc501a19bae1fc81d82df590bbdc60",
        HEX.formatHex(d.domainSeparator()));
    assertEquals("fdc7b6d35bbd81f7fa78708604f57569a10edff2ca329c8011373f0667821a45",
        HEX.formatHex(d.messageHash()));
    assertEquals("807773b9faa9879d4971b43856c4d60c2da15c6f8c062bd9d33afefb756de19c",
        HEX.formatHex(d.digest()));
  }

  @Test
  void domainOnlyWhenPrimaryTypeIsTheDomain() throws Exception {
    Map<String, Object> td = load("eip712-mail.json");
    td.put("primaryType", "EIP712Domain");
    td.put("message", Map.of());
    Eip712.Digest d = Eip712.hash(td);
    assertNull(d.messageHash());
    assertArrayEquals(Keccak256.hash(new byte[] {0x19, 0x01}, d.domainSeparator()), d.digest());
  }

  // --------------------------------------------------------------- atomic encodings

  private static Map<String, Object> single(String type, Object value) {
    Map<String, Object> td = new LinkedHashMap<>();
    td.put("types", Map.of(
        "EIP712Domain", List.of(Map.of("name", "chainId", "type", "uint256")),
        "T", List.of(Map.of("name", "v", "type", type))));
    td.put("primaryType", "T");
    td.put("domain", Map.of("chainId", 1));
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("v", value);
    td.put("message", message);
    return td;
  }

  /** hashStruct of T(type v) = keccak(keccak("T(type v)") || word). */
  private static void assertWord(String type, Object value, String wordHex) {
    byte[] typeHash = Keccak256.hash(("T(" + type + " v)").getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals(Keccak256.hash(typeHash, HEX.parseHex(wordHex)),
        Eip712.hash(single(type, value)).messageHash(), type + " " + value);
  }

  @Test
  void atomicEncodings() {
    assertWord("int8", -1, "ff".repeat(32));
    assertWord("int256", "-0x2", "ff".repeat(31) + "fe");
    assertWord("uint8", 255, "00".repeat(31) + "ff");
    assertWord("uint256", "0x" + "f".repeat(64), "ff".repeat(32));
    assertWord("bool", true, "00".repeat(31) + "01");
    assertWord("bytes4", "0x01020304", "01020304" + "00".repeat(28));
    assertWord("address", "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "00".repeat(12) + "bb".repeat(20));
    assertWord("bytes", "0x0102", HEX.formatHex(Keccak256.hash(new byte[] {1, 2})));
    assertWord("string", "é", HEX.formatHex(Keccak256.hash("é".getBytes(StandardCharsets.UTF_8))));
    // nested fixed/dynamic arrays: uint8[2][] of [[1,2]] = keccak(keccak(w1 || w2))
    byte[] inner = Keccak256.hash(HEX.parseHex("00".repeat(31) + "01" + "00".repeat(31) + "02"));
    assertWord("uint8[2][]", List.of(List.of(1, 2)), HEX.formatHex(Keccak256.hash(inner)));
  }

  // --------------------------------------------------------------- bad input

  private static String field(Map<String, Object> td) {
    return assertThrows(ChainFormatException.class, () -> Eip712.hash(td)).field();
  }

  @Test
  void rangeAndFormatErrorsNameTheValue() {
    assertEquals("typedData.message.v", field(single("uint8", 256)));
    assertEquals("typedData.message.v", field(single("int8", -129)));
    assertEquals("typedData.message.v", field(single("uint256", -1)));
    assertEquals("typedData.message.v", field(single("bytes4", "0x010203")));
    assertEquals("typedData.message.v", field(single("bool", "true")));
    assertEquals("typedData.message.v", field(single("address", "0x1234")));
    assertEquals("typedData.message.v", field(single("uint8[2]", List.of(1))));
    assertEquals("typedData.message.v", field(single("string", 5)));
    assertEquals("typedData.message.v", field(single("uint8", 1.5)));
  }

  @Test
  void structuralErrors() throws Exception {
    assertEquals("typedData.types.T[0].type", field(single("Unknown", 1)));
    assertEquals("typedData.types.T[0].type", field(single("uint7", 1)));
    assertEquals("typedData.types.T[0].type", field(single("bytes33", "0x00")));
    assertEquals("typedData.types.T[0].type", field(single("int", 1)));

    Map<String, Object> extra = single("uint8", 1);
    ((Map<String, Object>) extra.get("message")).put("w", 2);
    assertEquals("typedData.message.w", field(extra));

    Map<String, Object> missing = load("eip712-mail.json");
    ((Map<?, ?>) missing.get("message")).remove("contents");
    assertEquals("typedData.message.contents", field(missing));

    Map<String, Object> unknownTop = load("eip712-mail.json");
    unknownTop.put("extra", 1);
    assertEquals("typedData.extra", field(unknownTop));

    Map<String, Object> badPrimary = load("eip712-mail.json");
    badPrimary.put("primaryType", "Nope");
    assertEquals("typedData.primaryType", field(badPrimary));
  }

  @Test
  void oversizeTypedDataIsRefused() {
    // dynamic bytes over the bound
    List<Object> strings = new ArrayList<>(Collections.nCopies(1000, "x".repeat(300)));
    assertEquals("typedData.message.v[873]", field(single("string[]", strings)));
    // array longer than the bound
    assertEquals("typedData.message.v",
        field(single("uint8[]", new ArrayList<>(Collections.nCopies(Eip712.MAX_ARRAY_LENGTH + 1, 1)))));
    // too many values overall: 1000 x 1000 nested array elements
    List<Object> row = new ArrayList<>(Collections.nCopies(1000, 1));
    assertThrows(ChainFormatException.class,
        () -> Eip712.hash(single("uint8[][]", new ArrayList<>(Collections.nCopies(1000, row)))));
    // nesting deeper than the bound
    Object deep = 1;
    String type = "uint8";
    for (int i = 0; i < Eip712.MAX_DEPTH + 1; i++) {
      deep = List.of(deep);
      type += "[]";
    }
    Object deepValue = deep;
    String deepType = type;
    assertThrows(ChainFormatException.class, () -> Eip712.hash(single(deepType, deepValue)));
  }
}
