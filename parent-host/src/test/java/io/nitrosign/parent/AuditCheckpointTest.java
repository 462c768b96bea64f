package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.nitrosign.parent.audit.AuditChain;
import io.nitrosign.parent.audit.AuditChainName;
import io.nitrosign.parent.audit.AuditCheckpointConfiguration;
import io.nitrosign.parent.audit.AuditCheckpointer;
import io.nitrosign.parent.audit.AuditCli;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.db.Migrations;
import io.nitrosign.parent.enclave.EnclaveClientGateway;
import io.nitrosign.parent.enclave.EnclaveConfiguration;
import io.nitrosign.parent.enclave.RealEnclave;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Enclave-signed audit checkpoints end to end on the parent side: the real enclave process (local
 * mode, simulated NSM) signs the chain head, the parent stores it as the service role, and
 * {@code audit verify} checks it against the simulated NSM's root. Then the database owner does
 * what the plain chain cannot catch (rewrites an earlier row and re-hashes every later one; drops
 * the tail) and verify names the checkpoint; a checkpoint row altered to match is caught by its
 * signature.
 */
class AuditCheckpointTest {

  /** The chain this test's host appends to and checkpoints. */
  private static final AuditChainName CHAIN = new AuditChainName("host-a");

  // one enclave per test: it refuses a seq lower than it signed since boot, and each test's
  // database starts its ids again from 1
  private RealEnclave enclave;
  private TestPostgres.Db db;
  private Jdbi owner;
  private Jdbi service;
  private EnclaveClientGateway gateway;
  private AuditCheckpointer checkpointer;

  private record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() {
    enclave = RealEnclave.start();
    db = TestPostgres.newDatabase();
    Migrations.migrate(db.superuser(), TestPostgres.SERVICE_ROLE);
    owner = Jdbi.create(db.superuser());
    service = Jdbi.create(db.url(), TestPostgres.SERVICE_ROLE, TestPostgres.SERVICE_PASSWORD);
    EnclaveConfiguration c = new EnclaveConfiguration();
    c.setAddress(enclave.address());
    gateway = connected(c);
    AuditCheckpointConfiguration config = new AuditCheckpointConfiguration();
    config.setEnabled(false); // no background thread: the test takes checkpoints itself
    config.setEveryRows(5);
    checkpointer = new AuditCheckpointer(service, gateway, Clock.systemUTC(), config, CHAIN);
  }

  /** A started gateway, once its connection to the enclave is up (it connects in the background). */
  private static EnclaveClientGateway connected(EnclaveConfiguration c) {
    EnclaveClientGateway g = new EnclaveClientGateway(c, Clock.systemUTC(), new MetricRegistry());
    g.start();
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (!g.connected() && System.nanoTime() < until) {
      Thread.onSpinWait();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return g;
  }

  @AfterEach
  void tearDown() {
    gateway.close();
    enclave.close();
  }

  private List<Long> append(int n) {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(new AuditEvent("app1", "wallet" + i, AuditEvent.WALLET_SIGN, Outcome.SUCCEEDED,
          null, "{\"method\":\"personal_sign\",\"policy\":{\"action\":\"ALLOW\"},\"n\":" + i
              + "}"));
    }
    return service.inTransaction(h -> new AuditStore(h, Clock.systemUTC(), CHAIN)
        .appendAll(events));
  }

