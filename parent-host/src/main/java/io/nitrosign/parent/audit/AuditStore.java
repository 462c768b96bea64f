package io.nitrosign.parent.audit;

import io.nitrosign.parent.idempotency.SignRequests;
import io.nitrosign.parent.policy.SpendLedger;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Appends to and reads the hash-chained audit log. Takes the caller's {@link Handle}; appends must
 * run inside the caller's transaction so the audit row commits (or not) with the change it records.
 * Appends go to one chain, this host's ({@link AuditChainName}): hosts with different chains do not
 * wait for each other's appends.
 */
public final class AuditStore {

  /**
   * The advisory lock key that serialized appends to the single chain before per-host chains
   * ("nsau"). No longer taken; kept so no other lock reuses the key.
   */
  static final long LEGACY_APPEND_LOCK = 0x6e736175L;

  private final Handle handle;
  private final Clock clock;
  private final AuditChainName chain;

  /** Appends to the chain configured on the handle's Jdbi ({@link AuditChainName.Config}). */
  public AuditStore(Handle handle, Clock clock) {
    this(handle, clock, handle.getConfig(AuditChainName.Config.class).get());
  }

  public AuditStore(Handle handle, Clock clock, AuditChainName chain) {
    this.handle = handle;
    this.clock = clock;
    this.chain = java.util.Objects.requireNonNull(chain);
  }

  /** The chain this store appends to. */
  public AuditChainName chain() {
    return chain;
  }

  /** Appends one event and returns its id. */
  public long append(AuditEvent e) {
    return appendAll(List.of(e)).get(0);
  }

  /**
   * Appends events in order to this store's chain and returns their ids. One advisory lock (the
   * chain's, {@link AuditChainName#lockKey}), one read of the chain's head, one batch insert: the
   * group-commit writer ({@link AuditWriter}) calls this with many events at once. The events' spending-limit reservations are committed first, in the same
   * transaction (before the chain lock, so its holder never waits for a ledger lock).
   *
   * <p>Sign-request attempts that end with these rows ({@link AuditEvent#signRequest()}) end in
   * the same transaction: a succeeded one stores its response for its idempotency key first
   * (before the chain lock, as reservations), and its state once the row has its id.
   *
   * @throws SpendLedger.ReservationLapsedException when a reservation can no longer be committed;
   *     the caller's transaction must then roll back
   * @throws SignRequests.AttemptLostException when a succeeded attempt no longer holds its key;
   *     likewise
   */
  public List<Long> appendAll(List<AuditEvent> events) {
    if (!handle.isInTransaction()) {
      throw new IllegalStateException("audit appends must run inside a transaction");
    }
    if (events.isEmpty()) {
      return List.of();
    }
    List<SpendLedger.Reservation> reservations = events.stream()
        .map(AuditEvent::reservation).filter(java.util.Objects::nonNull).toList();
    if (!reservations.isEmpty()) {
      SpendLedger.commitReserved(handle, clock.instant(), reservations);
    }
    for (AuditEvent e : events) {
      if (e.signRequest() != null) {
        SignRequests.beforeAppend(handle, e.signRequest());
      }
    }
    // Ids are taken under the chain's lock, so they increase along the chain; another chain's
    // appends take ids from the same sequence concurrently (ids stay unique across chains).
    handle.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) AS locked")
        .bind("key", chain.lockKey()).mapTo(Integer.class).one();
    byte[] prev = handle.createQuery("SELECT row_hash FROM audit_log WHERE chain = :chain"
            + " ORDER BY id DESC LIMIT 1")
        .bind("chain", chain.value()).mapTo(byte[].class).findFirst().orElse(AuditChain.GENESIS);
    List<Long> ids = handle.createQuery("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))"
            + " FROM generate_series(1, :n) ORDER BY 1")
        .bind("n", events.size()).mapTo(Long.class).list();
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    PreparedBatch batch = handle.prepareBatch("INSERT INTO audit_log (id, chain, occurred_at,"
        + " app_id, wallet_id, action, outcome, error_code, detail, prev_hash, row_hash) VALUES"
        + " (:id, :chain, :at, :app, :wallet, :action, :outcome, :error, :detail, :prev, :hash)");
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      long id = ids.get(i);
      String outcome = e.outcome().dbValue();
      byte[] rowHash = AuditChain.rowHash(prev, chain.value(), id, at, e.appId(), e.walletId(),
          e.action(), outcome, e.errorCode(), e.detail());
      batch.bind("id", id)
          .bind("chain", chain.value())
          .bind("at", at.atOffset(ZoneOffset.UTC))
          .bind("app", e.appId())
          .bind("wallet", e.walletId())
          .bind("action", e.action())
          .bind("outcome", outcome)
          .bind("error", e.errorCode())
          .bind("detail", e.detail())
          .bind("prev", prev)
          .bind("hash", rowHash)
          .add();
      prev = rowHash;
    }
    batch.execute();
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).signRequest() != null) {
        SignRequests.afterAppend(handle, events.get(i).signRequest(), ids.get(i));
      }
    }
    return ids;
  }

  private static final String SELECT = "SELECT id, chain, occurred_at, app_id, wallet_id, action,"
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
    return new AuditRow(rs.getLong("id"), rs.getString("chain"),
        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
        rs.getString("app_id"), rs.getString("wallet_id"), rs.getString("action"),
        rs.getString("outcome"), rs.getString("error_code"), rs.getString("detail"),
        rs.getBytes("prev_hash"), rs.getBytes("row_hash"));
  }

  public AuditChain.Verification verify() {
    return AuditChain.verify(all());
  }
}
