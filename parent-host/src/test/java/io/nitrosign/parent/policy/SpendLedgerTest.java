package io.nitrosign.parent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditWriter;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.auth.MutableClock;
import io.nitrosign.parent.db.Migrations;
import io.nitrosign.policy.Aggregation;
import io.nitrosign.policy.Policy;
import io.nitrosign.policy.PolicyParser;
import io.nitrosign.policy.PolicyRequest;
import io.nitrosign.policy.payload.EthTransactionPayload;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The spending ledger against a real PostgreSQL server, as the service role: a cap is reached and
 * holds, the window rolls, a signature that did not happen does not count, a reservation that
 * lapsed is not committed (and its audit row not written), and concurrent deciders on separate
 * connection pools never exceed the cap.
 */
class SpendLedgerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BigInteger ETH = BigInteger.TEN.pow(18);
  private static final String APP = "app_spend_ledger";
  /** Aggregation ids are 24 lower-case letters and digits, as the API makes them. */
  private static final String AGGREGATION = "aggvalueperhour000000001";

  private static TestPostgres.Db db;
  private static Jdbi jdbi;
  private static Jdbi superuser;

  private MutableClock clock;
  private AuditWriter writer;
  private String wallet;
  private int walletCounter;

  @BeforeAll
  static void database() {
    db = TestPostgres.newDatabase();
    Migrations.migrate(db.superuser(), TestPostgres.SERVICE_ROLE);
    superuser = Jdbi.create(db.superuser());
    jdbi = Jdbi.create(db.url(), TestPostgres.SERVICE_ROLE, TestPostgres.SERVICE_PASSWORD);
    superuser.useHandle(h -> h.execute("INSERT INTO apps (id, name, secret_salt, secret_hash,"
        + " created_at) VALUES (?, 'ledger', ?, ?, now())", APP, new byte[16], new byte[32]));
  }

  @BeforeEach
  void freshWallet() {
    clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    writer = new AuditWriter(jdbi, clock, new io.nitrosign.parent.audit.AuditChainName("host-a"));
    wallet = "wallet_ledger_" + (++walletCounter) + "_" + System.nanoTime();
    superuser.useHandle(h -> h.execute("INSERT INTO wallets (id, app_id, chain_type, curve,"
        + " public_key, address, key_version, created_at) VALUES (?, ?, 'ethereum', 'secp256k1',"
        + " ?, '0x0000000000000000000000000000000000000001', 1, now())", wallet, APP,
        new byte[65]));
  }

  @AfterEach
  void stopWriter() throws InterruptedException {
    writer.stop();
  }

  // ----------------------------------------------------------------------------------- tests

  @Test
  void theCapIsReachedAndHolds() {
    SpendLedger ledger = ledger(jdbi);
    List<Policy> cap = capPolicy(ETH.multiply(BigInteger.valueOf(3)));
    for (int i = 0; i < 3; i++) {
      SpendLedger.Result r = ledger.decide(APP, wallet, cap, request(ETH));
      assertTrue(r.decision().allowed(), "request " + i + " is within the cap");
      assertNotNull(r.reservation());
      signed(r);
    }
    SpendLedger.Result fourth = ledger.decide(APP, wallet, cap, request(ETH));
    assertFalse(fourth.decision().allowed(), "4 ETH would exceed the 3 ETH cap");
    assertNull(fourth.reservation(), "a denied request reserves nothing");
    // a smaller amount that still fits is not what this cap allows either (exactly 3 ETH spent)
    assertFalse(ledger.decide(APP, wallet, cap, request(BigInteger.ONE)).decision().allowed());
    assertEquals(ETH.multiply(BigInteger.valueOf(3)), committedTotal(wallet));
    assertEquals(3, entries(wallet, "committed"));
    assertEquals(0, entries(wallet, "reserved"));
  }

  @Test
  void entriesLeaveTheWindowAfterItsSeconds() {
    SpendLedger ledger = ledger(jdbi);
    List<Policy> cap = capPolicy(ETH.multiply(BigInteger.TWO));
    signed(ledger.decide(APP, wallet, cap, request(ETH)));
    clock.advance(Duration.ofMinutes(30));
    signed(ledger.decide(APP, wallet, cap, request(ETH)));
    assertFalse(ledger.decide(APP, wallet, cap, request(ETH)).decision().allowed());
    // the first entry is 1 h + 1 s old: outside the window; the second is not
    clock.advance(Duration.ofMinutes(30).plusSeconds(1));
    SpendLedger.Result again = ledger.decide(APP, wallet, cap, request(ETH));
    assertTrue(again.decision().allowed(), "the first ETH left the 1 h window");
    signed(again);
    assertFalse(ledger.decide(APP, wallet, cap, request(ETH)).decision().allowed());
  }

  @Test
  void aSignatureThatDidNotHappenDoesNotCount() {
    SpendLedger ledger = ledger(jdbi);
    List<Policy> cap = capPolicy(ETH);
    SpendLedger.Result first = ledger.decide(APP, wallet, cap, request(ETH));
    assertTrue(first.decision().allowed());
    // while the first request is being signed its reservation counts
    assertFalse(ledger.decide(APP, wallet, cap, request(ETH)).decision().allowed(),
        "a pending reservation counts toward the cap");
    // the enclave refused (or failed): released, and the cap is free again
    ledger.release(first.reservation());
    assertEquals(0, entries(wallet, "reserved"));
    SpendLedger.Result second = ledger.decide(APP, wallet, cap, request(ETH));
    assertTrue(second.decision().allowed(), "a refused signature does not count");
    signed(second);
    assertEquals(ETH, committedTotal(wallet));
    // releasing a reservation that was committed changes nothing
    ledger.release(second.reservation());
    assertEquals(ETH, committedTotal(wallet));
  }

  @Test
  void aLapsedReservationIsNotCommittedAndItsAuditRowNotWritten() {
    SpendLedger ledger = ledger(jdbi);
    List<Policy> cap = capPolicy(ETH);
    SpendLedger.Result r = ledger.decide(APP, wallet, cap, request(ETH));
    assertTrue(r.decision().allowed());
    clock.advance(SpendLedger.RESERVATION_TTL.plusSeconds(1));
    // the expired reservation no longer counts for others...
    SpendLedger.Result other = ledger.decide(APP, wallet, cap, request(ETH));
    assertTrue(other.decision().allowed(), "an expired reservation stops counting");
    // ...so the late signature must not be committed on top of it
    AuditEvent late = new AuditEvent(APP, wallet, AuditEvent.WALLET_SIGN, Outcome.SUCCEEDED,
        null, "{\"method\":\"eth_signTransaction\",\"late\":true}", r.reservation());
    assertThrows(AuditWriter.AuditUnavailableException.class,
        () -> writer.appendDurably(late, Duration.ofSeconds(30)));
    assertEquals(0L, (long) jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM audit_log"
        + " WHERE wallet_id = :w AND detail LIKE '%late%'").bind("w", wallet)
        .mapTo(Long.class).one()), "no audit row for a withheld signature");
    signed(other);
    assertEquals(ETH, committedTotal(wallet), "only the signature within its reservation counts");
  }

  @Test
  void aBatchWithOneLapsedReservationCommitsTheOthers() throws Exception {
    SpendLedger ledger = ledger(jdbi);
    List<Policy> cap = capPolicy(ETH.multiply(BigInteger.TEN));
    SpendLedger.Result stale = ledger.decide(APP, wallet, cap, request(ETH));
    clock.advance(SpendLedger.RESERVATION_TTL.plusSeconds(1));
    List<SpendLedger.Result> fresh = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      fresh.add(ledger.decide(APP, wallet, cap, request(ETH)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Long>> results = new ArrayList<>();
      results.add(pool.submit(() -> writer.appendDurably(event(stale), Duration.ofSeconds(30))));
      for (SpendLedger.Result f : fresh) {
        results.add(pool.submit(() -> writer.appendDurably(event(f), Duration.ofSeconds(30))));
      }
      assertThrows(Exception.class, () -> results.get(0).get());
      for (int i = 1; i < results.size(); i++) {
        assertTrue(results.get(i).get() > 0);
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(ETH.multiply(BigInteger.valueOf(5)), committedTotal(wallet));
  }

  @Test
  void aRequestNoAggregationMeasuresTouchesNoLedgerRow() {
    SpendLedger ledger = ledger(jdbi);
    // the aggregation measures eth_signTransaction; personal_sign is outside it
    Policy anyMethod = PolicyParser.policy("pol_any", json("""
        {"version":"1.0","name":"any","chain_type":"ethereum","rules":[
          {"name":"all","method":"*","conditions":[],"action":"ALLOW"}]}"""), () -> "rule_any");
    SpendLedger.Result r = ledger.decide(APP, wallet, List.of(anyMethod), new PolicyRequest(
        "personal_sign", "ethereum", io.nitrosign.policy.payload.MessagePayload.of(
            "hi".getBytes(java.nio.charset.StandardCharsets.UTF_8)), clock.instant().getEpochSecond()));
    assertTrue(r.decision().allowed());
    assertNull(r.reservation());
    assertEquals(0L, (long) jdbi.withHandle(h -> h.createQuery(
        "SELECT count(*) FROM policy_spend_locks WHERE wallet_id = :w").bind("w", wallet)
        .mapTo(Long.class).one()));
  }

  /**
   * Two ledgers, each on its own connection pool (as two parent hosts), 40 concurrent requests of
   * 1 ETH against a 7 ETH cap: exactly 7 are allowed, and what is committed never exceeds the cap.
   */
  @Test
  void concurrentDecidersOnTwoPoolsNeverExceedTheCap() throws Exception {
    int requests = 40;
    int allowedCount = 7;
    BigInteger capValue = ETH.multiply(BigInteger.valueOf(allowedCount));
    List<Policy> cap = capPolicy(capValue);
    SpendLedger hostA = ledger(jdbi);
    SpendLedger hostB = ledger(Jdbi.create(db.url(), TestPostgres.SERVICE_ROLE,
        TestPostgres.SERVICE_PASSWORD));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger allowed = new AtomicInteger();
    List<Future<Boolean>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < requests; i++) {
        SpendLedger host = i % 2 == 0 ? hostA : hostB;
        Callable<Boolean> task = () -> {
          start.await();
          SpendLedger.Result r = host.decide(APP, wallet, cap, request(ETH));
          if (r.decision().allowed()) {
            allowed.incrementAndGet();
            writer.appendDurably(event(r), Duration.ofSeconds(30));
          }
          return r.decision().allowed();
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Boolean> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(allowedCount, allowed.get());
    assertEquals(capValue, committedTotal(wallet));
    assertEquals(allowedCount, entries(wallet, "committed"));
  }

  // --------------------------------------------------------------------------------- helpers

  private SpendLedger ledger(Jdbi on) {
    Aggregation agg = PolicyParser.aggregation(AGGREGATION, json("""
        {"name":"eth value per hour","method":"eth_signTransaction",
         "metric":{"field_source":"ethereum_transaction","field":"value","function":"sum"},
         "window":{"type":"rolling","seconds":3600}}"""));
    return new SpendLedger(on, clock, h -> new FixedReads(List.of(agg)));
  }

  /** ALLOW eth_signTransaction while the hour's total, this request included, is at most cap. */
  private static List<Policy> capPolicy(BigInteger cap) {
    return List.of(PolicyParser.policy("pol_cap", json("""
        {"version":"1.0","name":"hourly cap","chain_type":"ethereum","rules":[
          {"name":"under the cap","method":"eth_signTransaction","conditions":[
            {"field_source":"reference","field":"aggregation.%s","operator":"lte","value":"%s"}],
           "action":"ALLOW"}]}""".formatted(AGGREGATION, cap)), () -> "rule_cap"));
  }

  private PolicyRequest request(BigInteger value) {
    EthTransactionPayload tx = new EthTransactionPayload("json", 2, BigInteger.ONE,
        BigInteger.ZERO, "0x000000000000000000000000000000000000dEaD", value,
        BigInteger.valueOf(21_000), null, BigInteger.TEN.pow(10), BigInteger.ONE, null, 0,
        BigInteger.valueOf(21_000).multiply(BigInteger.TEN.pow(10)), new byte[0], 0, List.of(),
        new HashMap<>());
    return new PolicyRequest("eth_signTransaction", "ethereum", tx,
        clock.instant().getEpochSecond());
  }

  private AuditEvent event(SpendLedger.Result r) {
    return new AuditEvent(APP, wallet, AuditEvent.WALLET_SIGN, Outcome.SUCCEEDED, null,
        "{\"method\":\"eth_signTransaction\"}", r.reservation());
  }

  /** What the parent does after the enclave signed: the audit row commits the reservation. */
  private void signed(SpendLedger.Result r) {
    assertTrue(r.decision().allowed());
    writer.appendDurably(event(r), Duration.ofSeconds(30));
  }

  private static BigInteger committedTotal(String walletId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT coalesce(sum(amount), 0) FROM"
        + " policy_spend_entries WHERE wallet_id = :w AND state = 'committed'")
        .bind("w", walletId).mapTo(BigDecimal.class).one()).toBigIntegerExact();
  }

  private static int entries(String walletId, String state) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM policy_spend_entries"
        + " WHERE wallet_id = :w AND state = :s").bind("w", walletId).bind("s", state)
        .mapTo(Integer.class).one());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String text) {
    try {
      return JSON.readValue(text, Map.class);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The policy store's reads, for a ledger test: the aggregations given, no condition sets. */
  private record FixedReads(List<Aggregation> aggregations) implements PolicyReads {
    @Override
    public List<Policy> policiesOfWallet(String walletId) {
      return List.of();
    }

    @Override
    public List<Policy> policies(List<String> ids) {
      return List.of();
    }

    @Override
    public boolean inConditionSet(String conditionSetId, String normalizedValue) {
      return false;
    }

    @Override
    public List<Aggregation> aggregationsOf(String appId) {
      return aggregations;
    }
  }
}
