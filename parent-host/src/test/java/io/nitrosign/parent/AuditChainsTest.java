package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.parent.audit.AuditChain;
import io.nitrosign.parent.audit.AuditChainName;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.AuditVerifier;
import io.nitrosign.parent.audit.AuditWriter;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.db.Migrations;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One hash chain per parent host (V14, {@link AuditChainName}): chains interleaved by id verify
 * each on its own, a row moved to another chain is caught, a log written before per-host chains
 * (the legacy chain, hashed with version 1) still verifies with the chains that follow it, and two
 * hosts' group-commit writers appending at once leave two intact chains.
 */
class AuditChainsTest {

  private static final AuditChainName A = new AuditChainName("parent-host");
  private static final AuditChainName B = new AuditChainName("parent-host-2");

  private TestPostgres.Db db;
  private Jdbi owner;

  @BeforeEach
  void freshDatabase() {
    db = TestPostgres.newDatabase();
    owner = Jdbi.create(db.superuser());
  }

  private void migrate() {
    Migrations.migrate(db.superuser(), TestPostgres.SERVICE_ROLE);
  }

  private Jdbi service() {
    return Jdbi.create(db.url(), TestPostgres.SERVICE_ROLE, TestPostgres.SERVICE_PASSWORD);
  }

  private static AuditEvent event(String n) {
    return new AuditEvent("app1", "wallet1", AuditEvent.WALLET_SIGN, Outcome.SUCCEEDED, null,
        "{\"method\":\"personal_sign\",\"n\":\"" + n + "\"}");
  }

  private List<Long> append(Jdbi jdbi, AuditChainName chain, String... names) {
    List<AuditEvent> events = new ArrayList<>();
    for (String n : names) {
      events.add(event(n));
    }
    return jdbi.inTransaction(h -> new AuditStore(h, Clock.systemUTC(), chain).appendAll(events));
  }

  private AuditVerifier.Report walk() throws Exception {
    try (Connection c = db.asServiceRole()) {
      return AuditVerifier.verify(c);
    }
  }

  private List<AuditRow> rows() {
    return owner.withHandle(h -> new AuditStore(h, Clock.systemUTC(), A).all());
  }

  @Test
  void theCanonicalEncodingsHashAsDocumented() {
    // vectors computed outside Java from the encoding in AuditChain's class comment
    Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");
    byte[] prev = new byte[32];
    java.util.Arrays.fill(prev, (byte) 0x11);
    assertEquals("41a7402f4cc180a1120443c850d9606cd13959baff2f62a6e8cfef78f96ce0fb",
        HexFormat.of().formatHex(AuditChain.rowHash(prev, AuditChain.LEGACY, 7, at, "app1", null,
            "wallet.sign", "succeeded", null, "{\"n\":1}")), "version 1, as before chains");
    assertEquals("aba1267950ee02bb979283d395a4b60c8e7eb39e359e64e59c9f7f99bbe21d51",
        HexFormat.of().formatHex(AuditChain.rowHash(prev, "host-a", 7, at, "app1", null,
            "wallet.sign", "succeeded", null, "{\"n\":1}")), "version 2 binds the chain");
  }

  @Test
  void chainNamesAreValidatedAndTheirLocksAreTheirOwn() {
    for (String bad : new String[] {"", "a b", "x".repeat(65), "ä", "a/b", "a;drop"}) {
      assertThrows(IllegalArgumentException.class, () -> new AuditChainName(bad), bad);
    }
    assertEquals("x".repeat(64), new AuditChainName("x".repeat(64)).value());
    assertTrue(AuditChainName.isValid(AuditChainName.ofHost().value()));
    assertNotEquals(A.lockKey(), B.lockKey());
    // the other advisory locks in the code: sealing-key provisioning ("nssk") and the single
    // chain's former append lock ("nsau")
    for (long other : new long[] {0x6e73736bL, 0x6e736175L}) {
      assertNotEquals(other, A.lockKey());
      assertNotEquals(other, B.lockKey());
    }
  }

  @Test
  void twoChainsInterleavedByIdVerifyEachOnItsOwn() throws Exception {
    migrate();
    Jdbi service = service();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.addAll(append(service, A, "a" + i + "x", "a" + i + "y"));
      ids.addAll(append(service, B, "b" + i));
    }
    List<AuditRow> rows = rows();
    assertEquals(15, rows.size());
    // each chain starts at the genesis and links to its own previous row, not the log's
    AuditRow firstB = rows.stream().filter(r -> r.chain().equals(B.value())).findFirst()
        .orElseThrow();
    assertEquals(3, firstB.id());
    assertTrue(java.util.Arrays.equals(AuditChain.GENESIS, firstB.prevHash()));
    AuditRow secondA = rows.get(1);
    assertTrue(java.util.Arrays.equals(rows.get(0).rowHash(), secondA.prevHash()));
    AuditRow thirdA = rows.get(3);
    assertEquals(A.value(), thirdA.chain());
    assertTrue(java.util.Arrays.equals(secondA.rowHash(), thirdA.prevHash()),
        "row 4 links over host-b's row 3 to row 2");

