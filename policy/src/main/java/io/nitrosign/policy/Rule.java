package io.nitrosign.policy;

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
    throw new UnsupportedOperationException("not yet");
  }
}
