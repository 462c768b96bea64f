package io.nitrosign.parent.policy;

import java.time.Instant;
import java.util.Set;

/**
 * An aggregation as stored: {@code definition} is the JSON text of the validated definition
 * ({@code name, method, metric, window, conditions?, group_by?}); {@code conditionSetIds} what its
 * conditions reference (written with it; empty when read back).
 */
record StoredAggregation(String id, String appId, String name, String ownerId, String definition,
    Instant createdAt, Set<String> conditionSetIds) implements Paging.Row {

  StoredAggregation {
    conditionSetIds = Set.copyOf(conditionSetIds);
  }
}
