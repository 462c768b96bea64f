package io.nitrosign.parent.enclave;

import io.nitrosign.proto.v1.ActivateSealingKeyRequest;
import io.nitrosign.proto.v1.ActivateSealingKeyResponse;
import io.nitrosign.proto.v1.ExportKeyRequest;
import io.nitrosign.proto.v1.ExportKeyResponse;
import io.nitrosign.proto.v1.UpdateAuthorityResponse;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GenerateKeyResponse;
import io.nitrosign.proto.v1.GetAttestationRequest;
import io.nitrosign.proto.v1.GetAttestationResponse;
import io.nitrosign.proto.v1.GetImportKeyRequest;
import io.nitrosign.proto.v1.GetImportKeyResponse;
import io.nitrosign.proto.v1.HealthResponse;
import io.nitrosign.proto.v1.ImportKeyRequest;
import io.nitrosign.proto.v1.ImportKeyResponse;
import io.nitrosign.proto.v1.ProvisionSealingKeysRequest;
import io.nitrosign.proto.v1.ProvisionSealingKeysResponse;
import io.nitrosign.proto.v1.ResealRequest;
import io.nitrosign.proto.v1.ResealResponse;
import io.nitrosign.proto.v1.SetCredentialsRequest;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.UnsealSealingKeysRequest;
import io.nitrosign.proto.v1.UnsealSealingKeysResponse;

/**
 * The parent's view of the enclave: typed request/response pairs, blocking, with the configured
 * deadline. Every failure is an {@link EnclaveCallException}; an {@code Error} body is one too.
 */
public interface EnclaveGateway extends AutoCloseable {

  HealthResponse health();

  GenerateKeyResponse generateKey(GenerateKeyRequest request);

  SignResponse sign(SignRequest request);

  GetAttestationResponse getAttestation(GetAttestationRequest request);

  /** Has the enclave's response key sign an audit checkpoint (the chain head). */
  io.nitrosign.proto.v1.SignAuditCheckpointResponse signAuditCheckpoint(
      io.nitrosign.proto.v1.SignAuditCheckpointRequest request);

  void setCredentials(SetCredentialsRequest request);

  ProvisionSealingKeysResponse provisionSealingKeys(ProvisionSealingKeysRequest request);

  /** Makes a provisioned (pending) sealing-key version current, naming the blobs stored for it. */
  ActivateSealingKeyResponse activateSealingKey(ActivateSealingKeyRequest request);

  UnsealSealingKeysResponse unsealSealingKeys(UnsealSealingKeysRequest request);

  ResealResponse reseal(ResealRequest request);

  GetImportKeyResponse getImportKey(GetImportKeyRequest request);

  ImportKeyResponse importKey(ImportKeyRequest request);

  ExportKeyResponse exportKey(ExportKeyRequest request);

  UpdateAuthorityResponse updateAuthority(io.nitrosign.proto.v1.UpdateAuthorityRequest request);

  /** Verifies a user's JWT in the enclave and mints an HPKE-encrypted session key. */
  default io.nitrosign.proto.v1.AuthenticateUserResponse authenticateUser(
      io.nitrosign.proto.v1.AuthenticateUserRequest request) {
    throw new UnsupportedOperationException("authenticateUser");
  }

  @Override
  void close();
}