    AuditVerifier.Report r = walk();
    assertTrue(r.intact(), r.toString());
    assertEquals(15, r.rows());
    assertEquals(0, r.skippedIds());
    assertEquals(List.of(A.value(), B.value()), r.chains().stream()
        .map(AuditVerifier.ChainSummary::chain).toList());
    assertEquals(10, r.chains().get(0).rows());
    assertEquals(5, r.chains().get(1).rows());
    assertEquals(14, r.chains().get(0).lastId());
    assertEquals(15, r.chains().get(1).lastId());
    assertTrue(AuditChain.verify(rows).intact());

    // a row removed from the middle of host-a's chain is a gap of host-a's chain
    owner.useTransaction(h -> {
      h.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
      h.execute("DELETE FROM audit_log WHERE id = 5");
      h.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete");
    });
    AuditVerifier.Report gap = walk();
    AuditVerifier.Break b = gap.firstBreak().orElseThrow();
    assertEquals(7, b.id());
    assertEquals(A.value(), b.chain());
    assertEquals(AuditVerifier.Problem.GAP, b.problem());
    assertEquals(1, gap.breaks());
  }

  @Test
  void aRowMovedToAnotherChainIsCaught() throws Exception {
    migrate();
    Jdbi service = service();
    for (int i = 0; i < 4; i++) {
      append(service, A, "a" + i);
      append(service, B, "b" + i);
    }
    assertTrue(walk().intact());
    // the superuser moves host-a's row 5 to host-b's chain, with the trigger disabled
    owner.useTransaction(h -> {
      h.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
      h.execute("UPDATE audit_log SET chain = ? WHERE id = 5", B.value());
      h.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete");
    });
    AuditVerifier.Report moved = walk();
    assertFalse(moved.intact());
    AuditVerifier.Break b = moved.firstBreak().orElseThrow();
    assertEquals(5, b.id());
    assertEquals(B.value(), b.chain());
    assertEquals(AuditVerifier.Problem.PREV_HASH_MISMATCH, b.problem());
    assertTrue(b.explanation().contains("moved from another chain"), b.explanation());

    // moved back, but now with prev_hash and row_hash recomputed for host-b's chain: its own
    // links hold, and host-a's chain misses the row (and host-b's next row no longer links)
    owner.useTransaction(h -> {
      List<AuditRow> rows = new AuditStore(h, Clock.systemUTC(), A).all();
      AuditRow r5 = rows.get(4);
      AuditRow r4 = rows.get(3);
      byte[] hash = AuditChain.rowHash(r4.rowHash(), B.value(), r5.id(), r5.occurredAt(),
          r5.appId(), r5.walletId(), r5.action(), r5.outcome(), r5.errorCode(), r5.detail());
      h.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
      h.execute("UPDATE audit_log SET prev_hash = ?, row_hash = ? WHERE id = 5", r4.rowHash(),
          hash);
      h.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete");
    });
    AuditVerifier.Report rehashed = walk();
    AuditVerifier.Break next = rehashed.firstBreak().orElseThrow();
    assertEquals(6, next.id(), "host-b's row 6 no longer links: " + next);
    assertEquals(B.value(), next.chain());
    assertTrue(rehashed.breaks() >= 2, "host-a's row 7 misses its predecessor too: " + rehashed);
  }

  @Test
  void aLegacySingleChainFollowedByPerHostChainsVerifies() throws Exception {
    // the database as the version before per-host chains left it: V1..V13 and rows of the single
    // chain, written (and hashed, version 1) as that version wrote them
    Flyway.configure().dataSource(db.superuser()).locations("classpath:db/migration")
        .placeholders(Map.of("serviceRole", TestPostgres.SERVICE_ROLE)).target("13").load()
        .migrate();
    byte[] prev = AuditChain.GENESIS;
    Instant at = Instant.parse("2026-03-01T10:00:00.000001Z");
    for (long id = 1; id <= 3; id++) {
      byte[] hash = AuditChain.rowHash(prev, AuditChain.LEGACY, id, at, "app1", null,
          "app.create", "succeeded", null, "{\"n\":" + id + "}");
      byte[] p = prev;
      long i = id;
      owner.useHandle(h -> h.execute("INSERT INTO audit_log (id, occurred_at, app_id, wallet_id,"
          + " action, outcome, error_code, detail, prev_hash, row_hash) VALUES (nextval("
          + "'audit_log_id_seq'), ?, 'app1', NULL, 'app.create', 'succeeded', NULL, ?, ?, ?)",
          at.atOffset(ZoneOffset.UTC), "{\"n\":" + i + "}", p, hash));
      prev = hash;
    }
    // V14 adds the column without touching a row: the append-only trigger stays in force
    assertEquals(1, Migrations.migrate(db.superuser(), TestPostgres.SERVICE_ROLE)
        .migrationsExecuted);
    assertEquals(List.of(""), owner.withHandle(h -> h.createQuery(
        "SELECT DISTINCT chain FROM audit_log").mapTo(String.class).list()));
    assertThrows(Exception.class, () -> owner.useHandle(h -> h.execute(
        "UPDATE audit_log SET chain = 'x'")));

    Jdbi service = service();
    append(service, A, "a1", "a2");
    append(service, B, "b1");
    append(service, A, "a3");
    AuditVerifier.Report r = walk();
    assertTrue(r.intact(), r.toString());
    assertEquals(7, r.rows());
    assertEquals(List.of("", A.value(), B.value()), r.chains().stream()
        .map(AuditVerifier.ChainSummary::chain).toList());
    assertEquals(3, r.chains().get(0).rows());
    assertTrue(java.util.Arrays.equals(prev, r.chains().get(0).head()), "the legacy head");
    // the first row of host-a's chain starts at the genesis, not at the legacy head
    assertTrue(java.util.Arrays.equals(AuditChain.GENESIS, rows().get(3).prevHash()));

    // the legacy chain is checked as before: an altered legacy row is named
    owner.useTransaction(h -> {
      h.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
      h.execute("UPDATE audit_log SET detail = '{\"n\":9}' WHERE id = 2");
      h.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete");
    });
    AuditVerifier.Break b = walk().firstBreak().orElseThrow();
    assertEquals(2, b.id());
    assertEquals("", b.chain());
    assertEquals(AuditVerifier.Problem.ROW_HASH_MISMATCH, b.problem());
  }

  @Test
  void twoHostsWritersAppendingAtOnceLeaveTwoIntactChains() throws Exception {
    migrate();
    AuditWriter hostA = new AuditWriter(service(), Clock.systemUTC(), A);
    AuditWriter hostB = new AuditWriter(service(), Clock.systemUTC(), B);
    int perThread = 150;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        AuditWriter w = t % 2 == 0 ? hostA : hostB;
        int thread = t;
        futures.add(pool.submit(() -> {
          List<Long> ids = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            ids.add(w.appendDurably(event(thread + "-" + i), Duration.ofSeconds(30)));
          }
          return ids;
        }));
      }
      for (Future<List<Long>> f : futures) {
        assertEquals(perThread, f.get().size());
      }
    } finally {
      pool.shutdownNow();
      hostA.stop();
      hostB.stop();
    }
    AuditVerifier.Report r = walk();
    assertTrue(r.intact(), r.toString());
    assertEquals(8 * perThread, r.rows());
    Map<String, Long> perChain = new java.util.HashMap<>();
    r.chains().forEach(c -> perChain.put(c.chain(), c.rows()));
    assertEquals(Map.of(A.value(), 4L * perThread, B.value(), 4L * perThread), perChain);
    // each thread's rows are in its host's chain
    List<AuditRow> rows = rows();
    for (AuditRow row : rows) {
      int thread = Integer.parseInt(row.detail().replaceAll(".*\"n\":\"(\\d+)-.*", "$1"));
      assertEquals(thread % 2 == 0 ? A.value() : B.value(), row.chain(), row.detail());
    }
  }

  private static ParentHostConfiguration parse(String auditBlock) throws Exception {
    String yaml = String.join("\n",
        "database:",
        "  driverClass: org.postgresql.Driver",
        "  url: jdbc:postgresql://localhost/none",
        "enclave:",
        "  address: unix:/tmp/none.sock",
        auditBlock,
        "");
    return new io.dropwizard.configuration.YamlConfigurationFactory<>(
        ParentHostConfiguration.class, io.dropwizard.jersey.validation.Validators.newValidator(),
        io.dropwizard.jackson.Jackson.newObjectMapper(), "dw")
        .build(path -> new java.io.ByteArrayInputStream(
            yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "config.yml");
  }

  @Test
  void theChainSettingIsCheckedWhenTheConfigurationIsRead() throws Exception {
    assertEquals(B, parse("audit:\n  chain: parent-host-2").getAudit().chainName());
    assertEquals(AuditChainName.ofHost(), parse("").getAudit().chainName(),
        "unset: the hostname");
    io.dropwizard.configuration.ConfigurationValidationException bad = assertThrows(
        io.dropwizard.configuration.ConfigurationValidationException.class,
        () -> parse("audit:\n  chain: \"two words\""));
    assertTrue(bad.getMessage().contains("audit.chain"), bad.getMessage());
  }
}
