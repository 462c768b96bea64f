package io.nitrosign.bench;

import io.nitrosign.policy.Decision;
import io.nitrosign.policy.Policy;
import io.nitrosign.policy.PolicyContext;
import io.nitrosign.policy.PolicyEngine;
import io.nitrosign.policy.PolicyParser;
import io.nitrosign.policy.PolicyRequest;
import io.nitrosign.policy.payload.EthTransactionPayload;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Policy evaluation alone (issue 11, item 9: a 20-rule policy, target p50 ≤ 20 µs): an ERC-20
 * {@code transfer} in an EIP-1559 transaction against a policy whose 20 rules all apply to
 * {@code eth_signTransaction} and must all be looked at (one DENY rule that does not match, 18
 * ALLOW rules that do not match: recipient lists, value ceilings, calldata through the ABI, chain
 * ids, a time window; and the last ALLOW rule, which does). The baseline, measured in the same
 * run, is the same request against no policy (what a wallet without policies pays).
 *
 * <p>Single thread; each evaluation timed on its own with {@link System#nanoTime()}; warm-up
 * evaluations discarded. Usage: {@code java -cp bench/target/bench.jar
 * io.nitrosign.bench.PolicyEvalBench [--evaluations N]}
 */
public final class PolicyEvalBench {

  private PolicyEvalBench() {}

  static final List<Object> ERC20_ABI = List.of(Map.of("type", "function", "name", "transfer",
      "stateMutability", "nonpayable",
      "inputs", List.of(Map.of("name", "to", "type", "address"), Map.of("name", "amount", "type", "uint256")),
      "outputs", List.of(Map.of("name", "", "type", "bool"))));

  public static void main(String[] args) {
    int evaluations = args.length >= 2 && args[0].equals("--evaluations")
        ? Integer.parseInt(args[1]) : 200_000;
    Policy policy = twentyRules();
    String token = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
    byte[] data = HexFormat.of().parseHex("a9059cbb"
        + "0000000000000000000000001111111111111111111111111111111111111111"
        + "000000000000000000000000000000000000000000000000000000001dcd6500");
    EthTransactionPayload payload = new EthTransactionPayload("json", 2, BigInteger.ONE,
        BigInteger.ZERO, token, BigInteger.ZERO, BigInteger.valueOf(100_000), null,
        BigInteger.valueOf(30_000_000_000L), BigInteger.valueOf(1_000_000_000L), null, 0,
        BigInteger.valueOf(3_000_000_000_000_000L), data, 0, List.of(), new LinkedHashMap<>());
    PolicyRequest request = new PolicyRequest("eth_signTransaction", "ethereum", payload,
        System.currentTimeMillis() / 1000);
    Decision d = PolicyEngine.evaluate(List.of(policy), request, PolicyContext.EMPTY);
    if (!d.allowed() || !"rule 20".equals(d.ruleName())) {
      throw new IllegalStateException("the benchmark policy must be decided by its last rule: " + d);
    }
    System.out.printf("nitrosign policy evaluation benchmark: %d rules, %d evaluations per kind,"
        + " java %s, 1 thread%n%n", policy.rules().size(), evaluations,
        System.getProperty("java.version"));
    for (int round = 0; round < 3; round++) {
      long[] none = time(List.of(), request, evaluations);
      long[] twenty = time(List.of(policy), request, evaluations);
      if (round == 0) {
        continue; // warm-up
      }
      System.out.printf("round %d  no policy: p50 %6.2f µs  p99 %6.2f µs | 20 rules: p50 %6.2f µs"
              + "  p99 %6.2f µs  (target p50 ≤ 20 µs: %s)%n", round, pct(none, 0.5), pct(none, 0.99),
          pct(twenty, 0.5), pct(twenty, 0.99), pct(twenty, 0.5) <= 20 ? "met" : "MISSED");
    }
  }

  private static long[] time(List<Policy> policies, PolicyRequest request, int n) {
    long[] t = new long[n];
    int allowed = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      Decision d = PolicyEngine.evaluate(policies, request, PolicyContext.EMPTY);
      t[i] = System.nanoTime() - t0;
      allowed += d.allowed() ? 1 : 0;
    }
    if (allowed != n) {
      throw new IllegalStateException("decision changed");
    }
    Arrays.sort(t);
    return t;
  }

  private static double pct(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e3;
  }

  private static Map<String, Object> cond(String source, String field, String op, Object value) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("field_source", source);
    c.put("field", field);
    c.put("operator", op);
    c.put("value", value);
    if (source.equals("ethereum_calldata")) {
      c.put("abi", ERC20_ABI);
    }
    return c;
  }

  private static Map<String, Object> rule(int n, String action, List<Object> conditions) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", "rule " + n);
    r.put("method", "eth_signTransaction");
    r.put("action", action);
    r.put("conditions", conditions);
    return r;
  }

  /** 20 rules; only the last matches the benchmark's transaction. */
  static Policy twentyRules() {
    List<Object> rules = new ArrayList<>();
    AtomicInteger n = new AtomicInteger();
    List<Object> fifty = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      fifty.add(String.format("0x%040x", 0x5000 + i));
    }
    long now = System.currentTimeMillis() / 1000;
    rules.add(rule(n.incrementAndGet(), "DENY", List.of(
        cond("ethereum_transaction", "to", "eq", "0x3333333333333333333333333333333333333333"))));
    for (int i = 0; i < 6; i++) {
      rules.add(rule(n.incrementAndGet(), "ALLOW", List.of(
          cond("ethereum_transaction", "to", "in", fifty),
          cond("ethereum_transaction", "value", "lte", "1000000000000000000"))));
      rules.add(rule(n.incrementAndGet(), "ALLOW", List.of(
          cond("ethereum_transaction", "chain_id", "eq", "8453"),
          cond("ethereum_calldata", "transfer.to", "eq", String.format("0x%040x", 0x7000 + i)))));
      rules.add(rule(n.incrementAndGet(), "ALLOW", List.of(
          cond("system", "current_unix_timestamp", "gte", Long.toString(now - 3600)),
          cond("ethereum_calldata", "transfer.amount", "gt", "1000000000000"))));
    }
    rules.add(rule(n.incrementAndGet(), "ALLOW", List.of(
        cond("ethereum_transaction", "to", "eq", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),
        cond("ethereum_calldata", "transfer.to", "eq", "0x1111111111111111111111111111111111111111"),
        cond("ethereum_calldata", "transfer.amount", "lte", "1000000000"),
        cond("system", "current_unix_timestamp", "gte", Long.toString(now - 3600)))));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", "1.0");
    body.put("name", "bench");
    body.put("chain_type", "ethereum");
    body.put("rules", rules);
    AtomicInteger ids = new AtomicInteger();
    return PolicyParser.policy("benchpolicy0000000000000", body,
        () -> String.format("rule%020d", ids.incrementAndGet()));
  }
}