  private Result verify(String... extra) {
    List<String> args = new ArrayList<>(List.of("verify"));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = AuditCli.run(args.toArray(String[]::new), Map.of("NITROSIGN_JDBC_URL", db.url(),
            "NITROSIGN_DB_USER", TestPostgres.SERVICE_ROLE,
            "NITROSIGN_DB_PASSWORD", TestPostgres.SERVICE_PASSWORD), () -> null,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private Result verifyLocal() {
    // the test enclave has no image measurement to pin (local mode's pcrs.json: the devkit test)
    return verify("--root", enclave.nsmDir().resolve("root.pem").toString(), "--any-pcrs");
  }

  /**
   * As the owner, what the chain alone cannot show: row {@code id}'s detail rewritten and every
   * row from it on re-hashed, so each prev_hash links again.
   */
  private void rewriteAndRehash(long id, String from, String to) {
    owner.useTransaction(h -> {
      h.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
      List<AuditRow> rows = new AuditStore(h, Clock.systemUTC()).all();
      byte[] prev = AuditChain.GENESIS;
      for (AuditRow r : rows) {
        if (r.id() < id) {
          prev = r.rowHash();
          continue;
        }
        String detail = r.id() == id ? r.detail().replace(from, to) : r.detail();
        byte[] hash = AuditChain.rowHash(prev, r.chain(), r.id(), r.occurredAt(), r.appId(),
            r.walletId(), r.action(), r.outcome(), r.errorCode(), detail);
        h.execute("UPDATE audit_log SET detail = ?, prev_hash = ?, row_hash = ? WHERE id = ?",
            detail, prev, hash, r.id());
        prev = hash;
      }
      h.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete");
    });
  }

  @Test
  void aSignedCheckpointVerifiesAndCatchesAHistoryRewrittenAndRehashed() {
    assertTrue(checkpointer.checkpointNow().isEmpty(), "an empty log has no head to sign");
    List<Long> ids = append(4);
    long first = checkpointer.checkpointNow().orElseThrow().seq();
    assertEquals(ids.get(3), first);
    checkpointer.tick(); // nothing new: no checkpoint
    assertEquals(first, checkpointer.lastCheckpointSeq());
    List<Long> more = append(5); // everyRows 5: the next round takes one
    assertEquals(5, checkpointer.lagRows());
    checkpointer.tick();
    assertEquals(more.get(4), checkpointer.lastCheckpointSeq());
    assertEquals(0, checkpointer.lagRows());
    append(2); // after the last checkpoint: covered by the chain only

    Result ok = verifyLocal();
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().contains("checkpoints intact: 2 signed by 1 enclave key(s), the last at seq "
        + more.get(4)), ok.out());

    // checkpoints exist: verify will not pass them over silently
    Result noPcrs = verify("--root", enclave.nsmDir().resolve("root.pem").toString());
    assertEquals(2, noPcrs.code(), noPcrs.out());
    assertTrue(noPcrs.err().contains("--pcrs"), noPcrs.err());
    // the pinned AWS root does not vouch for the simulated NSM
    Result aws = verify("--any-pcrs");
    assertEquals(1, aws.code(), aws.out());
    assertTrue(aws.out().contains("checkpoint at seq " + first + " does not match: the response"
        + " key's attestation document does not verify"), aws.out());

    rewriteAndRehash(ids.get(1), "ALLOW", "DENY");
    Result rewritten = verifyLocal();
    assertEquals(1, rewritten.code(), rewritten.out());
    assertTrue(rewritten.out().startsWith("audit log intact: "), "the chain alone links: "
        + rewritten.out());
    assertTrue(rewritten.out().contains("audit log BROKEN: checkpoint at seq " + first
        + " does not match: the row's row_hash is not the one the enclave signed"),
        rewritten.out());

    // the owner re-points the checkpoints at the rewritten hashes: the signatures no longer match
    owner.useTransaction(h -> {
      h.execute("ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_no_update_delete");
      h.execute("UPDATE audit_checkpoints c SET row_hash = l.row_hash FROM audit_log l"
          + " WHERE l.id = c.seq");
      h.execute("ALTER TABLE audit_checkpoints ENABLE TRIGGER audit_checkpoints_no_update_delete");
    });
    // append-only short of the owner disabling the trigger, as audit_log
    assertThrows(Exception.class, () -> service.useHandle(h -> h.execute(
        "DELETE FROM audit_checkpoints")));
    Result forged = verifyLocal();
    assertEquals(1, forged.code(), forged.out());
    assertTrue(forged.out().contains("checkpoint at seq " + first + " does not match: the"
        + " signature does not verify"), forged.out());
  }

  @Test
  void aTruncatedLogFailsOnTheCheckpointPastItsEnd() throws Exception {
    List<Long> ids = append(6);
    checkpointer.checkpointNow();
    // a restarted enclave has a new response key: its document is stored too
    gateway.close();
    enclave.kill();
    enclave.restart();
    EnclaveConfiguration c = new EnclaveConfiguration();
    c.setAddress(enclave.address());
    gateway = connected(c);
    checkpointer = new AuditCheckpointer(service, gateway, Clock.systemUTC(),
        new AuditCheckpointConfiguration(), CHAIN);
    List<Long> more = append(3);
    checkpointer.checkpointNow();
    Result ok = verifyLocal();
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().contains("checkpoints intact: 2 signed by 2 enclave key(s)"), ok.out());

    // the owner drops the last rows: the chain that is left is intact, the checkpoint is not
    owner.useTransaction(h -> {
      h.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
      h.execute("DELETE FROM audit_log WHERE id > ?", ids.get(5));
      h.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete");
    });
    Result truncated = verifyLocal();
    assertEquals(1, truncated.code(), truncated.out());
    assertTrue(truncated.out().contains("checkpoint at seq " + more.get(2) + " does not match:"
        + " the row at seq " + more.get(2) + " is missing"), truncated.out());
  }

