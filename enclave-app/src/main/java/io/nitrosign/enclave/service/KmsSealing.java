package io.nitrosign.enclave.service;

import io.nitrosign.enclave.kms.AttestedKmsClient;
import io.nitrosign.enclave.kms.CredentialsHolder;
import io.nitrosign.enclave.kms.KmsSealingConfig;
import io.nitrosign.enclave.sealing.KmsSealingKeyProvider;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.SealingKeyBlob;
import java.util.List;

/**
 * What the KMS handlers share: the configured key ids, the credentials, the attested KMS client
 * and, once provisioned or unsealed, the active key provider (owned by {@link EnclaveService}
 * from then on). The handlers run one at a time on the service's KMS executor.
 *
 * <p>Also the two-phase state of sealing-key versions for this boot: at most one <em>pending</em>
 * version (provisioned, blobs returned, not yet stored by the parent as far as the enclave
 * knows; never used to seal or open anything) and the highest version activated since boot,
 * below or at which nothing is provisioned or activated again.
 */
public final class KmsSealing implements AutoCloseable {

  private final KmsSealingConfig config;
  private final CredentialsHolder credentials;
  private final AttestedKmsClient kms;
  private volatile KmsSealingKeyProvider active;
  private Pending pending;
  private int highestActivated;

  /**
   * A provisioned version waiting for ActivateSealingKey: its two data keys (owned here until
   * they are installed or wiped) and the exact blobs returned for it.
   */
  record Pending(int version, SecretBytes auth, SecretBytes exec, List<SealingKeyBlob> blobs) {
    void wipe() {
      auth.close();
      exec.close();
    }

    @Override
    public String toString() {
      return "Pending[version=" + version + "]";
    }
  }

  public KmsSealing(KmsSealingConfig config, CredentialsHolder credentials, AttestedKmsClient kms) {
    this.config = config;
    this.credentials = credentials;
    this.kms = kms;
  }

  KmsSealingConfig config() {
    return config;
  }

  CredentialsHolder credentials() {
    return credentials;
  }

  AttestedKmsClient kms() {
    return kms;
  }

  /** The provider installed into the service, or null while SEALED. */
  KmsSealingKeyProvider active() {
    return active;
  }

  void activate(KmsSealingKeyProvider provider) {
    this.active = provider;
  }

  /** The pending version, or null. */
  synchronized Pending pending() {
    return pending;
  }

  /** Makes {@code next} the pending version, wiping the one it replaces (if any). */
  synchronized void setPending(Pending next) {
    Pending previous = pending;
    pending = next;
    if (previous != null) {
      previous.wipe();
    }
  }

  /**
   * Hands the pending version over to the caller (who now owns its keys); null if there is none.
   */
  synchronized Pending takePending() {
    Pending p = pending;
    pending = null;
    return p;
  }

  /** The pending version's number, or 0 (for Health). */
  synchronized int pendingVersion() {
    return pending == null ? 0 : pending.version();
  }

  /** The highest version made current since this enclave booted (0: none yet). */
  synchronized int highestActivated() {
    return highestActivated;
  }

  /** Records that {@code version} was made current; the mark never moves down. */
  synchronized void activated(int version) {
    if (version > highestActivated) {
      highestActivated = version;
    }
  }

  /**
   * Wipes the pending keys and closes the KMS client (the key provider is closed by the service).
   */
  @Override
  public void close() {
    setPending(null);
    kms.close();
  }
}
