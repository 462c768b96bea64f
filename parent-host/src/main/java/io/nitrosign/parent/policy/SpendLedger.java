package io.nitrosign.parent.policy;

import io.nitrosign.policy.Aggregation;
import io.nitrosign.policy.Decision;
import io.nitrosign.policy.Policy;
import io.nitrosign.policy.PolicyContext;
import io.nitrosign.policy.PolicyEngine;
import io.nitrosign.policy.PolicyRequest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running totals behind spending limits (aggregations), kept in PostgreSQL so that they hold
 * across concurrent requests and across every parent host of a deployment. Privy updates totals
 * only after a signature and lets concurrent requests overshoot; here a request that an
 * aggregation measures is decided under that aggregation's lock and reserves its amount before
 * the lock is released, so the next request, on whichever host, counts it.
 *
 * <p>One transaction per request ({@link #decide}): for every aggregation of the app that
 * measures the request ({@link PolicyEngine#measure}), in a fixed order (aggregation id, then
 * group key), the key's lock row is made if missing ({@code INSERT ... ON CONFLICT DO NOTHING})
 * and locked ({@code SELECT ... FOR UPDATE}); under the locks the window totals are read
 * (committed entries inside the window and reservations not yet expired) and the request's own
 * amount added; the policies are evaluated with those totals; an allowed request inserts one
 * reservation per key (counted until {@link #RESERVATION_TTL} from now); a denied one inserts
 * nothing. The isolation level is READ COMMITTED: each statement after the lock sees everything
 * the previous holder committed, which is all the lock has to guarantee.
 *
 * <p>After the enclave has signed, the reservation becomes committed in the transaction that
 * appends the succeeded audit row ({@link #commitReserved}, called by the audit store); if it has
 * expired or vanished meanwhile, that transaction fails and the signature is withheld. A refused
 * or failed signature deletes its reservation ({@link #release}, best effort: expiry covers a
 * crash). Deadlocks and serialization failures (SQLState 40P01, 40001) are retried a few times.
 *
 * <p>Times come from the parent host's clock; hosts sharing a database are expected to keep
 * their clocks in step (NTP), as the window and the reservation expiry compare times written by
 * one host with times read by another.
 */
public final class SpendLedger {

  private static final Logger LOG = LoggerFactory.getLogger(SpendLedger.class);

  /** How long an allowed request's reservation counts without being committed. */
  public static final Duration RESERVATION_TTL = Duration.ofSeconds(60);
  /**
   * Committed entries older than this are deleted when their key is next locked: the longest
   * window Privy allows (3 days), so no window ever misses an entry.
   */
  static final Duration RETENTION = Duration.ofSeconds(259_200);
  /** Attempts of a transaction that PostgreSQL aborted as a deadlock or serialization failure. */
  static final int ATTEMPTS = 5;

  /** One running total: an aggregation's, for one wallet and one group. */
  public record Key(String aggregationId, String walletId, String groupKey) {
    static final Comparator<Key> ORDER = Comparator.comparing(Key::aggregationId)
        .thenComparing(Key::walletId).thenComparing(Key::groupKey);
  }

  /**
   * What an allowed request reserved: the keys (to lock when committing) and the entry ids.
   * Committed with the succeeded audit row, or released.
   */
  public record Reservation(List<Key> keys, List<Long> entryIds) {
    public Reservation {
      keys = List.copyOf(keys);
      entryIds = List.copyOf(entryIds);
    }
  }

  /** The decision, and the reservation an allowed request holds (null when it holds none). */
  public record Result(Decision decision, Reservation reservation) {}

  /** A reservation that could not be committed: it expired or was removed. */
  public static final class ReservationLapsedException extends RuntimeException {
    ReservationLapsedException() {
      super("spending reservation expired before its signature was audited", null, false, false);
    }
  }

  private record Measured(Key key, BigInteger amount) {}

  private final Jdbi jdbi;
  private final Clock clock;
  private final Function<Handle, PolicyReads> stores;

  public SpendLedger(Jdbi jdbi, Clock clock, Function<Handle, PolicyReads> stores) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.stores = stores;
  }

  /**
   * Decides {@code request} for wallet {@code walletId} of app {@code appId} under
   * {@code policies} (which reference at least one aggregation; others need no ledger), and
   * reserves the request's amounts if it is allowed. One transaction.
   */
  public Result decide(String appId, String walletId, List<Policy> policies, PolicyRequest request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED,
            h -> decide(h, appId, walletId, policies, request, true));
      } catch (RuntimeException e) {
        if (attempt >= ATTEMPTS || !retryable(e)) {
          throw e;
        }
        LOG.info("spend ledger: transaction aborted ({}), attempt {} of {}", sqlState(e),
            attempt, ATTEMPTS);
      }
    }
  }

  /**
   * The decision a request would get now, with the current totals, without locking or reserving
   * anything (the dry run): a concurrent request may change it.
   */
  public Decision preview(String appId, String walletId, List<Policy> policies,
      PolicyRequest request) {
    return jdbi.withHandle(h -> decide(h, appId, walletId, policies, request, false)).decision();
  }

  private Result decide(Handle h, String appId, String walletId, List<Policy> policies,
      PolicyRequest request, boolean reserve) {
    PolicyReads store = stores.apply(h);
    PolicyContext sets = conditionSets(store, Map.of());
    List<Measured> measured = new ArrayList<>();
    Map<String, Long> windows = new HashMap<>();
    for (Aggregation a : store.aggregationsOf(appId)) {
      Optional<PolicyEngine.Measurement> m = PolicyEngine.measure(a, request, sets);
      if (m.isPresent()) {
        measured.add(new Measured(new Key(a.id(), walletId, m.get().groupKey()),
            m.get().amount()));
        windows.put(a.id(), a.windowSeconds());
      }
    }
    measured.sort(Comparator.comparing(Measured::key, Key.ORDER));
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Map<String, BigInteger> totals = new HashMap<>();
    for (Measured m : measured) {
      if (reserve) {
        lock(h, m.key());
        prune(h, m.key(), now);
      }
      Instant from = now.minusSeconds(windows.get(m.key().aggregationId()));
      totals.put(m.key().aggregationId(), windowTotal(h, m.key(), from, now).add(m.amount()));
    }
    Decision decision = PolicyEngine.evaluate(policies, request, conditionSets(store, totals));
    if (!reserve || !decision.allowed() || measured.isEmpty()) {
      return new Result(decision, null);
    }
    Instant until = now.plus(RESERVATION_TTL);
    List<Long> ids = new ArrayList<>();
    for (Measured m : measured) {
      ids.add(h.createQuery("INSERT INTO policy_spend_entries (aggregation_id, wallet_id,"
              + " group_key, amount, at, state, reserved_until) VALUES (:a, :w, :g, :amount, :at,"
              + " 'reserved', :until) RETURNING id")
          .bind("a", m.key().aggregationId()).bind("w", m.key().walletId())
          .bind("g", m.key().groupKey()).bind("amount", new BigDecimal(m.amount()))
          .bind("at", utc(now)).bind("until", utc(until))
          .mapTo(Long.class).one());
    }
    return new Result(decision, new Reservation(measured.stream().map(Measured::key).toList(),
        ids));
  }

  /** Condition-set lookups on the ledger's handle; aggregation totals from {@code totals}. */
  private static PolicyContext conditionSets(PolicyReads store, Map<String, BigInteger> totals) {
    return new PolicyContext() {
      @Override
      public boolean inConditionSet(String conditionSetId, String value) {
        return store.inConditionSet(conditionSetId, value);
      }

      @Override
      public BigInteger aggregationTotal(String aggregationId) {
        return totals.get(aggregationId);
      }
    };
  }

  private static void lock(Handle h, Key k) {
    h.createUpdate("INSERT INTO policy_spend_locks (aggregation_id, wallet_id, group_key)"
            + " VALUES (:a, :w, :g) ON CONFLICT DO NOTHING")
        .bind("a", k.aggregationId()).bind("w", k.walletId()).bind("g", k.groupKey()).execute();
    h.createQuery("SELECT 1 FROM policy_spend_locks WHERE aggregation_id = :a AND wallet_id = :w"
            + " AND group_key = :g FOR UPDATE")
        .bind("a", k.aggregationId()).bind("w", k.walletId()).bind("g", k.groupKey())
        .mapTo(Integer.class).one();
  }

  /** Deletes what no window counts any more: lapsed reservations, entries past retention. */
  private static void prune(Handle h, Key k, Instant now) {
    h.createUpdate("DELETE FROM policy_spend_entries WHERE aggregation_id = :a AND wallet_id = :w"
            + " AND group_key = :g AND ((state = 'reserved' AND reserved_until <= :now)"
            + " OR at <= :retained)")
        .bind("a", k.aggregationId()).bind("w", k.walletId()).bind("g", k.groupKey())
        .bind("now", utc(now)).bind("retained", utc(now.minus(RETENTION))).execute();
  }

  private static BigInteger windowTotal(Handle h, Key k, Instant from, Instant now) {
    BigDecimal sum = h.createQuery("SELECT coalesce(sum(amount), 0) FROM policy_spend_entries"
            + " WHERE aggregation_id = :a AND wallet_id = :w AND group_key = :g AND at > :from"
            + " AND (state = 'committed' OR reserved_until > :now)")
        .bind("a", k.aggregationId()).bind("w", k.walletId()).bind("g", k.groupKey())
        .bind("from", utc(from)).bind("now", utc(now))
        .mapTo(BigDecimal.class).one();
    return sum.toBigIntegerExact();
  }

  /**
   * Turns reservations into committed entries, inside the caller's transaction (the audit row's).
   * The keys are locked {@code FOR KEY SHARE} first, in the ledger's order: a request being
   * decided for the same key finishes first, so no reservation can lapse between a decider's
   * read of the totals and this commit unnoticed by either.
   *
   * @throws ReservationLapsedException when an entry is no longer an unexpired reservation at
   *     {@code now}; the transaction must roll back
   */
  public static void commitReserved(Handle h, Instant now, List<Reservation> reservations) {
    TreeSet<Key> keys = new TreeSet<>(Key.ORDER);
    reservations.forEach(r -> keys.addAll(r.keys()));
    for (Key k : keys) {
      h.createQuery("SELECT 1 FROM policy_spend_locks WHERE aggregation_id = :a"
              + " AND wallet_id = :w AND group_key = :g FOR KEY SHARE")
          .bind("a", k.aggregationId()).bind("w", k.walletId()).bind("g", k.groupKey())
          .mapTo(Integer.class).findOne();
    }
    for (Reservation r : reservations) {
      int updated = h.createUpdate("UPDATE policy_spend_entries SET state = 'committed',"
              + " reserved_until = NULL WHERE id = ANY(:ids) AND state = 'reserved'"
              + " AND reserved_until > :now")
          .bindArray("ids", Long.class, r.entryIds())
          .bind("now", utc(now.truncatedTo(ChronoUnit.MICROS))).execute();
      if (updated != r.entryIds().size()) {
        throw new ReservationLapsedException();
      }
    }
  }

  /**
   * Deletes the reservation of a request that was not signed (refused, failed, or its audit row
   * was not written). Best effort: a failure is logged, and the reservation stops counting when
   * it expires. A reservation already committed stays.
   */
  public void release(Reservation r) {
    if (r == null) {
      return;
    }
    try {
      jdbi.useHandle(h -> h.createUpdate("DELETE FROM policy_spend_entries WHERE id = ANY(:ids)"
              + " AND state = 'reserved'")
          .bindArray("ids", Long.class, r.entryIds()).execute());
    } catch (RuntimeException e) {
      LOG.warn("spend ledger: releasing a reservation failed ({}); it lapses in {} s",
          e.getClass().getName(), RESERVATION_TTL.toSeconds());
    }
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  private static boolean retryable(Throwable e) {
    String state = sqlState(e);
    return "40001".equals(state) || "40P01".equals(state);
  }

  private static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return s.getSQLState();
      }
    }
    return null;
  }
}
