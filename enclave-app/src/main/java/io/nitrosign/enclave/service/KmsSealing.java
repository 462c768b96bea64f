package io.nitrosign.enclave.service;

import io.nitrosign.enclave.kms.AttestedKmsClient;
import io.nitrosign.enclave.kms.CredentialsHolder;
import io.nitrosign.enclave.kms.KmsSealingConfig;
import io.nitrosign.enclave.sealing.KmsSealingKeyProvider;

/**
 * What the KMS handlers share: the configured key ids, the credentials, the attested KMS client
 * and, once provisioned or unsealed, the active key provider (owned by {@link EnclaveService}
 * from then on). The handlers run one at a time on the service's KMS executor.
 */
public final class KmsSealing implements AutoCloseable {

  private final KmsSealingConfig config;
  private final CredentialsHolder credentials;
  private final AttestedKmsClient kms;
  private volatile KmsSealingKeyProvider active;

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

  /** Closes the KMS client (the key provider is closed by the service). */
  @Override
  public void close() {
    kms.close();
  }
}
