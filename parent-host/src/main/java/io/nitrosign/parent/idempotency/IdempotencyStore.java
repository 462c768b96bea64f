package io.nitrosign.parent.idempotency;

import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * SQL for {@code idempotency_keys} (V8). Every statement runs in a transaction of its own
 * (autocommit), so a claim is visible to every other parent host as soon as it is made. Times are
 * the database's {@code now()}: the hosts of a deployment share that clock, not their own.
 */
public final class IdempotencyStore {

  /** How long a key is kept from its first attempt (Privy: 24 hours). */
  public static final Duration TTL = Duration.ofHours(24);
  /** The sweep deletes at most this many rows per statement, so it never holds long locks. */
  static final int SWEEP_BATCH = 1000;

  private final Jdbi jdbi;

  public IdempotencyStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A key's row as another request with the same key finds it. */
  public record Found(byte[] requestHash, boolean completed, long ageMillis,
      boolean expired, Stored response) {}

  /** A final response, as kept and replayed. */
  public record Stored(int status, String contentType, byte[] body) {}

  /**
   * Claims {@code key} of {@code appId} for the attempt {@code attempt}: true when this call made
   * the row (or took over one that had expired), false when another attempt holds it or already
   * answered it. The INSERT commits on its own; concurrent claims on any host are decided by the
   * primary key, so exactly one of them gets true. An expired row is replaced in the same
   * statement; the WHERE is re-checked on the row's latest version, so two claims racing for an
   * expired row still yield one winner.
   */
  public boolean claim(String appId, String key, byte[] requestHash, String attempt) {
    return jdbi.withHandle(h -> h.createQuery("""
            INSERT INTO idempotency_keys (app_id, idempotency_key, request_hash, state, attempt,
                created_at, expires_at)
            VALUES (:app, :key, :hash, 'in_progress', :attempt, now(),
                now() + make_interval(secs => :ttl))
            ON CONFLICT (app_id, idempotency_key) DO UPDATE SET
                request_hash = EXCLUDED.request_hash, state = 'in_progress',
                attempt = EXCLUDED.attempt, created_at = EXCLUDED.created_at,
                expires_at = EXCLUDED.expires_at, completed_at = NULL, response_status = NULL,
                response_content_type = NULL, response_body = NULL
              WHERE idempotency_keys.expires_at <= now()
            RETURNING attempt""")
        .bind("app", appId).bind("key", key).bind("hash", requestHash).bind("attempt", attempt)
        .bind("ttl", (double) TTL.toSeconds())
        .mapTo(String.class).findOne()).isPresent();
  }

  /** The row of {@code key}, if any. */
  public Optional<Found> find(String appId, String key) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT request_hash, state, response_status, response_content_type, response_body,
                (extract(epoch FROM (now() - created_at)) * 1000)::bigint AS age_millis,
                expires_at <= now() AS expired
            FROM idempotency_keys WHERE app_id = :app AND idempotency_key = :key""")
        .bind("app", appId).bind("key", key)
        .map((rs, ctx) -> {
          boolean completed = "completed".equals(rs.getString("state"));
          return new Found(rs.getBytes("request_hash"), completed, rs.getLong("age_millis"),
              rs.getBoolean("expired"), completed ? new Stored(rs.getInt("response_status"),
                  rs.getString("response_content_type"), rs.getBytes("response_body")) : null);
        })
        .findOne());
  }

  /**
   * Stores the final response of the attempt that holds the key. False when it no longer holds it
   * (the row expired and another attempt took it over): nothing is written then.
   */
  public boolean complete(String appId, String key, String attempt, Stored response) {
    return jdbi.withHandle(h -> h.createUpdate("""
            UPDATE idempotency_keys SET state = 'completed', completed_at = now(),
                response_status = :status, response_content_type = :type, response_body = :body
            WHERE app_id = :app AND idempotency_key = :key AND attempt = :attempt
                AND state = 'in_progress'""")
        .bind("app", appId).bind("key", key).bind("attempt", attempt)
        .bind("status", response.status()).bind("type", response.contentType())
        .bind("body", response.body())
        .execute()) == 1;
  }

  /** Deletes the attempt's claim (its response was not final), so a retry runs again. */
  public void release(String appId, String key, String attempt) {
    jdbi.useHandle(h -> h.createUpdate("""
            DELETE FROM idempotency_keys WHERE app_id = :app AND idempotency_key = :key
                AND attempt = :attempt AND state = 'in_progress'""")
        .bind("app", appId).bind("key", key).bind("attempt", attempt).execute());
  }

  /** Deletes every expired row, in batches; returns how many. */
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
    return total;
  }
}
