package io.nitrosign.parent.policy;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A policy as stored: its header, owner, revision (bumped by every change) and rules in order.
 * Each rule's {@code conditions} is the JSON text of its validated conditions.
 */
record StoredPolicy(String id, String appId, String name, String chainType, String version,
    String ownerId, int revision, Instant createdAt, List<Rule> rules) implements Paging.Row {

  StoredPolicy {
    rules = List.copyOf(rules);
  }

  /**
   * One rule. {@code conditionSetIds} and {@code aggregationIds}: what its conditions reference,
   * written with it (empty when read back: only the conditions are needed then).
   */
  record Rule(String id, String name, String method, String action, String conditions,
      Set<String> conditionSetIds, Set<String> aggregationIds) {

    Rule {
      conditionSetIds = Set.copyOf(conditionSetIds);
      aggregationIds = Set.copyOf(aggregationIds);
    }

    Rule(String id, String name, String method, String action, String conditions) {
      this(id, name, method, action, conditions, Set.of(), Set.of());
    }
  }
}
