package io.nitrosign.parent.policy;

import java.time.Instant;

/** A condition set as stored (its items are rows of their own, read page by page). */
record StoredConditionSet(String id, String appId, String name, String ownerId,
    Instant createdAt) implements Paging.Row {

  /** One item: the value as given ({@code value_norm}, its lookup form, stays in the table). */
  record Item(String id, String conditionSetId, String value, Instant createdAt)
      implements Paging.Row {}
}
