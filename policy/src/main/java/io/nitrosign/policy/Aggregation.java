package io.nitrosign.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  /**
   * {@code {id, name, method, metric, window, conditions, group_by}} (conditions and group_by
   * only when not empty; metric, conditions and group_by exactly as written); the parent adds the
   * rest.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (id != null) {
      out.put("id", id);
    }
    out.put("name", name);
    out.put("method", method);
    out.put("metric", metric.json());
    Map<String, Object> window = new LinkedHashMap<>();
    window.put("type", "rolling");
    window.put("seconds", windowSeconds);
    out.put("window", window);
    if (!conditions.isEmpty()) {
      List<Object> c = new ArrayList<>(conditions.size());
      for (Condition condition : conditions) {
        c.add(condition.toJson());
      }
      out.put("conditions", c);
    }
    if (!groupBy.isEmpty()) {
      List<Object> g = new ArrayList<>(groupBy.size());
      for (GroupBy group : groupBy) {
        g.add(group.json());
      }
      out.put("group_by", g);
    }
    return out;
  }
}
