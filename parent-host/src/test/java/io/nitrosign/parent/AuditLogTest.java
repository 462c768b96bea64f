package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.parent.audit.AuditChain;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.db.Migrations;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuditLogTest {

  private static TestPostgres.Db db;
  private static Jdbi jdbi;
  private static MigrateResult migration;

  @BeforeAll
  static void migrateEmptyDatabase() {
    db = TestPostgres.newDatabase();
    migration = Migrations.migrate(db.superuser(), db.user());
    jdbi = Jdbi.create(db.superuser());
  }

  @Test
  void migrationsApplyOnAnEmptyDatabase() {
    assertTrue(migration.success);
    assertEquals(14, migration.migrationsExecuted);
    Set<String> tables = Set.copyOf(jdbi.withHandle(h -> h.createQuery(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        .mapTo(String.class).list()));
    assertTrue(tables.containsAll(Set.of("apps", "wallets", "wallet_shares", "audit_log",
        "key_quorums", "key_quorum_keys", "key_quorum_children", "wallet_additional_signers",
        "policies", "policy_rules", "condition_sets", "condition_set_items", "aggregations",
        "wallet_policies", "wallet_signer_policies")), tables.toString());
    // Running again is a no-op.
    assertEquals(0, Migrations.migrate(db.superuser(), db.user()).migrationsExecuted);
  }

  @Test
  void auditLogRefusesUpdateDeleteAndTruncate() {
    append("refuse.me", Outcome.SUCCEEDED);
    assertThrows(UnableToExecuteStatementException.class,
        () -> jdbi.useHandle(h -> h.execute("UPDATE audit_log SET action = 'x'")));
    assertThrows(UnableToExecuteStatementException.class,
        () -> jdbi.useHandle(h -> h.execute("DELETE FROM audit_log")));
    assertThrows(UnableToExecuteStatementException.class,
        () -> jdbi.useHandle(h -> h.execute("TRUNCATE audit_log")));
    assertFalse(jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).all()).isEmpty());
  }

  @Test
  void appendsOutsideATransactionAreRefused() {
    assertThrows(IllegalStateException.class, () -> jdbi.useHandle(h ->
        new AuditStore(h, Clock.systemUTC()).append(new AuditEvent(null, null, "x", Outcome.FAILED, null, "{}"))));
  }

  @Test
  void hashChainLinksAndDetectsTampering() {
    for (int i = 0; i < 4; i++) {
      append("chain.test", i % 2 == 0 ? Outcome.SUCCEEDED : Outcome.REJECTED);
    }
    List<AuditRow> rows = jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).all());
    assertTrue(rows.size() >= 4);
    assertArrayEquals(AuditChain.GENESIS, rows.get(0).prevHash());
    for (int i = 1; i < rows.size(); i++) {
      assertArrayEquals(rows.get(i - 1).rowHash(), rows.get(i).prevHash(), "row " + rows.get(i).id());
    }
    AuditChain.Verification ok = jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).verify());
    assertTrue(ok.intact(), ok.problem());
    assertEquals(rows.size(), ok.rowsChecked());

    // Tamper as the superuser, with the append-only trigger switched off for the edit.
    long victim = rows.get(2).id();
    jdbi.useTransaction(h -> {
      h.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
      h.execute("UPDATE audit_log SET action = 'tampered', outcome = 'succeeded' WHERE id = ?", victim);
      h.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete");
    });
    AuditChain.Verification broken = jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).verify());
    assertFalse(broken.intact());
    assertEquals(victim, broken.firstBrokenId().orElseThrow());
  }

  private static void append(String action, Outcome outcome) {
    jdbi.useTransaction(h -> new AuditStore(h, Clock.systemUTC()).append(new AuditEvent(
        "app1", "wallet1", action, outcome, outcome == Outcome.SUCCEEDED ? null : "invalid_request",
        "{\"method\":\"personal_sign\"}")));
  }
}
