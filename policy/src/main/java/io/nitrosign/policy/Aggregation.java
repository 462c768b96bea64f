package io.nitrosign.policy;

import java.util.List;
import java.util.Map;

/**
 * An aggregation (Privy's stateful policies): the {@code function} ("sum") of a metric
 * ({@code field_source}, {@code field}, for calldata its {@code abi}) over the requests for
 * {@code method} that pass {@code conditions}, per wallet and optionally per {@code groupBy}
 * fields, over a rolling window of {@code windowSeconds}. Rules use it through
 * {@code {field_source: "reference", field: "aggregation.<id>"}} conditions.
 */
public record Aggregation(String id, String name, String method, Metric metric,
    long windowSeconds, List<Condition> conditions, List<GroupBy> groupBy) {

  /** What is summed. */
  public record Metric(String fieldSource, String field, String function, Map<String, Object> json,
      Object compiled) {}

  /** A field that partitions the totals (at most two). */
  public record GroupBy(String fieldSource, String field, Map<String, Object> json,
      Object compiled) {}

  /** {@code {id, name, method, metric, window, conditions, group_by}}; the parent adds the rest. */
  public Map<String, Object> toJson() {
    throw new UnsupportedOperationException("not yet");
  }
}
