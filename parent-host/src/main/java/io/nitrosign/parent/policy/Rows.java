package io.nitrosign.parent.policy;

import io.nitrosign.parent.wallet.WalletCursor;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * The SQL the policy, condition set and aggregation stores share, written once so that every
 * table is scoped to the app, locked and paged alike: a row of the app by id (optionally locked
 * until the transaction ends), keyset pages over {@code (created_at, id)}, which of some ids are
 * the app's, and a delete scoped to the app.
 */
final class Rows {

  private Rows() {}

  /** The app's row {@code id} of {@code table}; {@code lock}: {@code FOR UPDATE}. */
  static <T> Optional<T> find(Handle h, String table, String columns, String appId, String id,
      boolean lock, RowMapper<T> row) {
    return h.createQuery("SELECT " + columns + " FROM " + table
            + " WHERE id = :id AND app_id = :app" + (lock ? " FOR UPDATE" : ""))
        .bind("id", id).bind("app", appId)
        .map(row)
        .findOne();
  }

  /**
   * A keyset page of {@code select} (a query ending in a condition on {@code :scope}): strictly
   * after {@code after}, at most {@code limit} rows, newest first or oldest first.
   */
  static <T> List<T> page(Handle h, String select, String scope, WalletCursor after,
      boolean newestFirst, int limit, RowMapper<T> row) {
    StringBuilder sql = new StringBuilder(select);
    if (after != null) {
      sql.append(" AND (created_at, id) ").append(newestFirst ? "<" : ">")
          .append(" (:at, :after)");
    }
    sql.append(newestFirst ? " ORDER BY created_at DESC, id DESC" : " ORDER BY created_at, id")
        .append(" LIMIT :limit");
    Query q = h.createQuery(sql.toString()).bind("scope", scope).bind("limit", limit);
    if (after != null) {
      q.bind("at", after.createdAt().atOffset(ZoneOffset.UTC)).bind("after", after.id());
    }
    return q.map(row).list();
  }

  /** The app's rows of {@code table}, newest first, strictly after {@code after}. */
  static <T> List<T> newestFirst(Handle h, String table, String columns, String appId,
      WalletCursor after, int limit, RowMapper<T> row) {
    return page(h, "SELECT " + columns + " FROM " + table + " WHERE app_id = :scope", appId,
        after, true, limit, row);
  }

  /**
   * Which of these ids are rows of the app in {@code table}; the rows stay share-locked until the
   * transaction ends, so one being referenced cannot be deleted meanwhile.
   */
  static Set<String> existing(Handle h, String table, String appId, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(h.createQuery("SELECT id FROM " + table + " WHERE app_id = :app"
            + " AND id = ANY(:ids) FOR SHARE")
        .bind("app", appId).bindArray("ids", String.class, ids)
        .mapTo(String.class).list());
  }

  /** Deletes the app's row {@code id} of {@code table}; false when there is none. */
  static boolean delete(Handle h, String table, String appId, String id) {
    return h.createUpdate("DELETE FROM " + table + " WHERE id = :id AND app_id = :app")
        .bind("id", id).bind("app", appId).execute() == 1;
  }
}
