package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.parent.audit.AuditChain;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Enclave-signed audit checkpoints on the real stack: the admin task has the enclave sign the
 * chain head, {@code ./appliance audit verify} checks it against local mode's simulated NSM root
 * and PCRs. Then the database owner rewrites an earlier row and re-hashes every later row, so the
 * hash chain links again: verify fails on the checkpoint. (The shared stack's history is put back
 * afterwards, for the tests that run after this one.)
 */
class AuditCheckpointEndToEndTest {

  private record Stored(long id, String detail, byte[] prevHash, byte[] rowHash) {}


  @Test
  void theEnclaveSignedHeadCatchesHistoryRewrittenAndRehashedByTheDatabaseOwner()
      throws Exception {
    SharedStack shared = SharedStack.get();
    Path home = shared.home();
    List<String> wallets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Http.Reply created = shared.http().post("/v1/wallets", shared.auth(),
          "{\"chain_type\":\"ethereum\"}");
      assertEquals(200, created.status(), () -> created.raw().body());
      wallets.add(created.body().get("id").asText());
    }

    Http admin = new Http(shared.stack().adminUrl());
    Http.Reply task = admin.post("/tasks/audit-checkpoint",
        "Bearer " + shared.stack().readStackEnv().get("ADMIN_TASK_TOKEN"), "");
    assertEquals(200, task.status(), () -> task.raw().body());
    long seq = task.body().get("seq").asLong();

    String url = shared.stack().jdbcUrl();
    try (Connection owner = DriverManager.getConnection(url, "postgres", "")) {
      long head;
      long target;
      // the first host's chain (local mode names it after the process)
      try (PreparedStatement ps = owner.prepareStatement("SELECT max(id),"
          + " (SELECT min(id) FROM audit_log WHERE wallet_id = ?) FROM audit_log"
          + " WHERE chain = 'parent-host'");) {
        ps.setString(1, wallets.get(0));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          head = rs.getLong(1);
          target = rs.getLong(2);
        }
      }
      assertEquals(head, seq, "the task signed the head of the host's chain");
      assertTrue(target > 0 && target < seq, "the first wallet's row is before the checkpoint");

      LocalAudit.Result ok = LocalAudit.run(home, "verify");
      assertEquals(0, ok.code(), ok.out() + ok.err());
      assertTrue(ok.out().contains("checkpoints intact: "), ok.out());
      assertFalse(ok.out().contains("WARNING"), "local mode's PCRs are checked: " + ok.out());

      List<Stored> original = rowsFrom(owner, target);
      try {
        rewrite(owner, target, original);
        LocalAudit.Result broken = LocalAudit.run(home, "verify");
        assertEquals(1, broken.code(), broken.out() + broken.err());
        assertTrue(broken.out().startsWith("audit log intact: "),
            "the re-hashed chain links: " + broken.out());
        assertTrue(broken.out().contains("does not match: the row's row_hash is not the one the"
            + " enclave signed"), broken.out());
      } finally {
        restore(owner, original);
      }
      LocalAudit.Result restored = LocalAudit.run(home, "verify");
      assertEquals(0, restored.code(), restored.out() + restored.err());
    }
  }

  private static List<Stored> rowsFrom(Connection c, long id) throws Exception {
    List<Stored> rows = new ArrayList<>();
    // the rows of the target row's chain from it on
    try (PreparedStatement ps = c.prepareStatement("SELECT id, detail, prev_hash, row_hash"
        + " FROM audit_log WHERE id >= ? AND chain = (SELECT chain FROM audit_log WHERE id = ?)"
        + " ORDER BY id")) {
      ps.setLong(1, id);
      ps.setLong(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Stored(rs.getLong(1), rs.getString(2), rs.getBytes(3), rs.getBytes(4)));
        }
      }
    }
    return rows;
  }

  /** What only the owner can do: the row's detail changed, every row from it on re-hashed. */
  private static void rewrite(Connection c, long target, List<Stored> rows) throws Exception {
    c.setAutoCommit(false);
    try (PreparedStatement off = c.prepareStatement(
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
        PreparedStatement read = c.prepareStatement("SELECT occurred_at, app_id, wallet_id,"
            + " action, outcome, error_code, chain FROM audit_log WHERE id = ?");
        PreparedStatement update = c.prepareStatement("UPDATE audit_log SET detail = ?,"
            + " prev_hash = ?, row_hash = ? WHERE id = ?");
        PreparedStatement on = c.prepareStatement(
            "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete")) {
      off.execute();
      byte[] prev = rows.get(0).prevHash();
      for (Stored r : rows) {
        String detail = r.id() == target ? "{\"rewritten\":true}" : r.detail();
        read.setLong(1, r.id());
        byte[] hash;
        try (ResultSet rs = read.executeQuery()) {
          rs.next();
          hash = AuditChain.rowHash(prev, rs.getString(7), r.id(),
              rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2),
              rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), detail);
        }
        update.setString(1, detail);
        update.setBytes(2, prev);
        update.setBytes(3, hash);
        update.setLong(4, r.id());
        update.executeUpdate();
        prev = hash;
      }
      on.execute();
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void restore(Connection c, List<Stored> rows) throws Exception {
    c.setAutoCommit(false);
    try (PreparedStatement off = c.prepareStatement(
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
        PreparedStatement update = c.prepareStatement("UPDATE audit_log SET detail = ?,"
            + " prev_hash = ?, row_hash = ? WHERE id = ?");
        PreparedStatement on = c.prepareStatement(
            "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete")) {
      off.execute();
      for (Stored r : rows) {
        update.setString(1, r.detail());
        update.setBytes(2, r.prevHash());
        update.setBytes(3, r.rowHash());
        update.setLong(4, r.id());
        update.executeUpdate();
      }
      on.execute();
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
  }
}
