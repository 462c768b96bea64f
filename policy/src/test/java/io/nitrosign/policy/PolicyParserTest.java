package io.nitrosign.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refusal names the path of what is wrong. */
class PolicyParserTest {

  static final String TO = "{\"field_source\": \"ethereum_transaction\", \"field\": \"to\", \"operator\": \"eq\", \"value\": \"0x1111111111111111111111111111111111111111\"}";

  static String policy(String chain, String rules) {
    return "{\"version\": \"1.0\", \"name\": \"p\", \"chain_type\": \"" + chain + "\", \"rules\": " + rules + "}";
  }

  static String oneRule(String method, String conditions) {
    return "[{\"name\": \"r\", \"method\": \"" + method + "\", \"action\": \"ALLOW\", \"conditions\": " + conditions + "}]";
  }

  static String eth(String conditions) {
    return policy("ethereum", oneRule("eth_signTransaction", conditions));
  }

  static Arguments bad(String path, String body) {
    return Arguments.of(path, body);
  }

  static List<Arguments> badPolicies() {
    String abi = EthereumPolicyTest.ERC20_ABI;
    return List.of(
        bad("version", "{\"version\": \"2.0\", \"name\": \"p\", \"chain_type\": \"ethereum\", \"rules\": []}"),
        bad("owner", "{\"version\": \"1.0\", \"name\": \"p\", \"chain_type\": \"ethereum\", \"rules\": [], \"owner\": null}"),
        bad("name", "{\"version\": \"1.0\", \"name\": \"" + "n".repeat(51) + "\", \"chain_type\": \"ethereum\", \"rules\": []}"),
        bad("name", "{\"version\": \"1.0\", \"name\": \"\", \"chain_type\": \"ethereum\", \"rules\": []}"),
        bad("chain_type", policy("tron", "[]")),
        bad("rules", "{\"version\": \"1.0\", \"name\": \"p\", \"chain_type\": \"ethereum\"}"),
        bad("rules[0].action", policy("ethereum", "[{\"name\": \"r\", \"method\": \"*\", \"action\": \"allow\", \"conditions\": []}]")),
        bad("rules[0].method", policy("ethereum", oneRule("eth_launchMissiles", "[]"))),
        bad("rules[0].method", policy("solana", oneRule("personal_sign", "[]"))),
        bad("rules[0].method", policy("ethereum", oneRule("signPsbt", "[]"))),
        bad("rules[0].colour", policy("ethereum", "[{\"name\": \"r\", \"method\": \"*\", \"action\": \"DENY\", \"conditions\": [], \"colour\": 1}]")),
        bad("rules[1].id", policy("ethereum", "[{\"id\": \"aaaaaaaaaaaaaaaaaaaaaaaa\", \"name\": \"r\", \"method\": \"*\", \"action\": \"DENY\", \"conditions\": []},"
            + "{\"id\": \"aaaaaaaaaaaaaaaaaaaaaaaa\", \"name\": \"s\", \"method\": \"*\", \"action\": \"DENY\", \"conditions\": []}]")),
        bad("rules[0].conditions[0].field_source", eth("[{\"field_source\": \"tron_transaction\", \"field\": \"to\", \"operator\": \"eq\", \"value\": \"x\"}]")),
        bad("rules[0].conditions[0].field_source", eth("[{\"field_source\": \"solana_program_instruction\", \"field\": \"programId\", \"operator\": \"eq\", \"value\": \"x\"}]")),
        bad("rules[0].conditions[0].field_source", eth("[{\"field_source\": \"message\", \"field\": \"content\", \"operator\": \"eq\", \"value\": \"x\"}]")),
        bad("rules[0].conditions[0].field", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"from\", \"operator\": \"eq\", \"value\": \"x\"}]")),
        bad("rules[0].conditions[1].operator", eth("[" + TO + ", {\"field_source\": \"ethereum_transaction\", \"field\": \"to\", \"operator\": \"gt\", \"value\": \"0x1111111111111111111111111111111111111111\"}]")),
        bad("rules[0].conditions[0].operator", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"value\", \"operator\": \"contains\", \"value\": \"1\"}]")),
        bad("rules[0].conditions[0].operator", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"value\", \"operator\": \"neq\", \"value\": \"1\"}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"value\", \"operator\": \"lte\", \"value\": \"1.5\"}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"value\", \"operator\": \"lte\", \"value\": \"" + "1" + "0".repeat(78) + "\"}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"value\", \"operator\": \"lte\", \"value\": 5}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"to\", \"operator\": \"eq\", \"value\": \"0x11\"}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"to\", \"operator\": \"eq\", \"value\": \"0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eb48\"}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"to\", \"operator\": \"eq\", \"value\": [\"0x1111111111111111111111111111111111111111\"]}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"to\", \"operator\": \"in\", \"value\": []}]")),
        bad("rules[0].conditions[0].value[1]", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"to\", \"operator\": \"in\", \"value\": [\"0x1111111111111111111111111111111111111111\", \"bob\"]}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"to\", \"operator\": \"in_condition_set\", \"value\": \"not-an-id\"}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"data\", \"operator\": \"starts_with\", \"value\": \"0xa9059cb\"}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"data\", \"operator\": \"contains\", \"value\": \"0x\"}]")),
        bad("rules[0].conditions[0].abi", eth("[{\"field_source\": \"ethereum_calldata\", \"field\": \"transfer.to\", \"operator\": \"eq\", \"value\": \"0x1111111111111111111111111111111111111111\"}]")),
        bad("rules[0].conditions[0].abi", eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"to\", \"operator\": \"eq\", \"value\": \"0x1111111111111111111111111111111111111111\", \"abi\": []}]")),
        bad("rules[0].conditions[0].abi[0].inputs[1].type", eth("[{\"field_source\": \"ethereum_calldata\", \"field\": \"transfer.to\", \"operator\": \"eq\", \"value\": \"0x1111111111111111111111111111111111111111\", \"abi\": "
            + "[{\"type\": \"function\", \"name\": \"transfer\", \"inputs\": [{\"name\": \"to\", \"type\": \"address\"}, {\"name\": \"value\", \"type\": \"uint257\"}]}]}]")),
        bad("rules[0].conditions[0].abi[0].inputs[0].components", eth("[{\"field_source\": \"ethereum_calldata\", \"field\": \"f.p.a\", \"operator\": \"eq\", \"value\": \"1\", \"abi\": "
            + "[{\"type\": \"function\", \"name\": \"f\", \"inputs\": [{\"name\": \"p\", \"type\": \"tuple\"}]}]}]")),
        bad("rules[0].conditions[0].abi", eth("[{\"field_source\": \"ethereum_calldata\", \"field\": \"transfer.to\", \"operator\": \"eq\", \"value\": \"0x1111111111111111111111111111111111111111\", \"abi\": {\"type\": \"function\"}}]")),
        bad("rules[0].conditions[0].field", eth("[{\"field_source\": \"ethereum_calldata\", \"field\": \"transferFrom.to\", \"operator\": \"eq\", \"value\": \"0x1111111111111111111111111111111111111111\", \"abi\": " + abi + "}]")),
        bad("rules[0].conditions[0].field", eth("[{\"field_source\": \"ethereum_calldata\", \"field\": \"transfer.recipient\", \"operator\": \"eq\", \"value\": \"0x1111111111111111111111111111111111111111\", \"abi\": " + abi + "}]")),
        bad("rules[0].conditions[0].field", eth("[{\"field_source\": \"ethereum_calldata\", \"field\": \"transfer\", \"operator\": \"eq\", \"value\": \"0x1111111111111111111111111111111111111111\", \"abi\": " + abi + "}]")),
        bad("rules[0].conditions[0].field", eth("[{\"field_source\": \"ethereum_calldata\", \"field\": \"transfer.to[0]\", \"operator\": \"eq\", \"value\": \"0x1111111111111111111111111111111111111111\", \"abi\": " + abi + "}]")),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"ethereum_calldata\", \"field\": \"transfer.value\", \"operator\": \"eq\", \"value\": \"-1\", \"abi\": " + abi + "}]")),
        bad("rules[0].conditions[0].field", eth("[{\"field_source\": \"reference\", \"field\": \"aggregation.daily\", \"operator\": \"lte\", \"value\": \"1\"}]")),
        bad("rules[0].conditions[0].field_source", policy("ethereum", oneRule("eth_signTypedData_v4", "[" + TO + "]"))),
        bad("rules[0].conditions[0].field_source", policy("ethereum", oneRule("personal_sign", "[" + TO + "]"))),
        bad("rules[0].conditions[0].value", policy("solana", oneRule("signTransaction",
            "[{\"field_source\": \"solana_program_instruction\", \"field\": \"programId\", \"operator\": \"eq\", \"value\": \"0x1111111111111111111111111111111111111111\"}]"))),
        bad("rules[0].conditions[0].value", policy("solana", oneRule("signTransaction",
            "[{\"field_source\": \"solana_system_program_instruction\", \"field\": \"Transfer.lamports\", \"operator\": \"lte\", \"value\": \"18446744073709551616\"}]"))),
        bad("rules[0].conditions[0].field", policy("solana", oneRule("signTransaction",
            "[{\"field_source\": \"solana_system_program_instruction\", \"field\": \"Transfer.amount\", \"operator\": \"lte\", \"value\": \"1\"}]"))),
        bad("rules[0].conditions[0].value", policy("stellar", oneRule("signTransaction",
            "[{\"field_source\": \"stellar_operation\", \"field\": \"destination\", \"operator\": \"eq\", \"value\": \"GABC\"}]"))),
        bad("rules[0].conditions[0].field_source", policy("bitcoin", oneRule("signPsbt",
            "[{\"field_source\": \"stellar_operation\", \"field\": \"type\", \"operator\": \"eq\", \"value\": \"payment\"}]"))),
        bad("rules[0].conditions[0].value", policy("bitcoin", oneRule("signPsbt",
            "[{\"field_source\": \"bitcoin_output\", \"field\": \"address\", \"operator\": \"eq\", \"value\": \"bc1 q\"}]"))),
        bad("rules[0].conditions[0].typed_data", policy("ethereum", oneRule("eth_signTypedData_v4",
            "[{\"field_source\": \"ethereum_typed_data_message\", \"field\": \"to\", \"operator\": \"eq\", \"value\": \"x\"}]"))),
        bad("rules[0].conditions[0].value", eth("[{\"field_source\": \"system\", \"field\": \"current_unix_timestamp\", \"operator\": \"lt\", \"value\": \"\"}]")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPolicies")
  void refusesNamingThePath(String path, String body) {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.policy(T.id(), T.json(body), T.ids()));
    assertEquals(path, e.path(), e.getMessage());
    assertTrue(e.getMessage().startsWith(path + ": "), e.getMessage());
  }

  @Test
  void ruleEndpointPathsHaveNoPrefix() {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.rule(T.id(),
        T.json("{\"name\": \"r\", \"method\": \"*\", \"action\": \"ALLOW\", \"conditions\": [" + TO.replace("\"to\"", "\"nope\"") + "]}"),
        "ethereum", ""));
    assertEquals("conditions[0].field", e.path());
    e = assertThrows(PolicyException.class, () -> PolicyParser.rule(T.id(),
        T.json("{\"id\": \"aaaaaaaaaaaaaaaaaaaaaaaa\", \"name\": \"r\", \"method\": \"*\", \"action\": \"ALLOW\", \"conditions\": []}"),
        "ethereum", ""));
    assertEquals("id", e.path());
    e = assertThrows(PolicyException.class, () -> PolicyParser.rule(T.id(),
        T.json("{\"name\": \"r\", \"method\": \"*\", \"action\": \"ALLOW\", \"conditions\": [" + TO + "]}"),
        "solana", "rules[3]."));
    assertEquals("rules[3].conditions[0].field_source", e.path());
    Rule r = PolicyParser.rule("rrrrrrrrrrrrrrrrrrrrrrrr",
        T.json("{\"name\": \"r\", \"method\": \"*\", \"action\": \"DENY\", \"conditions\": [" + TO + "]}"), "ethereum", "");
    assertEquals(Map.of("id", "rrrrrrrrrrrrrrrrrrrrrrrr", "name", "r", "method", "*", "action", "DENY",
        "conditions", List.of(T.json(TO))), r.toJson());
  }

  @Test
  void boundsAreEnforced() {
    String rule = "{\"name\": \"r\", \"method\": \"*\", \"action\": \"DENY\", \"conditions\": []}";
    String many = "[" + String.join(",", java.util.Collections.nCopies(PolicyParser.MAX_RULES + 1, rule)) + "]";
    assertEquals("rules", assertThrows(PolicyException.class,
        () -> PolicyParser.policy(T.id(), T.json(policy("ethereum", many)), T.ids())).path());
    String ok = "[" + String.join(",", java.util.Collections.nCopies(PolicyParser.MAX_RULES, rule)) + "]";
    assertEquals(PolicyParser.MAX_RULES, PolicyParser.policy(T.id(), T.json(policy("ethereum", ok)), T.ids()).rules().size());
    String conditions = "[" + String.join(",", java.util.Collections.nCopies(PolicyParser.MAX_CONDITIONS + 1, TO)) + "]";
    assertEquals("rules[0].conditions", assertThrows(PolicyException.class,
        () -> PolicyParser.policy(T.id(), T.json(eth(conditions)), T.ids())).path());
    StringBuilder values = new StringBuilder("[");
    for (int i = 0; i <= PolicyParser.MAX_IN_VALUES; i++) {
      values.append(i == 0 ? "" : ",").append("\"").append(i).append("\"");
    }
    values.append("]");
    assertEquals("rules[0].conditions[0].value", assertThrows(PolicyException.class, () -> PolicyParser.policy(T.id(),
        T.json(eth("[{\"field_source\": \"ethereum_transaction\", \"field\": \"nonce\", \"operator\": \"in\", \"value\": " + values + "}]")),
        T.ids())).path());
  }

  @Test
  void acceptsPrivyShapesAndMethodsItNeverServes() {
    Policy p = PolicyParser.policy(T.id(), T.json(policy("ethereum", """
        [{"name": "send", "method": "eth_sendTransaction", "action": "ALLOW", "conditions": [%s]},
         {"name": "export", "method": "exportPrivateKey", "action": "DENY", "conditions": []},
         {"name": "any", "method": "*", "action": "ALLOW", "conditions": [
           {"field_source": "ethereum_typed_data_domain", "field": "verifying_contract", "operator": "eq", "value": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
           {"field_source": "ethereum_transaction", "field": "value", "operator": "in", "value": ["0", "0x10"]}]}]
        """.formatted(TO))), T.ids());
    assertEquals(3, p.rules().size());
    assertEquals("1.0", p.version());
    // generated ids are used for rules without one
    assertTrue(p.rules().stream().allMatch(r -> Fields.ID.matcher(r.id()).matches()));
  }
}
