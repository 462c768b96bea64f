package io.nitrosign.policy;

import static io.nitrosign.policy.T.eval;
import static io.nitrosign.policy.T.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ethereum.Eip712;
import io.nitrosign.chains.ethereum.TypedDataJson;
import io.nitrosign.policy.payload.TypedDataPayload;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EIP-712: the Mail example of the EIP-712 specification. */
class TypedDataPolicyTest {

  static final String MAIL = """
      {"types": {
         "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                          {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
         "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
         "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
                  {"name": "contents", "type": "string"}]},
       "primaryType": "Mail",
       "domain": {"name": "Ether Mail", "version": "1", "chainId": 1,
                  "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
       "message": {"from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                   "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
                   "contents": "Hello, Bob!"}}
      """;

  /** The condition's typed_data: the Mail types without EIP712Domain (it is not reached from Mail). */
  static final String MAIL_TYPES = """
      {"primary_type": "Mail", "types": {
         "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
         "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
                  {"name": "contents", "type": "string"}]}}
      """;

  @SuppressWarnings("unchecked")
  static TypedDataPayload payload(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Map<String, Object> td = TypedDataJson.parse(bytes);
    return new TypedDataPayload((Map<String, Object>) td.get("types"), (String) td.get("primaryType"),
        (Map<String, Object>) td.get("domain"), (Map<String, Object>) td.get("message"), bytes.length,
        null, new HashMap<>());
  }

  static String message(String field, String op, String value, String typedData) {
    return """
        {"field_source": "ethereum_typed_data_message", "field": "%s", "operator": "%s", "value": %s, "typed_data": %s}
        """.formatted(field, op, value, typedData);
  }

  @Test
  void encodeTypeIsEip712s() {
    TypedDataPayload p = payload(MAIL);
    String expected = "Mail(Person from,Person to,string contents)Person(string name,address wallet)";
    assertEquals(expected, TypedDataPath.encodeType(p.types(), "Mail"));
    assertEquals(expected, Eip712.encodeType(TypedDataJson.parse(MAIL.getBytes(StandardCharsets.UTF_8)), "Mail"));
  }

