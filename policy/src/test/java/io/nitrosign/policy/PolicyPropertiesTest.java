package io.nitrosign.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.policy.payload.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Properties over seeded random policies and payloads (jqwik is not available offline here, so a
 * fixed-seed {@link java.util.Random} drives them: a failure prints its seed and iteration and
 * reproduces exactly).
 */
class PolicyPropertiesTest {

  static final long SEED = 0x5eed_2025L;

  /** A DENY rule that holds for every request of its method: no conditions, or only ones that always hold. */
  static String matchingDeny(Gen g, String method) {
    String cond = switch (g.r.nextInt(3)) {
      case 0 -> "";
      case 1 -> Gen.c("system", "current_unix_timestamp", "gte", "\"0\"");
      default -> Gen.c("system", "current_unix_timestamp", "eq", "\"" + T.NOW + "\"");
    };
    return "{\"name\": \"the deny\", \"method\": \"" + method + "\", \"action\": \"DENY\", \"conditions\": [" + cond + "]}";
  }

  static List<String> rulesOf(Policy p) {
    List<String> out = new ArrayList<>();
    for (Rule r : p.rules()) {
      Map<String, Object> j = new java.util.LinkedHashMap<>(r.toJson());
      j.remove("id");
      out.add(toJsonText(j));
    }
    return out;
  }

