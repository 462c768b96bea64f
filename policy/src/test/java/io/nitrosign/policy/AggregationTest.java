package io.nitrosign.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.esaulpaugh.headlong.abi.Address;
import io.nitrosign.policy.PolicyEngine.Measurement;
import io.nitrosign.policy.payload.PsbtPayload;
import io.nitrosign.policy.payload.StellarTransactionPayload;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Aggregations (spending limits): what is accepted, and what a request contributes. */
class AggregationTest {

  static Aggregation agg(String json) {
    return PolicyParser.aggregation("aaaaaaaaaaaaaaaaaaaaaaaa", T.json(json));
  }

  static Optional<Measurement> measure(Aggregation a, String method, String chain, io.nitrosign.policy.payload.Payload p) {
    return PolicyEngine.measure(a, new PolicyRequest(method, chain, p, T.NOW), PolicyContext.EMPTY);
  }

  static final String DAILY_ETH = """
      {"name": "daily ETH", "method": "eth_signTransaction",
       "metric": {"field_source": "ethereum_transaction", "field": "value", "function": "sum"},
       "window": {"type": "rolling", "seconds": 86400}}
      """;

  @Test
  void sumOfValuePerWallet() {
    Aggregation a = agg(DAILY_ETH);
    assertEquals(86400, a.windowSeconds());
    assertEquals(Map.of("id", "aaaaaaaaaaaaaaaaaaaaaaaa", "name", "daily ETH", "method", "eth_signTransaction",
        "metric", Map.of("field_source", "ethereum_transaction", "field", "value", "function", "sum"),
        "window", Map.of("type", "rolling", "seconds", 86400L)), a.toJson());
    BigInteger v = new BigInteger("123456789012345678901234567890");
    assertEquals(Optional.of(new Measurement("", v)),
        measure(a, "eth_signTransaction", "ethereum", T.tx(EthereumPolicyTest.ALICE, v, null)));
    assertEquals(Optional.empty(), measure(a, "personal_sign", "ethereum", T.tx(EthereumPolicyTest.ALICE, v, null)));
  }

  @Test
  void calldataMetricWithConditionsAndGroups() {
    String abi = EthereumPolicyTest.ERC20_ABI;
    Aggregation a = agg("""
        {"name": "USDC out", "method": "eth_signTransaction",
         "metric": {"field_source": "ethereum_calldata", "field": "transfer.value", "function": "sum", "abi": %s},
         "window": {"type": "rolling", "seconds": 3600},
         "conditions": [{"field_source": "ethereum_transaction", "field": "to", "operator": "eq", "value": "%s"}],
         "group_by": [{"field_source": "ethereum_calldata", "field": "transfer.to", "abi": %s},
                      {"field_source": "ethereum_transaction", "field": "chain_id"}]}
        """.formatted(abi, EthereumPolicyTest.USDC, abi));
    byte[] data = EthereumPolicyTest.transferData(EthereumPolicyTest.ALICE, BigInteger.valueOf(5_000_000));
    assertEquals(Optional.of(new Measurement(EthereumPolicyTest.ALICE + "|1", BigInteger.valueOf(5_000_000))),
        measure(a, "eth_signTransaction", "ethereum", T.tx(EthereumPolicyTest.USDC, BigInteger.ZERO, data)));
    // another token contract: filtered out
    assertEquals(Optional.empty(),
        measure(a, "eth_signTransaction", "ethereum", T.tx(EthereumPolicyTest.ALICE, BigInteger.ZERO, data)));
    // not a transfer: no metric
    assertEquals(Optional.empty(),
        measure(a, "eth_signTransaction", "ethereum", T.tx(EthereumPolicyTest.USDC, BigInteger.ZERO, new byte[0])));
    assertEquals(List.of("id", "name", "method", "metric", "window", "conditions", "group_by"),
        List.copyOf(a.toJson().keySet()));
  }

