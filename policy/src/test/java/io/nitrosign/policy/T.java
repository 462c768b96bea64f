package io.nitrosign.policy;

import io.nitrosign.chains.json.StrictJson;
import io.nitrosign.policy.payload.Eip7702AuthorizationPayload;
import io.nitrosign.policy.payload.EthTransactionPayload;
import io.nitrosign.policy.payload.Payload;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Test helpers: JSON text to plain values, ids, payloads, evaluation shorthands. */
final class T {

  private T() {}

  static final long NOW = 1_750_000_000L;
  static final StrictJson.Limits LIMITS = new StrictJson.Limits(1 << 22, 64, 1_000_000, 1 << 22, 100);

  static Map<String, Object> json(String text) {
    return StrictJson.parseObject(text.getBytes(StandardCharsets.UTF_8), "body", LIMITS);
  }

  static Object jsonValue(String text) {
    return StrictJson.parse(text.getBytes(StandardCharsets.UTF_8), "body", LIMITS);
  }

  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** A fresh 24-character lower-case base36 id. */
  static String id() {
    String s = Integer.toString(COUNTER.incrementAndGet(), 36);
    return "x".repeat(24 - s.length()) + s;
  }

  static Supplier<String> ids() {
    return T::id;
  }

  static Policy policy(String json) {
    return PolicyParser.policy(id(), json(json), ids());
  }

  /** A one-rule policy of {@code chainType}: {@code conditions} is a JSON array text. */
  static Policy rule(String chainType, String method, String action, String conditions) {
    return policy("""
        {"version": "1.0", "name": "p", "chain_type": "%s", "rules": [
          {"name": "r-%s", "method": "%s", "action": "%s", "conditions": %s}]}
        """.formatted(chainType, action, method, action, conditions));
  }

  static PolicyException refused(String chainType, String rulesJson) {
    return org.junit.jupiter.api.Assertions.assertThrows(PolicyException.class, () -> PolicyParser.policy(id(),
        json("{\"version\": \"1.0\", \"name\": \"p\", \"chain_type\": \"" + chainType
            + "\", \"rules\": " + rulesJson + "}"), ids()));
  }

  static Decision eval(List<Policy> policies, String method, String chainType, Payload payload) {
    return PolicyEngine.evaluate(policies, new PolicyRequest(method, chainType, payload, NOW), PolicyContext.EMPTY);
  }

  static Decision eval(Policy policy, String method, String chainType, Payload payload) {
    return eval(List.of(policy), method, chainType, payload);
  }

  static EthTransactionPayload tx(String to, BigInteger value, byte[] data) {
    return new EthTransactionPayload("json", 2, BigInteger.ONE, BigInteger.ZERO, to, value,
        BigInteger.valueOf(21000), null, BigInteger.valueOf(30_000_000_000L), BigInteger.valueOf(1_000_000_000L),
        null, 0, BigInteger.valueOf(630_000_000_000_000L), data, 0, null, new HashMap<>());
  }

  static EthTransactionPayload tx4(String to, List<Eip7702AuthorizationPayload> auths) {
    return new EthTransactionPayload("json", 4, BigInteger.ONE, BigInteger.ZERO, to, BigInteger.ZERO,
        BigInteger.valueOf(100000), null, BigInteger.TEN, BigInteger.ONE, null, 0, BigInteger.TEN,
        new byte[0], 0, auths, new HashMap<>());
  }

  /** A context with the given condition sets (id to values) and aggregation totals. */
  static PolicyContext context(Map<String, Set<String>> sets, Map<String, BigInteger> totals) {
    return new PolicyContext() {
      @Override
      public boolean inConditionSet(String conditionSetId, String value) {
        return sets.getOrDefault(conditionSetId, Set.of()).contains(value);
      }

      @Override
      public BigInteger aggregationTotal(String aggregationId) {
        return totals.get(aggregationId);
      }
    };
  }
}
