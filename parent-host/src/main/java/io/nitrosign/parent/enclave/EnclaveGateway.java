package io.nitrosign.parent.enclave;

import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GenerateKeyResponse;
import io.nitrosign.proto.v1.HealthResponse;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;

/**
 * The parent's view of the enclave: typed request/response pairs, blocking, with the configured
 * deadline. Every failure is an {@link EnclaveCallException}; an {@code Error} body is one too.
 */
public interface EnclaveGateway extends AutoCloseable {

  HealthResponse health();

  GenerateKeyResponse generateKey(GenerateKeyRequest request);

  SignResponse sign(SignRequest request);

  @Override
  void close();
}