  @Test
  void mailToBob() {
    Policy p = rule("ethereum", "eth_signTypedData_v4", "ALLOW", "[" + String.join(",",
        message("to.wallet", "eq", "\"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"", MAIL_TYPES),
        message("contents", "starts_with", "\"Hello\"", MAIL_TYPES),
        """
        {"field_source": "ethereum_typed_data_domain", "field": "verifyingContract", "operator": "eq", "value": "0xcccccccccccccccccccccccccccccccccccccccc"}""",
        """
        {"field_source": "ethereum_typed_data_domain", "field": "chain_id", "operator": "eq", "value": "1"}""") + "]");
    TypedDataPayload mail = payload(MAIL);
    assertTrue(eval(p, "eth_signTypedData_v4", "ethereum", mail).allowed());
    assertFalse(eval(p, "eth_signTypedData_v4", "ethereum", payload(MAIL.replace("Hello, Bob!", "Bye"))).allowed());
    assertFalse(eval(p, "eth_signTypedData_v4", "ethereum",
        payload(MAIL.replace("0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB", "0x1111111111111111111111111111111111111111"))).allowed());
    assertFalse(eval(p, "eth_signTypedData_v4", "ethereum", payload(MAIL.replace("\"chainId\": 1,", "\"chainId\": 10,"))).allowed());
  }

  @Test
  void typesMustMatchAsFarAsThePrimaryTypeReaches() {
    Policy p = rule("ethereum", "eth_signTypedData_v4", "ALLOW",
        "[" + message("to.wallet", "eq", "\"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"", MAIL_TYPES) + "]");
    // an unrelated extra type does not matter
    String extra = MAIL.replace("\"Person\": [", "\"Unused\": [{\"name\": \"x\", \"type\": \"uint8\"}], \"Person\": [");
    assertTrue(eval(p, "eth_signTypedData_v4", "ethereum", payload(extra)).allowed());
    // reordered fields of a reached type do: it is another struct
    String reordered = MAIL.replace("[{\"name\": \"name\", \"type\": \"string\"}, {\"name\": \"wallet\", \"type\": \"address\"}]",
        "[{\"name\": \"wallet\", \"type\": \"address\"}, {\"name\": \"name\", \"type\": \"string\"}]");
    assertFalse(eval(p, "eth_signTypedData_v4", "ethereum", payload(reordered)).allowed());
    // another primary type
    Policy deny = rule("ethereum", "eth_signTypedData_v4", "DENY",
        "[" + message("to.wallet", "eq", "\"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"", MAIL_TYPES) + "]");
    Policy allowAll = rule("ethereum", "*", "ALLOW", "[]");
    Decision d = eval(List.of(allowAll, deny), "eth_signTypedData_v4", "ethereum", payload(MAIL));
    assertFalse(d.allowed());
    assertTrue(d.reason().contains("ethereum_typed_data_message.to.wallet eq 0xbbbb"), d.reason());
    assertTrue(eval(List.of(allowAll, deny), "eth_signTypedData_v4", "ethereum", payload(reordered)).allowed());
  }

  @Test
  void arraysInTypedData() {
    String group = """
        {"types": {"EIP712Domain": [{"name": "name", "type": "string"}],
                   "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
                   "Group": [{"name": "members", "type": "Person[]"}, {"name": "limits", "type": "uint256[2]"}]},
         "primaryType": "Group", "domain": {"name": "G"},
         "message": {"members": [{"name": "A", "wallet": "0x1111111111111111111111111111111111111111"},
                                 {"name": "B", "wallet": "%s"}],
                     "limits": ["0x10", 5]}}
        """;
    String types = """
        {"primary_type": "Group", "types": {
           "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
           "Group": [{"name": "members", "type": "Person[]"}, {"name": "limits", "type": "uint256[2]"}]}}
        """;
    String one = "0x1111111111111111111111111111111111111111";
    String two = "0x2222222222222222222222222222222222222222";
    Policy everyMember = rule("ethereum", "eth_signTypedData_v4", "ALLOW",
        "[" + message("members.wallet", "eq", "\"" + one + "\"", types) + "]");
    assertTrue(eval(everyMember, "eth_signTypedData_v4", "ethereum", payload(group.formatted(one))).allowed());
    assertFalse(eval(everyMember, "eth_signTypedData_v4", "ethereum", payload(group.formatted(two))).allowed());
    Policy limit = rule("ethereum", "eth_signTypedData_v4", "ALLOW",
        "[" + message("limits[0]", "eq", "\"16\"", types) + "," + message("limits", "lte", "\"16\"", types) + "]");
    assertTrue(eval(limit, "eth_signTypedData_v4", "ethereum", payload(group.formatted(two))).allowed());
  }

  @Test
  void pathsAreCheckedAgainstTheTypes() {
    PolicyException e = T.refused("ethereum", "[{\"name\": \"r\", \"method\": \"eth_signTypedData_v4\", \"action\": \"ALLOW\", \"conditions\": ["
        + message("to.email", "eq", "\"x\"", MAIL_TYPES) + "]}]");
    assertEquals("rules[0].conditions[0].field", e.path());
    e = T.refused("ethereum", "[{\"name\": \"r\", \"method\": \"eth_signTypedData_v4\", \"action\": \"ALLOW\", \"conditions\": ["
        + message("to", "eq", "\"x\"", MAIL_TYPES) + "]}]");
    assertEquals("rules[0].conditions[0].field", e.path());
    e = T.refused("ethereum", "[{\"name\": \"r\", \"method\": \"eth_signTypedData_v4\", \"action\": \"ALLOW\", \"conditions\": ["
        + message("contents", "gt", "\"1\"", MAIL_TYPES) + "]}]");
    assertEquals("rules[0].conditions[0].operator", e.path());
    e = T.refused("ethereum", "[{\"name\": \"r\", \"method\": \"eth_signTypedData_v4\", \"action\": \"ALLOW\", \"conditions\": ["
        + message("contents", "eq", "\"x\"", MAIL_TYPES.replace("\"primary_type\": \"Mail\"", "\"primary_type\": \"Letter\"")) + "]}]");
    assertEquals("rules[0].conditions[0].typed_data.primary_type", e.path());
    e = T.refused("ethereum", "[{\"name\": \"r\", \"method\": \"eth_signTypedData_v4\", \"action\": \"ALLOW\", \"conditions\": ["
        + message("contents", "eq", "\"x\"", MAIL_TYPES.replace("\"type\": \"Person\"}, {\"name\": \"to\"", "\"type\": \"Persn\"}, {\"name\": \"to\"")) + "]}]");
    assertEquals("rules[0].conditions[0].typed_data.types.Mail[0].type", e.path());
  }
}
