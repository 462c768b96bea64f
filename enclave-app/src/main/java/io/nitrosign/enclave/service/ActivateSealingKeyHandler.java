package io.nitrosign.enclave.service;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.sealing.KmsSealingKeyProvider;
import io.nitrosign.enclave.sealing.SealingKeyProvider;
import io.nitrosign.proto.v1.ActivateSealingKeyRequest;
import io.nitrosign.proto.v1.ActivateSealingKeyResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import java.util.HashSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ActivateSealingKey{version, blobs}}, phase two: the parent has stored the blobs of the
 * pending version and names them; the pending keys become the current version. SEALED (first
 * boot): a provider with version 1 is installed and the enclave becomes READY. READY (rotation):
 * the version is added to the provider and becomes current; older versions stay for opening
 * existing shares.
 *
 * <p>Refused, changing nothing: a version not above the highest activated since boot
 * (STALE_KEY_VERSION), a version that is not the pending one (UNKNOWN_KEY_VERSION), blobs that
 * are not exactly the two returned for it (INVALID_REQUEST).
 */
final class ActivateSealingKeyHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ActivateSealingKeyHandler.class);

  private final KmsSealing sealing;
  private final EnclaveStateMachine stateMachine;
  private final Consumer<SealingKeyProvider> unseal;

  ActivateSealingKeyHandler(KmsSealing sealing, EnclaveStateMachine stateMachine,
      Consumer<SealingKeyProvider> unseal) {
    this.sealing = sealing;
    this.stateMachine = stateMachine;
    this.unseal = unseal;
  }

  ActivateSealingKeyResponse handle(ActivateSealingKeyRequest request) throws EnclaveException {
    int version = request.getVersion();
    if (version <= 0) {
      throw RequestValidation.invalid("version must be positive");
    }
    if (version <= sealing.highestActivated()) {
      throw new EnclaveException(ErrorCode.STALE_KEY_VERSION,
          "version is not above the highest activated");
    }
    KmsSealing.Pending pending = sealing.pending();
    if (pending == null || pending.version() != version) {
      throw new EnclaveException(ErrorCode.UNKNOWN_KEY_VERSION,
          "no provisioned sealing key of that version");
    }
    if (request.getBlobsCount() != pending.blobs().size()
        || !new HashSet<>(request.getBlobsList()).equals(new HashSet<>(pending.blobs()))) {
      throw RequestValidation.invalid("blobs are not the ones provisioned for that version");
    }
    EnclaveState state = stateMachine.state();
    KmsSealingKeyProvider active = sealing.active();
    if (state == EnclaveState.SEALED && active == null) {
      if (version != 1) { // provisioning allows only 1 here; checked again
        throw RequestValidation.invalid("first activation must be version 1");
      }
    } else if (state != EnclaveState.READY || active == null) {
      throw new EnclaveException(ErrorCode.NOT_READY, "enclave is not ready");
    } else if (version != active.currentVersion() + 1) {
      throw RequestValidation.invalid("rotation must activate current version + 1");
    }

    KmsSealing.Pending taken = sealing.takePending(); // the keys are ours from here on
    if (state == EnclaveState.SEALED) {
      KmsSealingKeyProvider provider = new KmsSealingKeyProvider();
      try {
        provider.install(version, taken.auth(), taken.exec());
        provider.makeCurrent(version);
        sealing.activate(provider);
        unseal.accept(provider);
      } catch (EnclaveException | RuntimeException e) {
        sealing.activate(null);
        provider.close();
        throw e;
      }
    } else {
      active.install(version, taken.auth(), taken.exec());
      active.makeCurrent(version);
    }
    sealing.activated(version);
    LOG.info("sealing keys version {} activated; new wallets are sealed under it", version);
    return ActivateSealingKeyResponse.newBuilder().setCurrentVersion(version).build();
  }
}
