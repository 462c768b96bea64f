package io.nitrosign.parent.policy;

import io.nitrosign.parent.wallet.WalletCursor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** SQL for {@code aggregations}; every read is scoped to the app. */
final class AggregationStore {

  private final Handle handle;

  AggregationStore(Handle handle) {
    this.handle = handle;
  }

  void insert(StoredAggregation a) {
    handle.createUpdate("INSERT INTO aggregations (id, app_id, name, owner_id, definition,"
            + " created_at) VALUES (:id, :app, :name, :owner, :definition, :at)")
        .bind("id", a.id()).bind("app", a.appId()).bind("name", a.name())
        .bind("owner", a.ownerId()).bind("definition", a.definition())
        .bind("at", a.createdAt().atOffset(ZoneOffset.UTC))
        .execute();
    for (String set : a.conditionSetIds()) {
      handle.createUpdate("INSERT INTO aggregation_condition_sets (aggregation_id,"
              + " condition_set_id) VALUES (:id, :set)")
          .bind("id", a.id()).bind("set", set).execute();
    }
  }

  Optional<StoredAggregation> find(String appId, String id) {
    return find(appId, id, false);
  }

  Optional<StoredAggregation> findForUpdate(String appId, String id) {
    return find(appId, id, true);
  }

  private Optional<StoredAggregation> find(String appId, String id, boolean lock) {
    return Rows.find(handle, "aggregations", COLUMNS, appId, id, lock,
        (rs, ctx) -> aggregation(rs));
  }

  /** Newest first, strictly after {@code after}; at most {@code limit}. */
  List<StoredAggregation> list(String appId, WalletCursor after, int limit) {
    return Rows.newestFirst(handle, "aggregations", COLUMNS, appId, after, limit,
        (rs, ctx) -> aggregation(rs));
  }

  /** How many rules reference the aggregation. */
  int references(String id) {
    return handle.createQuery("SELECT count(*) FROM policy_rule_aggregations"
            + " WHERE aggregation_id = :id")
        .bind("id", id).mapTo(Integer.class).one();
  }

  boolean delete(String appId, String id) {
    return Rows.delete(handle, "aggregations", appId, id);
  }

  /** Which of these ids are aggregations of the app (share-locked until the transaction ends). */
  Set<String> existing(String appId, Collection<String> ids) {
    return Rows.existing(handle, "aggregations", appId, ids);
  }

  private static final String COLUMNS = "id, app_id, name, owner_id, definition, created_at";

  private static StoredAggregation aggregation(ResultSet rs) throws SQLException {
    return new StoredAggregation(rs.getString("id"), rs.getString("app_id"),
        rs.getString("name"), rs.getString("owner_id"), rs.getString("definition"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(), Set.of());
  }
}
