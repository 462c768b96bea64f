package io.nitrosign.parent.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Policies, rules, condition sets, their items and aggregations as the API shows them (Privy's
 * objects, as the pinned SDK's types declare them). Times are Unix milliseconds.
 */
public final class Views {

  private Views() {}

  /** Privy's Policy: {@code owner_id} null when the policy has no owner. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"id", "name", "chain_type", "version", "owner_id", "created_at", "rules"})
  public record PolicyView(@JsonProperty("id") String id, @JsonProperty("name") String name,
      @JsonProperty("chain_type") String chainType, @JsonProperty("version") String version,
      @JsonProperty("owner_id") String ownerId, @JsonProperty("created_at") long createdAt,
      @JsonProperty("rules") List<RuleView> rules) {

    static PolicyView of(StoredPolicy p) {
      return new PolicyView(p.id(), p.name(), p.chainType(), p.version(), p.ownerId(),
          p.createdAt().toEpochMilli(), p.rules().stream().map(RuleView::of).toList());
    }
  }

  /** Privy's PolicyRuleResponse; {@code conditions} exactly as validated and stored. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"id", "name", "method", "conditions", "action"})
  public record RuleView(@JsonProperty("id") String id, @JsonProperty("name") String name,
      @JsonProperty("method") String method, @JsonProperty("conditions") JsonNode conditions,
      @JsonProperty("action") String action) {

    static RuleView of(StoredPolicy.Rule r) {
      return new RuleView(r.id(), r.name(), r.method(), PlainJson.tree(r.conditions()),
          r.action());
    }
  }

  /** Privy's ConditionSet. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"id", "name", "owner_id", "created_at"})
  public record ConditionSetView(@JsonProperty("id") String id, @JsonProperty("name") String name,
      @JsonProperty("owner_id") String ownerId, @JsonProperty("created_at") long createdAt) {

    static ConditionSetView of(StoredConditionSet s) {
      return new ConditionSetView(s.id(), s.name(), s.ownerId(), s.createdAt().toEpochMilli());
    }
  }

  /** Privy's ConditionSetItem. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"id", "condition_set_id", "value", "created_at"})
  public record ItemView(@JsonProperty("id") String id,
      @JsonProperty("condition_set_id") String conditionSetId,
      @JsonProperty("value") String value, @JsonProperty("created_at") long createdAt) {

    static ItemView of(StoredConditionSet.Item i) {
      return new ItemView(i.id(), i.conditionSetId(), i.value(), i.createdAt().toEpochMilli());
    }
  }

  /** Privy's ConditionSetItemsResponse: a page of items, oldest first. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record ItemsPage(@JsonProperty("items") List<ItemView> items,
      @JsonProperty("next_cursor") String nextCursor) {}

  /** A page of policies, condition sets or aggregations, newest first (as {@code GET /v1/wallets}). */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Page<T>(@JsonProperty("data") List<T> data,
      @JsonProperty("next_cursor") String nextCursor) {}

  /** {@code DELETE}'s answer, Privy's SuccessResponse. */
  public record Deleted(@JsonProperty("success") boolean success) {}

  /**
   * Privy's Aggregation: {@code id}, the stored definition ({@code name, method, metric, window},
   * {@code conditions} and {@code group_by} when it has them), {@code owner_id}, {@code created_at}.
   */
  static ObjectNode aggregation(StoredAggregation a) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("id", a.id());
    JsonNode definition = PlainJson.tree(a.definition());
    for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) definition::fields) {
      if (!f.getKey().equals("id")) {
        out.set(f.getKey(), f.getValue());
      }
    }
    out.put("owner_id", a.ownerId());
    out.put("created_at", a.createdAt().toEpochMilli());
    return out;
  }
}
