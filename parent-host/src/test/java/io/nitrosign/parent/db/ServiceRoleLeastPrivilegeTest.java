package io.nitrosign.parent.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connected as the service role (what the parent host runs as), the audit log can be appended to
 * and read, and nothing else: no UPDATE, DELETE or TRUNCATE, and no DDL that would remove the
 * append-only triggers. Refused by privileges (SQLSTATE 42501), not only by the triggers.
 */
class ServiceRoleLeastPrivilegeTest {

  private static final String INSUFFICIENT_PRIVILEGE = "42501";
  private static TestPostgres.Db db;

  @BeforeAll
  static void migrateAsTheOwnerAndAppendOneRow() {
    db = TestPostgres.newDatabase();
    Migrations.migrate(db.superuser(), TestPostgres.SERVICE_ROLE);
    Jdbi.create(db.superuser()).useTransaction(h -> new AuditStore(h, Clock.systemUTC())
        .append(new AuditEvent(null, null, "test.seed", Outcome.SUCCEEDED, null, "{}")));
  }

  private static void assertNoPrivilege(String sql) {
    SQLException e = assertThrows(SQLException.class, () -> {
      try (Connection c = db.asServiceRole(); Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }, sql);
    assertEquals(INSUFFICIENT_PRIVILEGE, e.getSQLState(), sql + ": " + e.getMessage());
  }

  @Test
  void theServiceRoleCannotUpdateDeleteOrTruncateAuditRows() {
    assertNoPrivilege("UPDATE audit_log SET detail = '{\"rewritten\":true}'");
    assertNoPrivilege("DELETE FROM audit_log");
    assertNoPrivilege("TRUNCATE audit_log");
  }

  @Test
  void theServiceRoleCannotAlterDisableOrDropTheAuditTriggers() {
    assertNoPrivilege("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
    assertNoPrivilege("ALTER TABLE audit_log DISABLE TRIGGER ALL");
    assertNoPrivilege("DROP TRIGGER audit_log_no_update_delete ON audit_log");
    assertNoPrivilege("DROP TRIGGER audit_log_no_truncate ON audit_log");
    assertNoPrivilege("ALTER TRIGGER audit_log_no_truncate ON audit_log RENAME TO gone");
    assertNoPrivilege("DROP FUNCTION audit_log_append_only()");
    assertNoPrivilege("CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger"
        + " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
    assertNoPrivilege("DROP TABLE audit_log");
    assertNoPrivilege("ALTER TABLE audit_log RENAME TO audit_log_old");
  }

  @Test
  void theServiceRoleHasNoDdlAnywhere() {
    assertNoPrivilege("CREATE TABLE audit_log_copy (id bigint)");
    assertNoPrivilege("ALTER TABLE wallets ADD COLUMN x int");
    assertNoPrivilege("DROP TABLE used_authorizations");
    assertNoPrivilege("DELETE FROM sealing_keys");
    assertNoPrivilege("UPDATE sealing_keys SET version = version");
    assertNoPrivilege("SELECT setval('audit_log_id_seq', 1)");
    assertNoPrivilege("INSERT INTO flyway_schema_history SELECT * FROM flyway_schema_history");
  }

  @Test
  void theServiceRoleAppendsAndReadsTheAuditLog() throws Exception {
    try (Connection c = db.asServiceRole()) {
      Jdbi.create(c).useTransaction(h -> new AuditStore(h, Clock.systemUTC()).append(
          new AuditEvent(null, null, "test.as_service", Outcome.SUCCEEDED, null, "{}")));
    }
    try (Connection c = db.asServiceRole(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT action FROM audit_log ORDER BY id")) {
      List<String> actions = new ArrayList<>();
      while (rs.next()) {
        actions.add(rs.getString(1));
      }
      assertEquals(List.of("test.seed", "test.as_service"), actions);
    }
  }

  @Test
  void theServiceRoleIsAnOrdinaryLoginRoleThatOwnsNothing() throws Exception {
    try (Connection c = db.asServiceRole(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls"
          + " FROM pg_roles WHERE rolname = current_user")) {
        assertTrue(rs.next());
        for (int i = 1; i <= 4; i++) {
          assertFalse(rs.getBoolean(i), "attribute " + i);
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_roles r"
          + " ON r.oid = c.relowner WHERE r.rolname = current_user")) {
        assertTrue(rs.next());
        assertEquals(0, rs.getInt(1), "owns no table, sequence or index");
      }
    }
  }

  @Test
  void migrationsRefuseAServiceRoleThatDoesNotExist() {
    TestPostgres.Db other = TestPostgres.newDatabase();
    Exception e = assertThrows(Exception.class,
        () -> Migrations.migrate(other.superuser(), "no_such_service_role"));
    String all = e + " " + e.getCause();
    assertTrue(all.contains("no_such_service_role does not exist"), all);
  }

  @Test
  void theServiceRoleIsNeverTheOwnerOrAPrivilegedRoleAndItsInputsAreChecked() {
    assertThrows(IllegalStateException.class, () -> ServiceRole.ensure(db.superuser(), "postgres",
        TestPostgres.SERVICE_PASSWORD));
    assertThrows(IllegalArgumentException.class, () -> ServiceRole.ensure(db.superuser(),
        TestPostgres.SERVICE_ROLE, "short"));
    assertThrows(IllegalArgumentException.class, () -> ServiceRole.ensure(db.superuser(),
        "x; DROP TABLE audit_log", TestPostgres.SERVICE_PASSWORD));
  }
}
