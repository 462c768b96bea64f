package io.nitrosign.policy;

import java.math.BigInteger;

/** What an evaluation reads from outside the request: condition sets and aggregation totals. */
public interface PolicyContext {

  /**
   * Whether the condition set holds {@code value}. Ethereum addresses are compared
   * case-insensitively: the engine passes them lower-cased, and the parent stores items of sets
   * that hold addresses lower-cased too (see {@link Values#normalizeItem}).
   */
  boolean inConditionSet(String conditionSetId, String value);

  /**
   * The total of aggregation {@code aggregationId} for this wallet over its window, including
   * this request's own contribution (the total if this request were signed); null when the
   * aggregation does not exist or does not measure this request (the condition then fails).
   */
  BigInteger aggregationTotal(String aggregationId);

  /** A context with no condition sets and no aggregations. */
  PolicyContext EMPTY = new PolicyContext() {
    @Override
    public boolean inConditionSet(String conditionSetId, String value) {
      return false;
    }

    @Override
    public BigInteger aggregationTotal(String aggregationId) {
      return null;
    }
  };
}
