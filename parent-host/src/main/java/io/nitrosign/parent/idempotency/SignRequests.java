package io.nitrosign.parent.idempotency;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persisted state machine of a signing request that carries an idempotency key (V13
 * {@code sign_requests}, one row per attempt):
 *
 * <pre>
 *   received → authorized → signing → succeeded
 *       └──────────┴───────────┴─────→ failed | rejected
 * </pre>
 *
 * <p>What each step needs from the database, and gets:
 * <ul>
 *   <li>The claim of the key (V8, an INSERT committed on its own and decided by the primary key)
 *       is what keeps two attempts from running at once; its lease says whether the holder lives,
 *       and a takeover is one conditional UPDATE ({@link IdempotencyStore#takeOver}).
 *   <li>{@code received}, {@code authorized}, {@code signing}: one statement each, committed
 *       asynchronously ({@code synchronous_commit = off} for that transaction only). They record
 *       how far an attempt got, for the operator and for the {@code attempt_lost} audit row;
 *       nothing depends on them surviving a crash of the database.
 *   <li>{@code succeeded}: in the transaction of the succeeded audit row, with the key's stored
 *       response ({@link IdempotencyStore#complete(Handle, String, String, String,
 *       IdempotencyStore.Stored)}), conditional on the attempt still holding the key, and under the
 *       unique index that allows one success per key. Either all three commit, durably, or none
 *       does and the signature is withheld. READ COMMITTED is enough here: the conditional UPDATE
 *       locks the key's row, so a concurrent takeover either happened before (the UPDATE matches
 *       nothing) or waits for this commit (and then finds the key completed); the unique index
 *       settles whatever else could race.
 *   <li>{@code failed}, {@code rejected}: in the transaction of their audit row, never refused
 *       (a row that is already final is left alone).
 * </ul>
 */
public final class SignRequests {

  private static final Logger LOG = LoggerFactory.getLogger(SignRequests.class);

  public static final String RECEIVED = "received";
  public static final String AUTHORIZED = "authorized";
  public static final String SIGNING = "signing";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String REJECTED = "rejected";
  /** The error code of an attempt taken over after its lease lapsed. */
  public static final String ATTEMPT_LOST = "attempt_lost";

  private static final String NOT_FINAL = "('received', 'authorized', 'signing')";

  private final Jdbi jdbi;

  public SignRequests(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * How an attempt ends, written in the transaction of its audit row: {@code state} is
   * {@link #SUCCEEDED}, {@link #FAILED} or {@link #REJECTED}; {@code response} (succeeded only)
   * is the answer stored for the key in that same transaction.
   */
  public record End(IdempotencyClaim claim, String walletId, String method, String state,
      String errorCode, IdempotencyStore.Stored response) {
    public End {
      if (SUCCEEDED.equals(state) != (response != null)) {
        throw new IllegalArgumentException("a response is stored exactly when the attempt"
            + " succeeded");
      }
    }
  }

  /** The attempt's signature may not be released: it no longer holds its key. */
  public static final class AttemptLostException extends RuntimeException {
    AttemptLostException() {
      super("the attempt no longer holds its idempotency key", null, false, false);
    }
  }

  /** Records that the attempt reached its wallet ({@code received}). Best effort. */
  public void received(IdempotencyClaim claim, String walletId) {
    write("received", h -> h.createUpdate("""
            WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
            INSERT INTO sign_requests (attempt, app_id, idempotency_key, key_created_at,
                wallet_id, state, host, created_at, updated_at)
            SELECT :attempt, :app, :key, :created, :wallet, 'received', :host, now(), now()
            FROM async
            ON CONFLICT (attempt) DO NOTHING""")
        .bind("attempt", claim.attempt()).bind("app", claim.appId()).bind("key", claim.key())
        .bind("created", claim.keyCreatedAt().atOffset(java.time.ZoneOffset.UTC))
        .bind("wallet", walletId).bind("host", claim.host()).execute());
  }

  /** Moves the attempt on to {@code state} (authorized, signing). Best effort. */
  public void advance(IdempotencyClaim claim, String state, String method) {
    write(state, h -> h.createUpdate("""
            WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
            UPDATE sign_requests SET state = :state, method = coalesce(:method, method),
                updated_at = now()
            FROM async WHERE attempt = :attempt AND state IN""" + " " + NOT_FINAL)
        .bind("state", state).bind("method", method).bind("attempt", claim.attempt()).execute());
  }

  private void write(String step, java.util.function.Consumer<Handle> statement) {
    try {
      jdbi.useHandle(statement::accept);
    } catch (RuntimeException e) {
      // informational: the outcome is decided by the final, durable transition
      LOG.warn("could not record sign request state {}: {}", step, e.getClass().getName());
    }
  }

  /**
   * Marks {@code lostAttempt} failed ({@link #ATTEMPT_LOST}) when it has not ended, and returns
   * the state it was lost in (empty when it left no row, or had ended).
   */
  public Optional<String> markLost(String lostAttempt) {
    return jdbi.withHandle(h -> h.createQuery("""
            WITH old AS (SELECT attempt, state FROM sign_requests
                WHERE attempt = :attempt AND state IN""" + " " + NOT_FINAL + """
                 FOR UPDATE)
            UPDATE sign_requests s SET state = 'failed', error_code = :lost, updated_at = now()
            FROM old WHERE s.attempt = old.attempt RETURNING old.state""")
        .bind("attempt", lostAttempt).bind("lost", ATTEMPT_LOST)
        .mapTo(String.class).findOne());
  }

  /**
   * Before the audit row of {@code end} is inserted, inside its transaction: a succeeded attempt
   * stores its response for the key, which must still be its own.
   *
   * @throws AttemptLostException when the attempt no longer holds the key (it was taken over)
   */
  public static void beforeAppend(Handle h, End end) {
    if (SUCCEEDED.equals(end.state())) {
      IdempotencyClaim c = end.claim();
      if (!IdempotencyStore.complete(h, c.appId(), c.key(), c.attempt(), end.response())) {
        throw new AttemptLostException();
      }
    }
  }

  /**
   * After the audit row {@code auditId} of {@code end} is inserted, inside its transaction (or,
   * with {@code auditId} null, for an attempt that ends without a row): the attempt's final state. A succeeded attempt must make the transition (the unique index refuses
   * a second success for the key, which rolls the whole transaction back).
   */
  public static void afterAppend(Handle h, End end, Long auditId) {
    IdempotencyClaim c = end.claim();
    int n = h.createUpdate("""
            INSERT INTO sign_requests (attempt, app_id, idempotency_key, key_created_at,
                wallet_id, method, state, host, error_code, audit_id, created_at, updated_at)
            VALUES (:attempt, :app, :key, :created, :wallet, :method, :state, :host, :error,
                :audit, now(), now())
            ON CONFLICT (attempt) DO UPDATE SET state = EXCLUDED.state,
                method = coalesce(EXCLUDED.method, sign_requests.method),
                error_code = EXCLUDED.error_code, audit_id = EXCLUDED.audit_id,
                updated_at = EXCLUDED.updated_at
              WHERE sign_requests.state IN""" + " " + NOT_FINAL)
        .bind("attempt", c.attempt()).bind("app", c.appId()).bind("key", c.key())
        .bind("created", c.keyCreatedAt().atOffset(java.time.ZoneOffset.UTC))
        .bind("wallet", end.walletId()).bind("method", end.method()).bind("state", end.state())
        .bind("host", c.host()).bind("error", end.errorCode()).bind("audit", auditId)
        .execute();
    if (n != 1 && SUCCEEDED.equals(end.state())) {
      throw new AttemptLostException();
    }
  }
}
