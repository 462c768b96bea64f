package io.nitrosign.parent.sealing;

import io.dropwizard.lifecycle.Managed;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.enclave.EnclaveGateway;
import io.nitrosign.proto.v1.ActivateSealingKeyRequest;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.HealthResponse;
import io.nitrosign.proto.v1.ProvisionSealingKeysRequest;
import io.nitrosign.proto.v1.ProvisionSealingKeysResponse;
import io.nitrosign.proto.v1.SealingKeyBlob;
import io.nitrosign.proto.v1.SetCredentialsRequest;
import io.nitrosign.proto.v1.UnsealSealingKeysRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a KMS-mode enclave from SEALED to READY, and keeps it there across enclave restarts:
 *
 * <ol>
 *   <li>AWS credentials: sends the configured credentials at boot and again before they expire
 *       (the enclave reports when the ones it holds expire);
 *   <li>first boot (no blobs stored): asks the enclave to provision version 1 (GenerateDataKey
 *       with Recipient under each KMS key; the enclave keeps it pending), stores the encrypted
 *       blobs and commits, then activates version 1 naming the stored blobs (the enclave becomes
 *       READY);
 *   <li>every later boot: sends every stored blob; the enclave has KMS decrypt them, and the
 *       highest stored version is current.
 * </ol>
 *
 * <p>A version is activated only after its blobs are committed: if the store fails, nothing is
 * activated and the enclave keeps sealing under the version it had (the pending keys are
 * replaced by the next provisioning, or dropped at the next boot). If the activation fails after
 * the commit, the stored version is finished later: by {@link #rotate()} (which activates a
 * stored version the enclave is behind on) or by the next boot (which unseals the highest stored
 * version as current).
 *
 * <p>Provisioning and rotation hold a database advisory lock, so parent hosts sharing one database
 * never create two key sets of one version. A local-mode enclave (sealing keys from a local file) is
 * READY on its own and this does nothing.
 */
public final class EnclaveBootstrapper implements Managed {

