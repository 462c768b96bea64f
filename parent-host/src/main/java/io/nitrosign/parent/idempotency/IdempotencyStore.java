package io.nitrosign.parent.idempotency;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * SQL for {@code idempotency_keys} (V8). Every statement runs in a transaction of its own
 * (autocommit), so a claim is visible to every other parent host as soon as it is made. Times are
 * the database's {@code now()}: the hosts of a deployment share that clock, not their own.
 *
 * <p>An in-progress claim holds a lease ({@code lease_until}, V13) that its host renews every
 * {@link #RENEW_EVERY} while the request runs ({@link IdempotencyLeases}); a lapsed lease means
 * the attempt is gone (its host died or lost the database).
 */
public final class IdempotencyStore {

  /** How long a key is kept from its first attempt (Privy: 24 hours). */
  public static final Duration TTL = Duration.ofHours(24);
  /** The sweep deletes at most this many rows per statement, so it never holds long locks. */
  static final int SWEEP_BATCH = 1000;
  /**
   * How long a claim stays held without a renewal. Three renewals may fail in a row (a slow
   * database, a pause) before another attempt may take it over; and a retry that waits
   * {@link IdempotencyFilter#WAIT} sees a dead host's lease lapse within that wait.
   */
  public static final Duration LEASE = Duration.ofSeconds(3);
  /** How often a host renews the leases of the requests it is running. */
  public static final Duration RENEW_EVERY = Duration.ofSeconds(1);

  private final Jdbi jdbi;

  public IdempotencyStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * A key's row as another request with the same key finds it: the attempt holding it and, while
   * it is in progress, whether that attempt's lease has lapsed.
   */
  public record Found(byte[] requestHash, boolean completed, boolean expired, Stored response, String attempt, boolean leaseLapsed) {}

  /** A final response, as kept and replayed. */
  public record Stored(int status, String contentType, byte[] body) {}

  /**
   * Claims {@code key} of {@code appId} for the attempt {@code attempt} of {@code host}: the key's
   * creation time when this call made the row (or took over one that had expired), empty when
   * another attempt holds it or already answered it. The INSERT commits on its own; concurrent claims on any host are decided by the
   * primary key, so exactly one of them gets true. An expired row is replaced in the same
   * statement; the WHERE is re-checked on the row's latest version, so two claims racing for an
   * expired row still yield one winner.
   *
   * <p>The claim commits asynchronously ({@code synchronous_commit = off} for its transaction):
   * it is visible to every host at once, and it needs no fsync of its own. If PostgreSQL crashes
   * before the claim reached the disk, no later synchronous commit did either (WAL is written in
   * order, and each synchronous commit flushes everything before it), so nothing done under the
   * lost claim was durable, and the request may run again; a live attempt whose claim was lost
   * cannot complete it ({@link #complete} matches nothing) and releases nothing.
   */
  public Optional<java.time.Instant> claim(String appId, String key, byte[] requestHash,
      String attempt, String host) {
    return jdbi.withHandle(h -> h.createQuery("""
            WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
            INSERT INTO idempotency_keys (app_id, idempotency_key, request_hash, state, attempt,
                created_at, expires_at, lease_until, host)
            SELECT :app, :key, :hash, 'in_progress', :attempt, now(),
                now() + make_interval(secs => :ttl), now() + make_interval(secs => :lease), :host
            FROM async
            ON CONFLICT (app_id, idempotency_key) DO UPDATE SET
                request_hash = EXCLUDED.request_hash, state = 'in_progress',
                attempt = EXCLUDED.attempt, created_at = EXCLUDED.created_at,
                expires_at = EXCLUDED.expires_at, completed_at = NULL, response_status = NULL,
                response_content_type = NULL, response_body = NULL,
                lease_until = EXCLUDED.lease_until, host = EXCLUDED.host
              WHERE idempotency_keys.expires_at <= now()
            RETURNING created_at""")
        .bind("app", appId).bind("key", key).bind("hash", requestHash).bind("attempt", attempt)
        .bind("ttl", (double) TTL.toSeconds()).bind("lease", leaseSeconds()).bind("host", host)
        .mapTo(java.time.OffsetDateTime.class).findOne().map(t -> t.toInstant()));
  }

  private static double leaseSeconds() {
    return LEASE.toMillis() / 1000.0;
  }

  /**
   * Takes over the attempt {@code lost} whose lease has lapsed, for {@code attempt} of
   * {@code host}: the key's creation time when this call did (one UPDATE, re-checked on the row's
   * latest version, so of several retries racing for it exactly one wins). The request hash must
   * be the claim's.
   */
  public Optional<java.time.Instant> takeOver(String appId, String key, byte[] requestHash,
      String lost, String attempt, String host) {
    return jdbi.withHandle(h -> h.createQuery("""
            UPDATE idempotency_keys SET attempt = :attempt, host = :host,
                lease_until = now() + make_interval(secs => :lease)
            WHERE app_id = :app AND idempotency_key = :key AND attempt = :lost
                AND state = 'in_progress' AND lease_until <= now() AND request_hash = :hash
            RETURNING created_at""")
        .bind("app", appId).bind("key", key).bind("hash", requestHash).bind("lost", lost)
        .bind("attempt", attempt).bind("host", host).bind("lease", leaseSeconds())
        .mapTo(java.time.OffsetDateTime.class).findOne().map(t -> t.toInstant()));
  }

  /**
   * Renews the leases of {@code attempts} (the requests this host is running). One statement for
   * all of them; completed or released claims are not touched.
   */
  public int renew(Collection<String> attempts) {
    if (attempts.isEmpty()) {
      return 0;
    }
    return jdbi.withHandle(h -> h.createUpdate("""
            UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => :lease)
            WHERE attempt = ANY(:attempts) AND state = 'in_progress'""")
        .bind("lease", leaseSeconds())
        .bind("attempts", attempts.toArray(new String[0]))
        .execute());
  }

  /** The row of {@code key}, if any. */
  public Optional<Found> find(String appId, String key) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT request_hash, state, response_status, response_content_type, response_body,
                expires_at <= now() AS expired, attempt,
                coalesce(lease_until <= now(), false) AS lease_lapsed
            FROM idempotency_keys WHERE app_id = :app AND idempotency_key = :key""")
        .bind("app", appId).bind("key", key)
        .map((rs, ctx) -> {
          boolean completed = "completed".equals(rs.getString("state"));
          return new Found(rs.getBytes("request_hash"), completed, rs.getBoolean("expired"), completed ? new Stored(rs.getInt("response_status"),
                  rs.getString("response_content_type"), rs.getBytes("response_body")) : null,
              rs.getString("attempt"), !completed && rs.getBoolean("lease_lapsed"));
        })
        .findOne());
  }

  /**
   * Stores the final response of the attempt that holds the key. False when it no longer holds it
   * (the row expired and another attempt took it over): nothing is written then.
   */
  public boolean complete(String appId, String key, String attempt, Stored response) {
    return jdbi.withHandle(h -> complete(h, appId, key, attempt, response));
  }

  /**
   * {@link #complete(String, String, String, Stored)} inside the caller's transaction: a signing
   * request stores its response in the transaction of its succeeded audit row.
   */
  public static boolean complete(Handle h, String appId, String key, String attempt,
      Stored response) {
    return h.createUpdate("""
            UPDATE idempotency_keys SET state = 'completed', completed_at = now(),
                response_status = :status, response_content_type = :type, response_body = :body,
                lease_until = NULL
            WHERE app_id = :app AND idempotency_key = :key AND attempt = :attempt
                AND state = 'in_progress'""")
        .bind("app", appId).bind("key", key).bind("attempt", attempt)
        .bind("status", response.status()).bind("type", response.contentType())
        .bind("body", response.body())
        .execute() == 1;
  }

  /** Deletes the attempt's claim (its response was not final), so a retry runs again. */
  public void release(String appId, String key, String attempt) {
    jdbi.useHandle(h -> h.createUpdate("""
            DELETE FROM idempotency_keys WHERE app_id = :app AND idempotency_key = :key
                AND attempt = :attempt AND state = 'in_progress'""")
        .bind("app", appId).bind("key", key).bind("attempt", attempt).execute());
  }

  /**
   * Deletes every expired row, and the sign-request attempts older than {@link #TTL} (their keys
   * have expired with them), in batches; returns how many keys.
   */
  public int sweep() {
    int total = 0;
    int n;
    do {
      n = jdbi.withHandle(h -> h.createUpdate("""
              DELETE FROM idempotency_keys WHERE (app_id, idempotency_key) IN (
                  SELECT app_id, idempotency_key FROM idempotency_keys
                  WHERE expires_at <= now() LIMIT :batch)""")
          .bind("batch", SWEEP_BATCH).execute());
      total += n;
    } while (n == SWEEP_BATCH);
    do {
      n = jdbi.withHandle(h -> h.createUpdate("""
              DELETE FROM sign_requests WHERE attempt IN (
                  SELECT attempt FROM sign_requests
                  WHERE created_at <= now() - make_interval(secs => :ttl) LIMIT :batch)""")
          .bind("ttl", (double) TTL.toSeconds()).bind("batch", SWEEP_BATCH).execute());
    } while (n == SWEEP_BATCH);
    return total;
  }
}
