package io.nitrosign.parent.audit;

import com.google.protobuf.ByteString;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.servlets.tasks.Task;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import io.nitrosign.attestation.AttestationDocument;
import io.nitrosign.attestation.AttestationException;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.enclave.EnclaveGateway;
import io.nitrosign.proto.v1.GetAttestationRequest;
import io.nitrosign.proto.v1.SignAuditCheckpointRequest;
import io.nitrosign.proto.v1.SignAuditCheckpointResponse;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the enclave to sign the head of this host's audit chain ({@link AuditChainName}) every
 * {@code everyRows} rows of that chain or {@code interval}
 * ({@link AuditCheckpointConfiguration}) and stores the result in {@code audit_checkpoints},
 * with the response key's attestation document in {@code audit_checkpoint_keys} (once per key,
 * that is once per enclave boot). {@code audit verify} checks them ({@link AuditVerifier}).
 *
 * <p>The parent cannot forge a checkpoint (it has no response key); what it can do wrong is only
 * not to take one, which the lag metric ({@code nitrosign_audit_checkpoint_lag_rows}) shows.
 *
 * <p>Each host checkpoints its own chain with its own enclave. The signed message (seq and
 * row_hash, {@code AuditCheckpointMessage}) names no chain and needs none: seq is the row's id,
 * unique across chains, and the row's hash binds its chain's name ({@link AuditChain}, version 2).
 * The enclave refuses a seq lower than the highest it signed since it booted; the ids of one chain
 * increase, so that holds per host. Hosts configured with the same chain name checkpoint the same
 * head: the first row for a seq stands.
 */
public final class AuditCheckpointer implements Managed {

