package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.parent.audit.AuditChain;
import io.nitrosign.parent.audit.AuditChainName;
import io.nitrosign.parent.audit.AuditCli;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.db.Migrations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code audit verify} and {@code audit export} against a real PostgreSQL, connecting as the
 * service role the way an operator would: an intact chain passes; a row altered, a row removed,
 * and a row rewritten with its hash recomputed (what the database owner could do) are each named.
 */
class AuditCliTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final String SIGNATURE = "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd"
      + "466751c9d07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b915621c";

  /** The chain this test's rows go to (one host's). */
  private static final AuditChainName CHAIN = new AuditChainName("host-a");

  private TestPostgres.Db db;
  private Jdbi owner;

  /** What {@link #run} printed and returned. */
  private record Result(int code, String out, String err) {}

  @BeforeEach
  void freshDatabase() {
    db = TestPostgres.newDatabase();
    Migrations.migrate(db.superuser(), TestPostgres.SERVICE_ROLE);
    owner = Jdbi.create(db.superuser());
  }

  private Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = AuditCli.run(args, Map.of("NITROSIGN_JDBC_URL", db.url(),
            "NITROSIGN_DB_USER", TestPostgres.SERVICE_ROLE,
            "NITROSIGN_DB_PASSWORD", TestPostgres.SERVICE_PASSWORD), () -> null,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** Appends {@code n} rows alternating a signing success, a policy rejection and a failure. */
  private List<Long> appendSigningRows(int n) {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(switch (i % 3) {
        case 0 -> new AuditEvent("app1", "wallet" + i, AuditEvent.WALLET_SIGN, Outcome.SUCCEEDED,
            null, "{\"method\":\"eth_signTypedData_v4\",\"idempotency_key\":\"key-" + i + "\","
                + "\"decoded\":{\"signed\":{\"digest\":\"0xbe60\"}},"
                + "\"policy\":{\"action\":\"ALLOW\",\"policy_id\":\"p1\"},"
                + "\"signature\":\"" + SIGNATURE + "\"}");
        case 1 -> new AuditEvent("app1", "wallet" + i, AuditEvent.WALLET_SIGN, Outcome.REJECTED,
            "policy_denied", "{\"method\":\"personal_sign\",\"policy\":{\"action\":\"DENY\"}}");
        default -> new AuditEvent("app1", "wallet" + i, AuditEvent.WALLET_SIGN, Outcome.FAILED,
            "enclave_unavailable", "{\"method\":\"personal_sign\"}");
      });
    }
    return owner.inTransaction(h -> new AuditStore(h, Clock.systemUTC(), CHAIN)
        .appendAll(events));
  }

  private List<AuditRow> rows() {
    return owner.withHandle(h -> new AuditStore(h, Clock.systemUTC()).all());
  }

  /** As the table owner: the append-only trigger off for {@code sql}, then on again. */
  private void asOwnerWithoutTrigger(String sql, Object... args) {
    owner.useTransaction(h -> {
      h.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
      h.execute(sql, args);
      h.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete");
    });
  }

  @Test
  void anEmptyAndAnIntactChainVerify() {
    Result empty = run("verify");
    assertEquals(0, empty.code(), empty.err());
    assertTrue(empty.out().contains("intact: empty"), empty.out());

    appendSigningRows(2500);
    // ids the sequence hands out to appends that roll back are never used: not a break
    owner.useHandle(h -> h.execute("SELECT nextval('audit_log_id_seq') FROM generate_series(1, 3)"));
    appendSigningRows(2500);
    Result ok = run("verify");
    assertEquals(0, ok.code(), ok.out() + ok.err());
    List<AuditRow> rows = rows();
    assertTrue(ok.out().contains("audit log intact: 5000 rows in 1 chain, ids 1..5003 (3 ids"
        + " unused"), ok.out());
    assertTrue(ok.out().contains("  chain 'host-a': 5000 rows, ids 1..5003, head "
        + HEX.formatHex(rows.get(rows.size() - 1).rowHash())), ok.out());
  }

  @Test
  void anAlteredDetailIsNamedAsARowHashMismatch() {
    List<Long> ids = appendSigningRows(30);
    long victim = ids.get(12);
    asOwnerWithoutTrigger("UPDATE audit_log SET detail = replace(detail, 'ALLOW', 'DENY')"
        + " WHERE id = ?", victim);
    Result r = run("verify");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().startsWith("audit log BROKEN at row id " + victim
        + " (chain 'host-a'): row_hash mismatch"),
        r.out());
  }

  @Test
  void aDeletedRowIsNamedAsAGap() {
    List<Long> ids = appendSigningRows(30);
    asOwnerWithoutTrigger("DELETE FROM audit_log WHERE id = ?", ids.get(7));
    Result r = run("verify");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().startsWith("audit log BROKEN at row id " + ids.get(8)
        + " (chain 'host-a'): gap: rows are"
        + " missing between id " + ids.get(6) + " and id " + ids.get(8)), r.out());

    // the first rows removed: the chain no longer starts from the genesis
    freshDatabase();
    ids = appendSigningRows(5);
    asOwnerWithoutTrigger("DELETE FROM audit_log WHERE id <= ?", ids.get(1));
    r = run("verify");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().startsWith("audit log BROKEN at row id " + ids.get(2)
        + " (chain 'host-a'): gap"), r.out());
  }

  @Test
  void aRowRewrittenWithItsHashRecomputedBreaksTheNextLink() {
    List<Long> ids = appendSigningRows(10);
    AuditRow row = rows().get(3); // a succeeded row, its policy ALLOW
    String forged = row.detail().replace("ALLOW", "DENY");
    assertNotEquals(row.detail(), forged);
    byte[] hash = AuditChain.rowHash(row.prevHash(), row.chain(), row.id(), row.occurredAt(),
        row.appId(), row.walletId(), row.action(), row.outcome(), row.errorCode(), forged);
    asOwnerWithoutTrigger("UPDATE audit_log SET detail = ?, row_hash = ? WHERE id = ?", forged,
        hash, row.id());
    Result r = run("verify");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().startsWith("audit log BROKEN at row id " + ids.get(4)
        + " (chain 'host-a'): prev_hash mismatch: prev_hash is not the row_hash of row "
        + ids.get(3)), r.out());
  }

  @Test
  void exportPrintsOneJsonObjectPerRowWithTheSigningFields() throws Exception {
    List<Long> ids = appendSigningRows(6);
    List<AuditRow> rows = rows();
    Result all = run("export");
    assertEquals(0, all.code(), all.err());
    String[] lines = all.out().split("\n");
    assertEquals(6, lines.length);
    for (int i = 0; i < lines.length; i++) {
      assertTrue(lines[i].startsWith("{\"seq\":"), lines[i]);
      JsonNode j = JSON.readTree(lines[i]);
      AuditRow row = rows.get(i);
      assertEquals(row.id(), j.get("seq").asLong());
      assertEquals(CHAIN.value(), j.get("chain").asText());
      assertEquals(row.occurredAt(), Instant.parse(j.get("at").asText()));
      assertEquals("app1", j.get("app_id").asText());
      assertEquals("wallet" + i, j.get("wallet_id").asText());
      assertEquals(AuditEvent.WALLET_SIGN, j.get("action").asText());
      assertEquals(HEX.formatHex(row.rowHash()), j.get("hash").asText());
      assertEquals(HEX.formatHex(row.prevHash()), j.get("prev_hash").asText());
      assertEquals(JSON.readTree(row.detail()), j.get("detail"));
      for (String field : List.of("method", "outcome", "idempotency_key", "signature", "policy",
          "error_code")) {
        assertTrue(j.has(field), field + " in " + lines[i]);
      }
      switch (i % 3) {
        case 0 -> {
          assertEquals("succeeded", j.get("outcome").asText());
          assertEquals("eth_signTypedData_v4", j.get("method").asText());
          assertEquals("key-" + i, j.get("idempotency_key").asText());
          assertEquals(SIGNATURE, j.get("signature").asText());
          assertEquals("ALLOW", j.get("policy").get("action").asText());
          assertTrue(j.get("error_code").isNull());
        }
        case 1 -> {
          assertEquals("rejected", j.get("outcome").asText());
          assertEquals("policy_denied", j.get("error_code").asText());
          assertEquals("DENY", j.get("policy").get("action").asText());
          assertTrue(j.get("signature").isNull());
          assertTrue(j.get("idempotency_key").isNull());
        }
        default -> {
          assertEquals("failed", j.get("outcome").asText());
          assertTrue(j.get("policy").isNull());
          assertTrue(j.get("signature").isNull());
        }
      }
    }

    // --since SEQ: the rows after it
    Result after = run("export", "--since", Long.toString(ids.get(3)));
    assertEquals(0, after.code(), after.err());
    List<String> tail = List.of(after.out().split("\n"));
    assertEquals(2, tail.size());
    assertEquals(ids.get(4), JSON.readTree(tail.get(0)).get("seq").asLong());

    // --since TIME: the rows at or after it (all six share one commit time)
    String at = rows.get(0).occurredAt().atOffset(ZoneOffset.UTC).toString();
    assertEquals(6, run("export", "--since", at).out().split("\n").length);
    Result none = run("export", "--since", rows.get(0).occurredAt().plusSeconds(1).toString());
    assertEquals(0, none.code());
    assertEquals("", none.out());
  }

  @Test
  void usageErrorsAndAnUnreachableDatabaseAreTold() {
    Result bad = run("export", "--since", "yesterday");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--since takes a sequence number or an ISO-8601 time"),
        bad.err());
    assertEquals(2, run("verify", "--since", "5").code());
    assertEquals(2, run("frobnicate").code());

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String closed = "jdbc:postgresql://127.0.0.1:1/nitrosign";
    int code = AuditCli.run(new String[] {"verify", "--jdbc-url", closed, "--db-user",
        TestPostgres.SERVICE_ROLE}, Map.of("NITROSIGN_DB_PASSWORD", "Not-The-Password-93"), () -> null,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(3, code);
    String said = err.toString(StandardCharsets.UTF_8);
    assertTrue(said.startsWith("cannot read audit_log at " + closed), said);
    assertFalse(said.contains("Not-The-Password-93"), "the password must not be printed");
  }
}
