package io.nitrosign.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parser reads untrusted bodies: valid policies and aggregations, mutated at random (a value
 * replaced by another, a key removed or added), are either accepted or refused with a
 * {@link PolicyException}; nothing else is thrown. Seeded, reproducible.
 */
class ParserRobustnessTest {

  static final long SEED = 0xb0d1e5L;

  static final List<Object> ODD = List.of("", "0x", "*", "uint256[999999][999999]", "tuple[]", "tuple",
      "uint0", "int264", "bytes0", "bytes33", "fixed", "ufixed128x18", "function", "address[0]", "string[",
      "a.b.c", "transfer.to[99999999]", "transfer.", ".to", "x".repeat(2000), "aggregation.", "\u00e9\u0000",
      "ethereum_calldata", "ethereum_typed_data_message", "in", "in_condition_set", "eq", "gt", "ALLOW",
      "-1", "0x" + "f".repeat(65), "1e5", "Mail", "Person[]", "Person[2]", "EIP712Domain",
      BigInteger.ONE.shiftLeft(100), new BigDecimal("1e400"), new BigDecimal("3600.5"), 3600L, -1, true,
      List.of(), List.of("a"), List.of(List.of()), Map.of(), Map.of("type", "tuple", "components", List.of()));

  final Random r = new Random(SEED);

  Object odd() {
    return ODD.get(r.nextInt(ODD.size()));
  }

  /** A deep mutable copy with one random change somewhere. */
  @SuppressWarnings("unchecked")
  Object mutate(Object v, int[] budget) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) m);
      List<String> keys = new ArrayList<>(out.keySet());
      if (budget[0] > 0 && r.nextInt(6) == 0) {
        budget[0]--;
        switch (r.nextInt(3)) {
          case 0 -> { if (!keys.isEmpty()) out.remove(keys.get(r.nextInt(keys.size()))); }
          case 1 -> out.put(r.nextBoolean() ? "extra" : "abi", odd());
          default -> { if (!keys.isEmpty()) out.put(keys.get(r.nextInt(keys.size())), odd()); }
        }
        return out;
      }
      for (String k : keys) {
        out.put(k, mutate(out.get(k), budget));
      }
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l);
      if (budget[0] > 0 && r.nextInt(6) == 0 && !out.isEmpty()) {
        budget[0]--;
        if (r.nextBoolean()) {
          out.set(r.nextInt(out.size()), odd());
        } else {
          out.add(r.nextInt(out.size() + 1), out.get(r.nextInt(out.size())));
        }
        return out;
      }
      for (int i = 0; i < out.size(); i++) {
        out.set(i, mutate(out.get(i), budget));
      }
      return out;
    }
    if (budget[0] > 0 && r.nextInt(5) == 0) {
      budget[0]--;
      return odd();
    }
    return v;
  }

  @Test
  @SuppressWarnings("unchecked")
  void mutatedBodiesAreAcceptedOrRefusedWithAPath() {
    Gen g = new Gen(SEED);
    List<Map<String, Object>> aggregations = List.of(T.json(AggregationTest.DAILY_ETH), T.json("""
        {"name": "USDC out", "method": "eth_signTransaction",
         "metric": {"field_source": "ethereum_calldata", "field": "transfer.value", "function": "sum", "abi": %s},
         "window": {"type": "rolling", "seconds": 3600},
         "conditions": [{"field_source": "ethereum_transaction", "field": "to", "operator": "eq", "value": "%s"}],
         "group_by": [{"field_source": "ethereum_calldata", "field": "transfer.to", "abi": %s}]}
        """.formatted(Gen.ERC20, Gen.A1, Gen.ERC20)));
    int refused = 0;
    int accepted = 0;
    for (int i = 0; i < 1500; i++) {
      String chain = g.chain();
      Map<String, Object> body;
      boolean aggregation = i % 5 == 0;
      if (aggregation) {
        body = aggregations.get(r.nextInt(aggregations.size()));
      } else {
        List<String> rules = new ArrayList<>();
        for (int k = 0; k < 1 + r.nextInt(3); k++) {
          rules.add(g.ruleJson(chain, null, null));
        }
        body = T.json("{\"version\": \"1.0\", \"name\": \"p\", \"chain_type\": \"" + chain + "\", \"rules\": ["
            + String.join(",", rules) + "]}");
      }
      Map<String, Object> mutated = (Map<String, Object>) mutate(body, new int[] {1 + r.nextInt(3)});
      try {
        if (aggregation) {
          PolicyParser.aggregation(T.id(), mutated);
        } else {
          PolicyParser.policy(T.id(), mutated, T.ids());
        }
        accepted++;
      } catch (PolicyException e) {
        refused++;
        assertTrue(e.getMessage().length() < 600, e.getMessage());
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + SEED + " iteration " + i + ": " + mutated, e);
      }
    }
    assertTrue(refused > 100 && accepted > 100, "refused " + refused + ", accepted " + accepted);
  }
}