  private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpointer.class);
  /** How often the background thread looks at the chain head. */
  static final Duration POLL = Duration.ofSeconds(1);

  /** A checkpoint that was stored (or already existed for that seq). */
  public record Checkpoint(long seq, byte[] rowHash, byte[] signature, byte[] publicKey) {}

  private final Jdbi jdbi;
  private final EnclaveGateway enclave;
  private final Clock clock;
  private final AuditCheckpointConfiguration config;
  private final AuditChainName chain;
  private ScheduledExecutorService scheduler;
  private Instant lastTaken;

  public AuditCheckpointer(Jdbi jdbi, EnclaveGateway enclave, Clock clock,
      AuditCheckpointConfiguration config, AuditChainName chain) {
    this.jdbi = jdbi;
    this.enclave = enclave;
    this.clock = clock;
    this.config = config;
    this.chain = java.util.Objects.requireNonNull(chain);
  }

  private record Head(long seq, byte[] rowHash) {}

  /**
   * The seq of the chain's (:c) last checkpoint: the checkpoints walked from the newest back (the
   * primary key) until one is of this chain, so the cost does not grow with the table's history,
   * only with the other chains' checkpoints taken since.
   */
  private static final String LAST_OWN_CHECKPOINT = "SELECT k.seq FROM audit_checkpoints k"
      + " JOIN audit_log l ON l.id = k.seq WHERE l.chain = :c ORDER BY k.seq DESC LIMIT 1";

  private Optional<Head> head() {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT id, row_hash FROM audit_log WHERE chain = :c ORDER BY id DESC LIMIT 1")
        .bind("c", chain.value())
        .map((rs, ctx) -> new Head(rs.getLong("id"), rs.getBytes("row_hash"))).findFirst());
  }

  /** The id of this host's chain head, 0 when the chain is empty. */
  public long headSeq() {
    return head().map(Head::seq).orElse(0L);
  }

  /** The highest checkpointed seq of this host's chain, 0 when there is none. */
  public long lastCheckpointSeq() {
    return jdbi.withHandle(h -> h.createQuery("SELECT coalesce((" + LAST_OWN_CHECKPOINT + "), 0)")
        .bind("c", chain.value()).mapTo(Long.class).one());
  }

  /** Rows of this host's chain after its last checkpoint (the lag metric). */
  public long lagRows() {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM audit_log WHERE chain = :c"
            + " AND id > coalesce((" + LAST_OWN_CHECKPOINT + "), 0)")
        .bind("c", chain.value()).mapTo(Long.class).one());
  }

  /**
   * Checkpoints the head of this host's chain now, unless it already is. Empty when the chain is
   * empty.
   *
   * @throws EnclaveCallException when the enclave does not answer or refuses
   * @throws IllegalStateException when the enclave's attestation document does not name the key
   *     that signed
   */
  public synchronized Optional<Checkpoint> checkpointNow() {
    Optional<Head> head = head();
    if (head.isEmpty()) {
      return Optional.empty();
    }
    Head h = head.get();
    SignAuditCheckpointResponse signed = enclave.signAuditCheckpoint(
        SignAuditCheckpointRequest.newBuilder().setSeq(h.seq())
            .setRowHash(ByteString.copyFrom(h.rowHash())).build());
    byte[] publicKey = signed.getPublicKey().toByteArray();
    boolean known = jdbi.withHandle(x -> x.createQuery(
            "SELECT count(*) FROM audit_checkpoint_keys WHERE public_key = :k")
        .bind("k", publicKey).mapTo(Integer.class).one()) > 0;
    if (!known) {
      byte[] document = enclave.getAttestation(GetAttestationRequest.newBuilder()
          .setPurpose(GetAttestationRequest.Purpose.RESPONSE_KEY).build()).getDocument()
          .toByteArray();
      byte[] attested;
      try {
        attested = AttestationDocument.parseUnverified(document).publicKey().orElse(null);
      } catch (AttestationException e) {
        throw new IllegalStateException("the enclave's response-key document does not parse");
      }
      if (attested == null || !MessageDigest.isEqual(attested, publicKey)) {
        // the enclave restarted between the two calls: the next round signs with the new key
        throw new IllegalStateException("the response-key document names another key");
      }
      jdbi.useHandle(x -> x.createUpdate("INSERT INTO audit_checkpoint_keys (public_key,"
              + " attestation_document) VALUES (:k, :d) ON CONFLICT (public_key) DO NOTHING")
          .bind("k", publicKey).bind("d", document).execute());
    }
    jdbi.useHandle(x -> x.createUpdate("INSERT INTO audit_checkpoints (seq, row_hash, signature,"
            + " public_key) VALUES (:s, :h, :sig, :k) ON CONFLICT (seq) DO NOTHING")
        .bind("s", h.seq()).bind("h", h.rowHash())
        .bind("sig", signed.getSignature().toByteArray()).bind("k", publicKey).execute());
    lastTaken = clock.instant();
    return Optional.of(new Checkpoint(h.seq(), h.rowHash(), signed.getSignature().toByteArray(),
        publicKey));
  }

  /**
   * The admin task {@code audit-checkpoint} (POST http://127.0.0.1:ADMIN/tasks/audit-checkpoint):
   * checkpoints the head now. Prints {@code {"seq":N}}, {@code {"seq":0}} for an empty log, or
   * {@code {"error":"..."}}.
   */
  public static Task task(AuditCheckpointer checkpointer) {
    return new Task("audit-checkpoint") {
      @Override
      public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        try {
          output.println("{\"seq\":" + checkpointer.checkpointNow().map(Checkpoint::seq)
              .orElse(0L) + "}");
        } catch (EnclaveCallException | IllegalStateException e) {
          output.println("{\"error\":\"" + e.getMessage().replace("\"", "'") + "\"}");
        }
      }
    };
  }

  /**
   * One background round: checkpoint when enough rows or time have passed. Never throws: a failed
   * round is logged and the next one tries again.
   */
  public void tick() {
    try {
      long lag = lagRows();
      if (lag <= 0) {
        return;
      }
      Instant now = clock.instant();
      Duration interval = Duration.ofMillis(config.getInterval().toMilliseconds());
      if (lastTaken == null) {
        lastTaken = now; // the interval counts from start-up
      }
      if (lag >= config.getEveryRows() || !now.isBefore(lastTaken.plus(interval))) {
        checkpointNow();
      }
    } catch (EnclaveCallException | IllegalStateException e) {
      LOG.warn("audit checkpoint not taken: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("audit checkpoint not taken: {}", e.getClass().getName());
    }
  }

  @Override
  public void start() {
    if (!config.isEnabled()) {
      return;
    }
    scheduler = io.nitrosign.parent.Daemons.scheduler("audit-checkpointer");
    scheduler.scheduleWithFixedDelay(this::tick, POLL.toMillis(), POLL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() throws InterruptedException {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
