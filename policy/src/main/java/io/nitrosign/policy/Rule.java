package io.nitrosign.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule: it matches a request for {@code method} ({@code "*"}: every method) when all of its
 * conditions hold; then its action applies.
 */
public record Rule(String id, String name, String method, List<Condition> conditions,
    Action action) {

  /** {@code {id, name, method, conditions, action}} (Privy's PolicyRuleResponse). */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (id != null) {
      out.put("id", id);
    }
    out.put("name", name);
    out.put("method", method);
    List<Object> c = new ArrayList<>(conditions.size());
    for (Condition condition : conditions) {
      c.add(condition.toJson());
    }
    out.put("conditions", c);
    out.put("action", action.name());
    return out;
  }
}
