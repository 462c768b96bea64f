package io.nitrosign.enclave.service;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.kms.CredentialsHolder;
import io.nitrosign.proto.v1.SetCredentialsRequest;
import io.nitrosign.proto.v1.SetCredentialsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code SetCredentials} (SEALED and READY): replaces the AWS credentials for KMS calls. */
final class SetCredentialsHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SetCredentialsHandler.class);

  private final CredentialsHolder credentials;

  SetCredentialsHandler(CredentialsHolder credentials) {
    this.credentials = credentials;
  }

  SetCredentialsResponse handle(SetCredentialsRequest request) throws EnclaveException {
    credentials.set(request);
    LOG.info("AWS credentials set, expiring at {} (epoch millis)", credentials.expiresAtMillis());
    return SetCredentialsResponse.getDefaultInstance();
  }
}
