package io.nitrosign.parent.idempotency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.db.Migrations;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sign-request state machine and the leases of idempotency keys on a real PostgreSQL, as the
 * service role runs them: who may take a lost attempt over, who may commit a success, and what the
 * database refuses. (The whole path, with real signatures and real crashes, is the devkit's
 * {@code SignRequestCrashEndToEndTest}.)
 */
class SignRequestsTest {

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static Jdbi owner;
  private static Jdbi service;
  private static String appId;

  @BeforeAll
  static void setUp() throws Exception {
    Migrations.migrate(DB.superuser(), TestPostgres.SERVICE_ROLE);
    owner = Jdbi.create(DB.superuser());
    appId = new AppManager(owner, new SecureRandom(), Clock.systemUTC(), new ObjectMapper())
        .create("sign requests", false).app().id();
    // the service's own role, with only the grants the migrations give it
    service = Jdbi.create(() -> DB.asServiceRole());
  }


  private static final byte[] HASH = new byte[32];

  private static IdempotencyClaim claim(IdempotencyStore store, String key, String host) {
    String attempt = UUID.randomUUID().toString();
    Instant created = store.claim(appId, key, HASH, attempt, host).orElseThrow();
    return new IdempotencyClaim(appId, key, created, attempt, host, null);
  }

  /** As if the holder's host had stopped renewing a second ago. */
  private static void lapse(String key) {
    assertEquals(1, (int) owner.withHandle(h -> h.createUpdate("UPDATE idempotency_keys"
            + " SET lease_until = now() - interval '1 second' WHERE idempotency_key = :k")
        .bind("k", key).execute()));
  }

  private static String state(String attempt) {
    return owner.withHandle(h -> h.createQuery("SELECT state || coalesce('/' || error_code, '')"
        + " FROM sign_requests WHERE attempt = :a").bind("a", attempt).mapTo(String.class)
        .findOne().orElse("none"));
  }

  private static long auditRows() {
    return owner.withHandle(h -> h.createQuery("SELECT count(*) FROM audit_log")
        .mapTo(Long.class).one());
  }

  private static AuditEvent signed(SignRequests.End end) {
    return new AuditEvent(appId, "wal_x", AuditEvent.WALLET_SIGN, Outcome.SUCCEEDED, null,
        "{\"method\":\"personal_sign\"}").ending(end);
  }