  @Test
  void perElementMetricsSumOverThePassingElements() {
    Aggregation lamports = agg("""
        {"name": "SOL out", "method": "signTransaction",
         "metric": {"field_source": "solana_system_program_instruction", "field": "Transfer.lamports", "function": "sum"},
         "window": {"type": "rolling", "seconds": 7200},
         "conditions": [{"field_source": "solana_system_program_instruction", "field": "Transfer.from", "operator": "eq", "value": "%s"}]}
        """.formatted(ElementWisePolicyTest.solana(1)));
    var sol = ElementWisePolicyTest.sol(
        ElementWisePolicyTest.transfer(0, ElementWisePolicyTest.solana(1), ElementWisePolicyTest.solana(2), 5),
        ElementWisePolicyTest.memo(1),
        ElementWisePolicyTest.transfer(2, ElementWisePolicyTest.solana(1), ElementWisePolicyTest.solana(3), 7),
        ElementWisePolicyTest.transfer(3, ElementWisePolicyTest.solana(4), ElementWisePolicyTest.solana(1), 1000));
    assertEquals(Optional.of(new Measurement("", BigInteger.valueOf(12))), measure(lamports, "signTransaction", "solana", sol));
    assertEquals(Optional.empty(), measure(lamports, "signTransaction", "solana", ElementWisePolicyTest.sol()));

    Aggregation xlm = agg("""
        {"name": "XLM out", "method": "signTransaction",
         "metric": {"field_source": "stellar_operation", "field": "amount", "function": "sum"},
         "window": {"type": "rolling", "seconds": 259200},
         "conditions": [{"field_source": "stellar_operation", "field": "asset", "operator": "eq", "value": "native"}],
         "group_by": [{"field_source": "stellar_transaction", "field": "network"}]}""");
    var ops = ElementWisePolicyTest.xlm(
        new StellarTransactionPayload.Operation(0, "payment", null, ElementWisePolicyTest.stellar(2), "native", 10L, Map.of()),
        new StellarTransactionPayload.Operation(1, "payment", null, ElementWisePolicyTest.stellar(2), "USDC:" + ElementWisePolicyTest.stellar(9), 99L, Map.of()),
        new StellarTransactionPayload.Operation(2, "create_account", null, ElementWisePolicyTest.stellar(3), "native", 5L, Map.of()));
    assertEquals(Optional.of(new Measurement("Public Global Stellar Network ; September 2015", BigInteger.valueOf(15))),
        measure(xlm, "signTransaction", "stellar", ops));

    Aggregation sats = agg("""
        {"name": "BTC out", "method": "signPsbt",
         "metric": {"field_source": "bitcoin_output", "field": "value", "function": "sum"},
         "window": {"type": "rolling", "seconds": 86400}}""");
    PsbtPayload psbt = ElementWisePolicyTest.psbt(100L,
        new PsbtPayload.Output(0, ElementWisePolicyTest.BC_DEST, 40_000, false, Map.of()),
        new PsbtPayload.Output(1, "bc1qchange", 1_000_000, true, Map.of()),
        new PsbtPayload.Output(2, ElementWisePolicyTest.BC_OTHER, 2_000, false, Map.of()));
    assertEquals(Optional.of(new Measurement("", BigInteger.valueOf(42_000))), measure(sats, "signPsbt", "bitcoin", psbt));
    Aggregation fees = agg("""
        {"name": "BTC fees", "method": "signPsbt",
         "metric": {"field_source": "bitcoin_transaction", "field": "fee", "function": "sum"},
         "window": {"type": "rolling", "seconds": 86400}}""");
    assertEquals(Optional.of(new Measurement("", BigInteger.valueOf(100))), measure(fees, "signPsbt", "bitcoin", psbt));
    assertEquals(Optional.empty(), measure(fees, "signPsbt", "bitcoin", ElementWisePolicyTest.psbt(null,
        new PsbtPayload.Output(0, ElementWisePolicyTest.BC_DEST, 1, false, Map.of()))));
  }

  @Test
  void groupKeysCannotCollide() {
    // a calldata string can be a group: '|' and '%' are escaped
    String abi = """
        [{"type": "function", "name": "f", "inputs": [{"name": "a", "type": "string"}, {"name": "v", "type": "uint256"}]}]""";
    Aggregation a = agg("""
        {"name": "g", "method": "eth_signTransaction",
         "metric": {"field_source": "ethereum_calldata", "field": "f.v", "function": "sum", "abi": %s},
         "window": {"type": "rolling", "seconds": 3600},
         "group_by": [{"field_source": "ethereum_calldata", "field": "f.a", "abi": %s},
                      {"field_source": "ethereum_transaction", "field": "to"}]}""".formatted(abi, abi));
    var f = com.esaulpaugh.headlong.abi.Function.parse("f(string,uint256)");
    byte[] data = f.encodeCallWithArgs("x|0x11%", BigInteger.ONE).array();
    assertEquals("x%7C0x11%25|" + EthereumPolicyTest.ALICE,
        measure(a, "eth_signTransaction", "ethereum", T.tx(Address.toChecksumAddress(EthereumPolicyTest.ALICE), BigInteger.ZERO, data))
            .orElseThrow().groupKey());
  }