  /** Plain values back to JSON text (the policies' own toJson output has only strings, lists, maps, booleans). */
  static String toJsonText(Object v) {
    if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(first ? "" : ",").append(toJsonText(e.getKey())).append(':').append(toJsonText(e.getValue()));
        first = false;
      }
      return sb.append('}').toString();
    }
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(toJsonText(l.get(i)));
      }
      return sb.append(']').toString();
    }
    if (v instanceof String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    return String.valueOf(v);
  }

  @Test
  void denyWins() {
    Gen g = new Gen(SEED);
    int flipped = 0;
    for (int i = 0; i < 600; i++) {
      String chain = g.chain();
      List<Policy> policies = g.policies(chain);
      String method = g.pick(new ArrayList<>(Fields.methodsOf(chain)));
      Payload payload = g.payloadFor(chain);
      PolicyContext ctx = g.context();
      PolicyRequest req = new PolicyRequest(method, chain, payload, T.NOW);
      Decision before = PolicyEngine.evaluate(policies, req, ctx);

      // add a matching DENY rule at a random place of a random policy
      int pi = g.r.nextInt(policies.size());
      List<String> rules = rulesOf(policies.get(pi));
      rules.add(g.r.nextInt(rules.size() + 1), matchingDeny(g, g.r.nextBoolean() ? "*" : method));
      Policy withDeny = Gen.policy(chain, rules);
      List<Policy> after = new ArrayList<>(policies);
      after.set(pi, withDeny);
      Decision d = PolicyEngine.evaluate(after, req, ctx);
      String where = "seed " + SEED + " iteration " + i + ": " + d.reason();
      assertFalse(d.allowed(), where);
      assertNotNull(d.ruleId(), where);
      if (before.allowed()) {
        flipped++;
        String denyId = withDeny.rules().stream().filter(r -> r.name().equals("the deny")).findFirst().orElseThrow().id();
        assertEquals(denyId, d.ruleId(), where);
        assertEquals(withDeny.id(), d.policyId(), where);
      }
    }
    assertTrue(flipped > 50, "the generator produced too few allowed requests to flip: " + flipped);
  }

  @Test
  void defaultDeny() {
    Gen g = new Gen(SEED + 1);
    for (int i = 0; i < 600; i++) {
      String chain = g.chain();
      String method = g.pick(new ArrayList<>(Fields.methodsOf(chain)));
      // ALLOW rules that cannot match this request (another method, or a condition that never holds), any DENY rules
      List<Policy> policies = new ArrayList<>();
      int n = 1 + g.r.nextInt(3);
      for (int p = 0; p < n; p++) {
        List<String> rules = new ArrayList<>();
        int k = g.r.nextInt(5);
        for (int j = 0; j < k; j++) {
          if (g.r.nextBoolean()) {
            rules.add(g.ruleJson(chain, "DENY", null));
          } else {
            List<String> others = new ArrayList<>(Fields.methodsOf(chain));
            others.remove(method);
            String m = g.r.nextBoolean() && !others.isEmpty() ? g.pick(others) : g.r.nextBoolean() ? method : "*";
            String rule = g.ruleJson(chain, "ALLOW", m);
            if (m.equals(method) || m.equals("*")) {
              rule = rule.replace("\"conditions\": [", "\"conditions\": ["
                  + Gen.c("system", "current_unix_timestamp", "lt", "\"0\"") + ",");
              rule = rule.replace(",]", "]");
            }
            rules.add(rule);
          }
        }
        policies.add(Gen.policy(chain, rules));
      }
      Decision d = PolicyEngine.evaluate(policies, new PolicyRequest(method, chain, g.payloadFor(chain), T.NOW), g.context());
      String where = "seed " + (SEED + 1) + " iteration " + i + ": " + d.reason();
      assertFalse(d.allowed(), where);
      if (d.ruleId() == null) {
        assertNull(d.policyId(), where);
        assertTrue(d.reason().startsWith("no rule of policies " + d.consulted() + " allowed " + method), where);
      }
      assertEquals(policies.stream().map(Policy::id).toList(), d.consulted(), where);
    }
  }

  @Test
  void decisionsAreConsistentAndDenyRulesOnlyTakeAway() {
    Gen g = new Gen(SEED + 2);
    int allowed = 0;
    for (int i = 0; i < 800; i++) {
      String chain = g.chain();
      List<Policy> policies = g.policies(chain);
      String method = g.r.nextInt(5) == 0 ? g.pick(Gen.METHODS) : g.pick(new ArrayList<>(Fields.methodsOf(chain)));
      PolicyRequest req = new PolicyRequest(method, chain, g.r.nextBoolean() ? g.payloadFor(chain) : g.payload(), T.NOW);
      PolicyContext ctx = g.context();
      Decision d = PolicyEngine.evaluate(policies, req, ctx);
      String where = "seed " + (SEED + 2) + " iteration " + i + ": " + d.reason();
      assertEquals(d, PolicyEngine.evaluate(policies, req, ctx), "deterministic: " + where);
      if (d.ruleId() != null) {
        Rule named = policies.stream().filter(p -> p.id().equals(d.policyId())).findFirst().orElseThrow()
            .rules().stream().filter(r -> r.id().equals(d.ruleId())).findFirst().orElseThrow();
        assertEquals(d.allowed() ? Action.ALLOW : Action.DENY, named.action(), where);
        assertTrue(named.method().equals("*") || named.method().equals(method), where);
        assertEquals(named.name(), d.ruleName(), where);
      } else {
        assertFalse(d.allowed(), where);
      }
      if (d.allowed()) {
        allowed++;
        // removing DENY rules never turns an allow into a deny
        List<Policy> allowsOnly = new ArrayList<>();
        for (Policy p : policies) {
          allowsOnly.add(new Policy(p.id(), p.version(), p.name(), p.chainType(),
              p.rules().stream().filter(r -> r.action() == Action.ALLOW).toList()));
        }
        assertTrue(PolicyEngine.evaluate(allowsOnly, req, ctx).allowed(), where);
      }
    }
    assertTrue(allowed > 50, "too few allowed decisions to check: " + allowed);
  }

  @Test
  void evaluationNeverThrowsOnAnyPayload() {
    Gen g = new Gen(SEED + 3);
    List<Aggregation> aggregations = List.of(
        AggregationTest.agg(AggregationTest.DAILY_ETH),
        AggregationTest.agg("""
            {"name": "USDC out", "method": "eth_signTransaction",
             "metric": {"field_source": "ethereum_calldata", "field": "transfer.value", "function": "sum", "abi": %s},
             "window": {"type": "rolling", "seconds": 3600},
             "conditions": [{"field_source": "ethereum_calldata", "field": "disperse.recipients", "operator": "in_condition_set", "value": "%s", "abi": %s}],
             "group_by": [{"field_source": "ethereum_calldata", "field": "transfer.to", "abi": %s}]}
            """.formatted(Gen.ERC20, Gen.SET, Gen.BATCH, Gen.ERC20)),
        AggregationTest.agg("""
            {"name": "SOL", "method": "signTransaction",
             "metric": {"field_source": "solana_system_program_instruction", "field": "Transfer.lamports", "function": "sum"},
             "window": {"type": "rolling", "seconds": 3600},
             "conditions": [{"field_source": "solana_program_instruction", "field": "programId", "operator": "eq", "value": "%s"}]}
            """.formatted(ElementWisePolicyTest.SYSTEM)),
        AggregationTest.agg("""
            {"name": "XLM", "method": "signTransaction",
             "metric": {"field_source": "stellar_operation", "field": "amount", "function": "sum"},
             "window": {"type": "rolling", "seconds": 3600},
             "group_by": [{"field_source": "stellar_transaction", "field": "source_account"}]}"""),
        AggregationTest.agg("""
            {"name": "BTC", "method": "signPsbt",
             "metric": {"field_source": "bitcoin_transaction", "field": "total_output", "function": "sum"},
             "window": {"type": "rolling", "seconds": 3600},
             "conditions": [{"field_source": "bitcoin_output", "field": "address", "operator": "eq", "value": "%s"}],
             "group_by": [{"field_source": "bitcoin_transaction", "field": "network"}]}
            """.formatted(ElementWisePolicyTest.BC_DEST)));
    int i = 0;
    try {
      for (; i < 3000; i++) {
        String chain = g.chain();
        List<Policy> policies = g.policies(chain);
        String method = g.r.nextInt(10) == 0 ? null : g.pick(Gen.METHODS);
        Payload payload = g.payload();
        PolicyRequest req = g.r.nextInt(50) == 0 ? null : new PolicyRequest(method, g.r.nextBoolean() ? chain : g.chain(),
            payload, g.r.nextBoolean() ? T.NOW : Long.MIN_VALUE);
        Decision d = PolicyEngine.evaluate(policies, req, g.r.nextInt(10) == 0 ? null : g.context());
        assertNotNull(d.reason());
        assertNotNull(d.toJson().get("decision"));
        for (Aggregation a : aggregations) {
          Optional<PolicyEngine.Measurement> m = PolicyEngine.measure(a,
              req == null ? null : new PolicyRequest(a.method(), chain, payload, T.NOW), g.context());
          m.ifPresent(x -> assertTrue(x.amount().signum() >= 0));
        }
      }
    } catch (RuntimeException e) {
      throw new AssertionError("seed " + (SEED + 3) + " iteration " + i + " threw", e);
    }
  }
}