  private static final Logger LOG = LoggerFactory.getLogger(EnclaveBootstrapper.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private final EnclaveGateway enclave;
  private final Jdbi jdbi;
  private final AwsCredentialsSource credentials;
  private final Duration interval;
  private final Duration refreshMargin;
  private final Clock clock;
  private final ScheduledExecutorService timer = io.nitrosign.parent.Daemons.scheduler("enclave-bootstrap");
  private Instant notBefore = Instant.EPOCH;
  private Duration backoff = Duration.ZERO;
  private String lastProblem = "";

  public EnclaveBootstrapper(EnclaveGateway enclave, Jdbi jdbi, AwsCredentialsSource credentials,
      Duration interval, Duration refreshMargin, Clock clock) {
    this.enclave = enclave;
    this.jdbi = jdbi;
    this.credentials = credentials;
    this.interval = interval;
    this.refreshMargin = refreshMargin;
    this.clock = clock;
  }

  @Override
  public void start() {
    timer.scheduleWithFixedDelay(this::tickQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    timer.shutdownNow();
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("enclave bootstrap: unexpected {}", e.getClass().getName());
    }
  }

  /** One pass; public for tests. */
  public synchronized void tick() {
    Instant now = clock.instant();
    if (now.isBefore(notBefore)) {
      return;
    }
    HealthResponse health;
    try {
      health = enclave.health();
    } catch (EnclaveCallException e) {
      return; // the enclave is down; the client reconnects by itself
    }
    try {
      if (credentials != null && needsCredentials(health, now)) {
        sendCredentials();
      }
      if (health.getState() == EnclaveState.SEALED) {
        unsealOrProvision();
      }
      backoff = Duration.ZERO;
      lastProblem = "";
    } catch (EnclaveCallException | IOException | IllegalArgumentException e) {
      backoff = backoff.isZero() ? interval : min(backoff.multipliedBy(2), MAX_BACKOFF);
      notBefore = now.plus(backoff);
      String problem = e instanceof EnclaveCallException ec ? ec.getMessage()
          : e.getClass().getSimpleName() + ": " + e.getMessage();
      if (!problem.equals(lastProblem)) {
        LOG.warn("enclave bootstrap failed ({}); retrying with backoff", problem);
        lastProblem = problem;
      }
    }
  }

  private boolean needsCredentials(HealthResponse health, Instant now) {
    long expires = health.getCredentialsExpireAtMillis();
    return expires == 0 || Instant.ofEpochMilli(expires).isBefore(now.plus(refreshMargin));
  }

  private void sendCredentials() throws IOException {
    AwsCredentials c = credentials.fetch();
    enclave.setCredentials(SetCredentialsRequest.newBuilder()
        .setAccessKeyId(c.accessKeyId())
        .setSecretAccessKey(c.secretAccessKey())
        .setSessionToken(c.sessionToken() == null ? "" : c.sessionToken())
        .setExpirationMillis(c.expiration().toEpochMilli())
        .build());
    LOG.info("sent AWS credentials to the enclave (key id {}, expire {})", c.accessKeyId(),
        c.expiration());
  }

  private void unsealOrProvision() {
    Integer provisioned = jdbi.inTransaction(h -> {
      SealingKeyStore store = new SealingKeyStore(h);
      store.lockForProvisioning();
      List<SealingKeyBlob> blobs = store.all();
      if (blobs.isEmpty()) {
        ProvisionSealingKeysResponse r = enclave.provisionSealingKeys(
            ProvisionSealingKeysRequest.newBuilder().setVersion(1).build());
        store.insert(r.getBlobsList(), clock.instant());
        new AuditStore(h, clock).append(new AuditEvent(null, null, "sealing.provision",
            Outcome.SUCCEEDED, null, "{\"version\":1}"));
        return 1;
      }
      int current = store.currentVersion();
      enclave.unsealSealingKeys(UnsealSealingKeysRequest.newBuilder()
          .addAllBlobs(blobs).setCurrentVersion(current).build());
      LOG.info("enclave unsealed {} sealing-key blobs; current version {}", blobs.size(),
          current);
      return null;
    });
    if (provisioned != null) {
      activate(provisioned); // only after the commit
      LOG.info("provisioned sealing keys version 1 (first boot); blobs stored, version activated");
    }
  }

  /**
   * Rotation, in two phases: provisions version current + 1 (pending in the enclave), stores its
   * blobs and commits, then activates it (new wallets are sealed under it; old shares still
   * open). If the store fails nothing is activated and the enclave keeps the old version. If an
   * earlier rotation stored a version but its activation failed (the enclave is still on the
   * version before), this activates that stored version instead of creating another. Returns the
   * version now current.
   *
   * @throws IllegalStateException the enclave is not READY, nothing provisioned yet, or the
   *     enclave's current version is above every stored one (activated by someone else: its
   *     blobs are not stored here)
   */
  public int rotate() {
    HealthResponse health = enclave.health();
    if (health.getState() != EnclaveState.READY) {
      throw new IllegalStateException("the enclave is not ready");
    }
    int enclaveCurrent = health.getCurrentKeyVersion();
    int next = jdbi.inTransaction(h -> {
      SealingKeyStore store = new SealingKeyStore(h);
      store.lockForProvisioning();
      int current = store.currentVersion();
      if (current == 0) {
        throw new IllegalStateException("no sealing keys provisioned yet");
      }
      if (enclaveCurrent > current) {
        throw new IllegalStateException("the enclave's current sealing-key version is not stored");
      }
      if (enclaveCurrent < current) {
        LOG.warn("sealing-key version {} is stored but the enclave is on {}; activating it",
            current, enclaveCurrent);
        return current;
      }
      int version = current + 1;
      ProvisionSealingKeysResponse r = enclave.provisionSealingKeys(
          ProvisionSealingKeysRequest.newBuilder().setVersion(version).build());
      store.insert(r.getBlobsList(), clock.instant());
      new AuditStore(h, clock).append(new AuditEvent(null, null, "sealing.rotate",
          Outcome.SUCCEEDED, null, "{\"version\":" + version + "}"));
      return version;
    });
    activate(next); // only after the commit
    LOG.info("rotated sealing keys to version {}", next);
    return next;
  }

  /** Phase two: names the committed blobs of {@code version} to the enclave. */
  private void activate(int version) {
    List<SealingKeyBlob> stored = jdbi.withHandle(h -> new SealingKeyStore(h).blobsOf(version));
    enclave.activateSealingKey(ActivateSealingKeyRequest.newBuilder()
        .setVersion(version).addAllBlobs(stored).build());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