  @Test
  void refusalsNameThePath() {
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("window.seconds", DAILY_ETH.replace("86400", "3599"));
    bad.put("window.seconds ", DAILY_ETH.replace("86400", "259201"));
    bad.put("window.type", DAILY_ETH.replace("rolling", "tumbling"));
    bad.put("metric.function", DAILY_ETH.replace("\"sum\"", "\"avg\""));
    bad.put("metric.field", DAILY_ETH.replace("\"value\"", "\"to\""));
    bad.put("metric.field ", DAILY_ETH.replace("\"value\"", "\"amount\""));
    bad.put("metric.field_source", DAILY_ETH.replace("ethereum_transaction", "system"));
    bad.put("method", DAILY_ETH.replace("eth_signTransaction", "personal_sign"));
    bad.put("method ", DAILY_ETH.replace("eth_signTransaction", "signPsbt"));
    bad.put("name", DAILY_ETH.replace("daily ETH", "x".repeat(51)));
    bad.put("group_by", DAILY_ETH.replace("\"window\"", "\"group_by\": [{\"field_source\": \"ethereum_transaction\", \"field\": \"to\"},"
        + "{\"field_source\": \"ethereum_transaction\", \"field\": \"to\"}, {\"field_source\": \"ethereum_transaction\", \"field\": \"to\"}], \"window\""));
    bad.put("conditions[0].field_source", DAILY_ETH.replace("\"window\"", "\"conditions\": [{\"field_source\": \"reference\", "
        + "\"field\": \"aggregation.bbbbbbbbbbbbbbbbbbbbbbbb\", \"operator\": \"lt\", \"value\": \"1\"}], \"window\""));
    bad.put("conditions[0].value", DAILY_ETH.replace("\"window\"", "\"conditions\": [{\"field_source\": \"ethereum_transaction\", "
        + "\"field\": \"to\", \"operator\": \"eq\", \"value\": \"nobody\"}], \"window\""));
    bad.put("owner_id", DAILY_ETH.replace("\"window\"", "\"owner_id\": null, \"window\""));
    for (Map.Entry<String, String> e : bad.entrySet()) {
      PolicyException x = assertThrows(PolicyException.class, () -> agg(e.getValue()), e.getKey());
      assertEquals(e.getKey().trim(), x.path(), x.getMessage());
    }
    String solGroup = """
        {"name": "g", "method": "signTransaction",
         "metric": {"field_source": "solana_system_program_instruction", "field": "Transfer.lamports", "function": "sum"},
         "window": {"type": "rolling", "seconds": 3600},
         "group_by": [{"field_source": "solana_system_program_instruction", "field": "Transfer.to"}]}""";
    assertEquals("group_by[0].field", assertThrows(PolicyException.class, () -> agg(solGroup)).path());
    String arrayMetric = """
        {"name": "g", "method": "eth_signTransaction",
         "metric": {"field_source": "ethereum_calldata", "field": "disperse.values", "function": "sum", "abi": %s},
         "window": {"type": "rolling", "seconds": 3600}}""".formatted(EthereumPolicyTest.BATCH_ABI);
    assertEquals("metric.field", assertThrows(PolicyException.class, () -> agg(arrayMetric)).path());
  }

  @Test
  void conditionSetsOfAggregations() {
    String set = "cccccccccccccccccccccccc";
    Aggregation a = agg(DAILY_ETH.replace("\"window\"", "\"conditions\": [{\"field_source\": \"ethereum_transaction\", "
        + "\"field\": \"to\", \"operator\": \"in_condition_set\", \"value\": \"" + set + "\"}], \"window\""));
    assertEquals(Set.of(set), PolicyEngine.referencedConditionSets(a));
    PolicyContext ctx = T.context(Map.of(set, Set.of(EthereumPolicyTest.ALICE)), Map.of());
    assertEquals(BigInteger.TEN, PolicyEngine.measure(a, new PolicyRequest("eth_signTransaction", "ethereum",
        T.tx(Address.toChecksumAddress(EthereumPolicyTest.ALICE), BigInteger.TEN, null), T.NOW), ctx).orElseThrow().amount());
    assertEquals(Optional.empty(), PolicyEngine.measure(a, new PolicyRequest("eth_signTransaction", "ethereum",
        T.tx(EthereumPolicyTest.USDC, BigInteger.TEN, null), T.NOW), ctx));
    assertEquals(List.of(), List.copyOf(PolicyEngine.referencedConditionSets(agg(DAILY_ETH))));
  }
}
