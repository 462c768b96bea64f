package io.nitrosign.parent.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Appends to and reads the hash-chained audit log. Takes the caller's {@link Handle}; appends must
 * run inside the caller's transaction so the audit row commits (or not) with the change it records.
 */
public final class AuditStore {

  /** Advisory lock key serializing appends ("nsau"). */
  static final long APPEND_LOCK = 0x6e736175L;

  private final Handle handle;
  private final Clock clock;

  public AuditStore(Handle handle, Clock clock) {
    this.handle = handle;
    this.clock = clock;
  }

  /** Appends one event and returns its id. */
  public long append(AuditEvent e) {
    if (!handle.isInTransaction()) {
      throw new IllegalStateException("audit appends must run inside a transaction");
    }
    handle.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) AS locked")
        .bind("key", APPEND_LOCK).mapTo(Integer.class).one();
    byte[] prev = handle.createQuery("SELECT row_hash FROM audit_log ORDER BY id DESC LIMIT 1")
        .mapTo(byte[].class).findFirst().orElse(AuditChain.GENESIS);
    long id = handle.createQuery("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))")
        .mapTo(Long.class).one();
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String outcome = e.outcome().dbValue();
    byte[] rowHash = AuditChain.rowHash(prev, id, at, e.appId(), e.walletId(), e.action(), outcome,
        e.errorCode(), e.detail());
    handle.createUpdate("INSERT INTO audit_log (id, occurred_at, app_id, wallet_id, action, outcome,"
            + " error_code, detail, prev_hash, row_hash) VALUES (:id, :at, :app, :wallet, :action,"
            + " :outcome, :error, :detail, :prev, :hash)")
        .bind("id", id)
        .bind("at", at.atOffset(ZoneOffset.UTC))
        .bind("app", e.appId())
        .bind("wallet", e.walletId())
        .bind("action", e.action())
        .bind("outcome", outcome)
        .bind("error", e.errorCode())
        .bind("detail", e.detail())
        .bind("prev", prev)
        .bind("hash", rowHash)
        .execute();
    return id;
  }

  private static final String SELECT = "SELECT id, occurred_at, app_id, wallet_id, action,"
      + " outcome, error_code, detail, prev_hash, row_hash FROM audit_log ";

  /** Every row in id order (for verification and tests). */
  public List<AuditRow> all() {
    return handle.createQuery(SELECT + "ORDER BY id").map(AuditStore::row).list();
  }

  /** Rows about one wallet, in id order. */
  public List<AuditRow> forWallet(String walletId) {
    return handle.createQuery(SELECT + "WHERE wallet_id = :w ORDER BY id").bind("w", walletId)
        .map(AuditStore::row).list();
  }

  private static AuditRow row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new AuditRow(rs.getLong("id"),
        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
        rs.getString("app_id"), rs.getString("wallet_id"), rs.getString("action"),
        rs.getString("outcome"), rs.getString("error_code"), rs.getString("detail"),
        rs.getBytes("prev_hash"), rs.getBytes("row_hash"));
  }

  public AuditChain.Verification verify() {
    return AuditChain.verify(all());
  }
}