  private static SignRequests.End success(IdempotencyClaim c, String body) {
    return new SignRequests.End(c, "wal_x", "personal_sign", SignRequests.SUCCEEDED, null,
        new IdempotencyStore.Stored(200, "application/json",
            body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aLiveLeaseIsRenewedAndCannotBeTakenOver() throws Exception {
    IdempotencyStore store = new IdempotencyStore(service);
    IdempotencyClaim c = claim(store, "live-" + UUID.randomUUID(), "host-a");
    assertTrue(store.takeOver(appId, c.key(), HASH, c.attempt(), "b", "host-b").isEmpty());
    Instant before = leaseOf(c.key());
    IdempotencyLeases leases = new IdempotencyLeases(store);
    leases.hold(c.attempt());
    Thread.sleep(20);
    leases.renewNow();
    assertTrue(leaseOf(c.key()).isAfter(before), "renewed");
    IdempotencyStore.Found found = store.find(appId, c.key()).orElseThrow();
    assertFalse(found.leaseLapsed());
    assertEquals(c.attempt(), found.attempt());
    // once dropped (the response is out), nothing renews it
    leases.drop(c.attempt());
    assertEquals(0, leases.size());
  }

  private static Instant leaseOf(String key) {
    return owner.withHandle(h -> h.createQuery("SELECT lease_until FROM idempotency_keys"
            + " WHERE idempotency_key = :k").bind("k", key)
        .mapTo(java.time.OffsetDateTime.class).one().toInstant());
  }

  @Test
  void ofManyRetriesRacingForALostAttemptExactlyOneTakesItOver() throws Exception {
    IdempotencyStore store = new IdempotencyStore(service);
    IdempotencyClaim lost = claim(store, "race-" + UUID.randomUUID(), "dead-host");
    lapse(lost.key());
    assertTrue(store.find(appId, lost.key()).orElseThrow().leaseLapsed());
    int n = 12;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<Instant>>> tries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String mine = "retry-" + i;
      tries.add(pool.submit(() -> {
        go.await();
        return store.takeOver(appId, lost.key(), HASH, lost.attempt(), mine, "host-" + mine);
      }));
    }
    go.countDown();
    int won = 0;
    for (Future<Optional<Instant>> f : tries) {
      Optional<Instant> t = f.get();
      if (t.isPresent()) {
        won++;
        // the key's generation is kept across takeovers
        assertEquals(lost.keyCreatedAt(), t.get());
      }
    }
    pool.shutdownNow();
    assertEquals(1, won);
    assertFalse(store.find(appId, lost.key()).orElseThrow().leaseLapsed());
    // another request hash never takes it over
    lapse(lost.key());
    String holder = store.find(appId, lost.key()).orElseThrow().attempt();
    assertTrue(store.takeOver(appId, lost.key(), new byte[] {1}, holder, "x", "h").isEmpty());
  }

  @Test
  void onlyTheAttemptHoldingTheKeyCommitsASuccessAndTheDatabaseAllowsOnePerKey() {
    IdempotencyStore store = new IdempotencyStore(service);
    SignRequests states = new SignRequests(service);
    String key = "zombie-" + UUID.randomUUID();
    IdempotencyClaim zombie = claim(store, key, "slow-host");
    states.received(zombie, "wal_x");
    states.advance(zombie, SignRequests.AUTHORIZED, "personal_sign");
    states.advance(zombie, SignRequests.SIGNING, "personal_sign");
    assertEquals("signing", state(zombie.attempt()));

    // its lease lapses (the host stalled) and a retry takes over
    lapse(key);
    String retry = UUID.randomUUID().toString();
    Instant created = store.takeOver(appId, key, HASH, zombie.attempt(), retry, "other-host")
        .orElseThrow();
    IdempotencyClaim taken = new IdempotencyClaim(appId, key, created, retry, "other-host",
        zombie.attempt());
    assertEquals(Optional.of("signing"), states.markLost(zombie.attempt()));
    assertEquals("failed/attempt_lost", state(zombie.attempt()));
    states.received(taken, "wal_x");

    // the stalled attempt comes back with a signature: its row is refused, nothing is appended
    long rows = auditRows();
    assertThrows(SignRequests.AttemptLostException.class, () -> service.useTransaction(h ->
        new AuditStore(h, Clock.systemUTC()).appendAll(List.of(signed(success(zombie, "{}"))))));
    assertEquals(rows, auditRows());
    assertTrue(store.find(appId, key).orElseThrow().response() == null);

    // the attempt that holds the key commits: row, state and stored answer together
    List<Long> ids = service.inTransaction(h -> new AuditStore(h, Clock.systemUTC())
        .appendAll(List.of(signed(success(taken, "{\"ok\":1}")))));
    assertEquals(rows + 1, auditRows());
    assertEquals("succeeded", state(retry));
    assertEquals(ids.get(0), owner.withHandle(h -> h.createQuery(
        "SELECT audit_id FROM sign_requests WHERE attempt = :a").bind("a", retry)
        .mapTo(Long.class).one()));
    IdempotencyStore.Found done = store.find(appId, key).orElseThrow();
    assertTrue(done.completed());
    assertArrayEquals("{\"ok\":1}".getBytes(StandardCharsets.UTF_8), done.response().body());

    // a second success for the key, by any attempt, is refused by the unique index
    IdempotencyClaim third = new IdempotencyClaim(appId, key, created, "third", "h", null);
    assertThrows(UnableToExecuteStatementException.class, () -> service.useTransaction(h ->
        SignRequests.afterAppend(h, success(third, "{}"), ids.get(0))));
    // and a committed success is final: a late failure does not overwrite it
    service.useTransaction(h -> SignRequests.afterAppend(h, new SignRequests.End(taken, "wal_x",
        "personal_sign", SignRequests.FAILED, "internal_error", null), 0L));
    assertEquals("succeeded", state(retry));
  }

  @Test
  void refusalsAndFailuresEndTheAttemptWithTheirRow() {
    IdempotencyStore store = new IdempotencyStore(service);
    IdempotencyClaim c = claim(store, "refused-" + UUID.randomUUID(), "host-a");
    // a refusal before the attempt was even recorded as received still leaves its row
    service.useTransaction(h -> new AuditStore(h, Clock.systemUTC()).appendAll(List.of(
        new AuditEvent(appId, "wal_x", AuditEvent.WALLET_SIGN, Outcome.REJECTED, "policy_denied",
            "{}").ending(new SignRequests.End(c, "wal_x", "eth_signTransaction",
                SignRequests.REJECTED, "policy_denied", null)))));
    assertEquals("rejected/policy_denied", state(c.attempt()));
    assertThrows(IllegalArgumentException.class, () -> new SignRequests.End(c, "wal_x", "m",
        SignRequests.SUCCEEDED, null, null));
  }
}