  @Test
  void eachHostCheckpointsTheHeadOfItsOwnChain() {
    AuditChainName other = new AuditChainName("host-b");
    List<Long> a = append(3);
    List<Long> b = service.inTransaction(h -> new AuditStore(h, Clock.systemUTC(), other)
        .appendAll(List.of(new AuditEvent("app1", "w", AuditEvent.WALLET_SIGN, Outcome.SUCCEEDED,
            null, "{\"n\":\"b1\"}"), new AuditEvent("app1", "w", AuditEvent.WALLET_SIGN,
            Outcome.SUCCEEDED, null, "{\"n\":\"b2\"}"))));
    assertTrue(b.get(0) > a.get(2), "host-b's rows come after host-a's: " + a + " " + b);
    // host-a's head is its own last row, not the log's last row (host-b's)
    assertEquals(3, checkpointer.lagRows(), "only host-a's rows count");
    assertEquals(a.get(2), checkpointer.checkpointNow().orElseThrow().seq());
    assertEquals(0, checkpointer.lagRows());
    assertEquals(a.get(2), checkpointer.lastCheckpointSeq());

    Result partly = verifyLocal();
    assertEquals(0, partly.code(), partly.out() + partly.err());
    assertTrue(partly.out().contains("audit log intact: 5 rows in 2 chains"), partly.out());
    assertTrue(partly.out().contains("  chain 'host-a': last checkpoint at id " + a.get(2)
        + ", 0 row(s) after it"), partly.out());
    assertTrue(partly.out().contains("  chain 'host-b': no checkpoint, 2 row(s) not covered"),
        partly.out());

    // host-b's checkpointer (its own enclave in production; this test's one enclave will do, as
    // host-b's head has the higher id) signs host-b's head
    AuditCheckpointer hostB = new AuditCheckpointer(service, gateway, Clock.systemUTC(),
        new AuditCheckpointConfiguration(), other);
    assertEquals(2, hostB.lagRows());
    assertEquals(b.get(1), hostB.checkpointNow().orElseThrow().seq());
    List<Long> later = append(2);
    Result both = verifyLocal();
    assertEquals(0, both.code(), both.out() + both.err());
    assertTrue(both.out().contains("checkpoints intact: 2 signed by 1 enclave key(s)"), both.out());
    assertTrue(both.out().contains("  chain 'host-a': last checkpoint at id " + a.get(2)
        + ", 2 row(s) after it"), both.out());
    assertTrue(both.out().contains("  chain 'host-b': last checkpoint at id " + b.get(1)
        + ", 0 row(s) after it"), both.out());
    assertEquals(2, checkpointer.lagRows(), "host-a's rows " + later + " are its lag");
  }
}
