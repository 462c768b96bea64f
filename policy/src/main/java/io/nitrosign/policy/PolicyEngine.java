package io.nitrosign.policy;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates a wallet's policies on a request, Privy's semantics: a wallet with policies is
 * default-deny; a rule applies to its method ({@code "*"}: every method) and matches when all its
 * conditions hold; any matching DENY wins over every ALLOW. Deterministic and total: it never
 * throws on any payload; a condition whose field the payload does not have does not hold.
 */
public final class PolicyEngine {

  private PolicyEngine() {}

  /** The decision for {@code request} under {@code policies} (empty: allowed, none consulted). */
  public static Decision evaluate(List<Policy> policies, PolicyRequest request, PolicyContext context) {
    throw new UnsupportedOperationException("not yet");
  }

  /** The aggregation ids the policies' {@code reference} conditions read. */
  public static Set<String> referencedAggregations(List<Policy> policies) {
    throw new UnsupportedOperationException("not yet");
  }

  /** What an aggregation adds for this request: empty when it does not measure it. */
  public record Measurement(String groupKey, BigInteger amount) {}

  /**
   * The contribution of {@code request} to {@code aggregation}: empty when the method differs,
   * a pre-filter condition does not hold or the metric field is absent; otherwise the group key
   * (the group-by values joined, {@code ""} without group-by) and the metric's value.
   */
  public static Optional<Measurement> measure(Aggregation aggregation, PolicyRequest request,
      PolicyContext context) {
    throw new UnsupportedOperationException("not yet");
  }
}
