package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.AuditWriter;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.db.Migrations;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Group commit of audit rows against a real PostgreSQL server. */
class AuditWriterTest {

  private static Jdbi jdbi;
  private static AuditWriter writer;

  @BeforeAll
  static void setUp() {
    TestPostgres.Db db = TestPostgres.newDatabase();
    Migrations.migrate(db.superuser(), db.user());
    jdbi = Jdbi.create(db.superuser());
    writer = new AuditWriter(jdbi, Clock.systemUTC(),
        new io.nitrosign.parent.audit.AuditChainName("host-a"));
  }

  @AfterAll
  static void tearDown() throws InterruptedException {
    writer.stop();
  }

  private static AuditEvent event(String walletId) {
    return new AuditEvent("app-writer", walletId, AuditEvent.WALLET_SIGN, Outcome.SUCCEEDED, null,
        "{\"method\":\"personal_sign\"}");
  }

  @Test
  void concurrentAppendsAllCommitOnceAndKeepTheChainIntact() throws Exception {
    int threads = 32;
    int perThread = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    ConcurrentLinkedQueue<Long> ids = new ConcurrentLinkedQueue<>();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      futures.add(pool.submit(() -> {
        for (int i = 0; i < perThread; i++) {
          ids.add(writer.appendDurably(event("w-" + id + "-" + i), Duration.ofSeconds(30)));
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    Set<Long> unique = new HashSet<>(ids);
    assertEquals(threads * perThread, unique.size(), "every append got its own committed row");
    long committed = jdbi.withHandle(h -> h.createQuery(
        "SELECT count(*) FROM audit_log WHERE app_id = 'app-writer' AND wallet_id LIKE 'w-%'")
        .mapTo(Long.class).one());
    assertEquals(threads * perThread, committed);
    assertTrue(jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).verify()).firstBrokenId().isEmpty(),
        "the hash chain links every row");
  }

  @Test
  void aRowTheDatabaseRefusesFailsAloneAndIsReported() throws Exception {
    jdbi.useHandle(h -> h.execute("ALTER TABLE audit_log ADD CONSTRAINT writer_test_refuse"
        + " CHECK (wallet_id IS DISTINCT FROM 'refused') NOT VALID"));
    try {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Long>> good = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = i;
        good.add(pool.submit(() -> writer.appendDurably(event("ok-" + n), Duration.ofSeconds(30))));
      }
      assertThrows(AuditWriter.AuditUnavailableException.class,
          () -> writer.appendDurably(event("refused"), Duration.ofSeconds(30)));
      for (Future<Long> f : good) {
        assertTrue(f.get() > 0);
      }
      pool.shutdown();
    } finally {
      jdbi.useHandle(h -> h.execute("ALTER TABLE audit_log DROP CONSTRAINT writer_test_refuse"));
    }
    assertTrue(jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).verify()).firstBrokenId().isEmpty());
  }
}
