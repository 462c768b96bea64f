package io.nitrosign.parent.policy;

import io.nitrosign.parent.wallet.WalletCursor;
import io.nitrosign.policy.Values;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * SQL for {@code condition_sets} and {@code condition_set_items}; every read is scoped to the app.
 * Items are stored with their lookup form ({@link Values#normalizeItem}), unique per set.
 */
final class ConditionSetStore {

  private final Handle handle;

  ConditionSetStore(Handle handle) {
    this.handle = handle;
  }

  void insert(StoredConditionSet s) {
    handle.createUpdate("INSERT INTO condition_sets (id, app_id, name, owner_id, created_at,"
            + " updated_at) VALUES (:id, :app, :name, :owner, :at, :at)")
        .bind("id", s.id()).bind("app", s.appId()).bind("name", s.name())
        .bind("owner", s.ownerId()).bind("at", s.createdAt().atOffset(ZoneOffset.UTC))
        .execute();
  }

  Optional<StoredConditionSet> find(String appId, String id) {
    return find(appId, id, false);
  }

  /** As {@link #find}, locking the set's row (and so its items' changes) until the end. */
  Optional<StoredConditionSet> findForUpdate(String appId, String id) {
    return find(appId, id, true);
  }

  private Optional<StoredConditionSet> find(String appId, String id, boolean lock) {
    return Rows.find(handle, "condition_sets", COLUMNS, appId, id, lock, (rs, ctx) -> set(rs));
  }

  /** Newest first, strictly after {@code after}; at most {@code limit}. */
  List<StoredConditionSet> list(String appId, WalletCursor after, int limit) {
    return Rows.newestFirst(handle, "condition_sets", COLUMNS, appId, after, limit,
        (rs, ctx) -> set(rs));
  }

  void update(String id, String name, String ownerId, Instant at) {
    handle.createUpdate("UPDATE condition_sets SET name = :name, owner_id = :owner,"
            + " updated_at = :at WHERE id = :id")
        .bind("name", name).bind("owner", ownerId).bind("at", at.atOffset(ZoneOffset.UTC))
        .bind("id", id).execute();
  }

  /** How many rules and aggregations reference the set. */
  int references(String id) {
    return handle.createQuery("SELECT (SELECT count(*) FROM policy_rule_condition_sets"
            + " WHERE condition_set_id = :id) + (SELECT count(*) FROM aggregation_condition_sets"
            + " WHERE condition_set_id = :id)")
        .bind("id", id).mapTo(Integer.class).one();
  }

  boolean delete(String appId, String id) {
    return Rows.delete(handle, "condition_sets", appId, id);
  }

  /**
   * Which of these ids are condition sets of the app; the rows stay share-locked until the
   * transaction ends, so a set being referenced cannot be deleted meanwhile.
   */
  Set<String> existing(String appId, Collection<String> ids) {
    return Rows.existing(handle, "condition_sets", appId, ids);
  }

  // --------------------------------------------------------------------------------- items

  /** Inserts items (one batch); their values' lookup forms must be new to the set. */
  void insertItems(List<StoredConditionSet.Item> items) {
    if (items.isEmpty()) {
      return;
    }
    PreparedBatch b = handle.prepareBatch("INSERT INTO condition_set_items (id, condition_set_id,"
        + " value, value_norm, created_at) VALUES (:id, :set, :value, :norm, :at)");
    for (StoredConditionSet.Item i : items) {
      b.bind("id", i.id()).bind("set", i.conditionSetId()).bind("value", i.value())
          .bind("norm", Values.normalizeItem(i.value()))
          .bind("at", i.createdAt().atOffset(ZoneOffset.UTC)).add();
    }
    b.execute();
  }

  /** Which of these lookup forms the set already holds. */
  Set<String> present(String setId, Collection<String> normalized) {
    if (normalized.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(handle.createQuery("SELECT value_norm FROM condition_set_items"
            + " WHERE condition_set_id = :set AND value_norm = ANY(:values)")
        .bind("set", setId).bindArray("values", String.class, normalized)
        .mapTo(String.class).list());
  }

  void deleteItems(String setId) {
    handle.createUpdate("DELETE FROM condition_set_items WHERE condition_set_id = :set")
        .bind("set", setId).execute();
  }

  Optional<StoredConditionSet.Item> item(String setId, String itemId) {
    return handle.createQuery("SELECT " + ITEM_COLUMNS
            + " FROM condition_set_items WHERE id = :id AND condition_set_id = :set")
        .bind("id", itemId).bind("set", setId)
        .map((rs, ctx) -> item(rs))
        .findOne();
  }

  boolean deleteItem(String setId, String itemId) {
    return handle.createUpdate("DELETE FROM condition_set_items WHERE id = :id"
            + " AND condition_set_id = :set")
        .bind("id", itemId).bind("set", setId).execute() == 1;
  }

  /** Oldest first (insertion order), strictly after {@code after}; at most {@code limit}. */
  List<StoredConditionSet.Item> items(String setId, WalletCursor after, int limit) {
    return Rows.page(handle, "SELECT " + ITEM_COLUMNS + " FROM condition_set_items"
        + " WHERE condition_set_id = :scope", setId, after, false, limit, (rs, ctx) -> item(rs));
  }

  int itemCount(String setId) {
    return handle.createQuery("SELECT count(*) FROM condition_set_items"
            + " WHERE condition_set_id = :set")
        .bind("set", setId).mapTo(Integer.class).one();
  }

  private static final String COLUMNS = "id, app_id, name, owner_id, created_at";
  private static final String ITEM_COLUMNS = "id, condition_set_id, value, created_at";

  private static StoredConditionSet set(ResultSet rs) throws SQLException {
    return new StoredConditionSet(rs.getString("id"), rs.getString("app_id"),
        rs.getString("name"), rs.getString("owner_id"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }

  private static StoredConditionSet.Item item(ResultSet rs) throws SQLException {
    return new StoredConditionSet.Item(rs.getString("id"), rs.getString("condition_set_id"),
        rs.getString("value"), rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
