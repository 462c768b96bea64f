package io.nitrosign.enclave.service;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.kms.AttestedKmsClient;
import io.nitrosign.enclave.sealing.KmsSealingKeyProvider;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.ProvisionSealingKeysRequest;
import io.nitrosign.proto.v1.ProvisionSealingKeysResponse;
import io.nitrosign.proto.v1.SealingKeyBlob;
import io.nitrosign.proto.v1.ShareKind;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ProvisionSealingKeys{version}}, phase one of creating a sealing-key version: a data key
 * under each KMS key ({@code GenerateDataKey} with Recipient), both plaintexts kept in the enclave
 * as the <em>pending</em> version, the two encrypted blobs returned. SEALED (first boot): version
 * 1. READY (rotation): version = current + 1. Nothing is sealed under a pending version and the
 * current version does not change: only {@code ActivateSealingKey} naming the blobs the parent
 * stored makes it current ({@link ActivateSealingKeyHandler}). A new provision replaces (wipes) a
 * pending one, so a parent whose commit failed provisions again; any caller of the socket can do
 * that, but it cannot change the current version by it.
 * Each data key is generated with the encryption context {@code {deployment, kind, version}}
 * ({@code KmsSealingConfig}), which KMS binds into its blob.
 */
final class ProvisionSealingKeysHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProvisionSealingKeysHandler.class);

  private final KmsSealing sealing;
  private final EnclaveStateMachine stateMachine;

  ProvisionSealingKeysHandler(KmsSealing sealing, EnclaveStateMachine stateMachine) {
    this.sealing = sealing;
    this.stateMachine = stateMachine;
  }

  ProvisionSealingKeysResponse handle(ProvisionSealingKeysRequest request)
      throws EnclaveException {
    int version = request.getVersion();
    int highest = sealing.highestActivated();
    if (version <= 0) {
      throw RequestValidation.invalid("version must be positive");
    }
    if (version <= highest) {
      throw new EnclaveException(ErrorCode.STALE_KEY_VERSION,
          "version is not above the highest activated");
    }
    EnclaveState state = stateMachine.state();
    KmsSealingKeyProvider active = sealing.active();
    if (state == EnclaveState.SEALED) {
      if (version != 1) {
        throw RequestValidation.invalid("first provisioning must be version 1");
      }
    } else if (state == EnclaveState.READY && active != null) {
      if (version != active.currentVersion() + 1) {
        throw RequestValidation.invalid("rotation must create current version + 1");
      }
    } else {
      throw new EnclaveException(ErrorCode.NOT_READY, "enclave is not ready");
    }

    AttestedKmsClient kms = sealing.kms();
    String authKeyId = sealing.config().keyId(ShareKind.AUTH);
    String execKeyId = sealing.config().keyId(ShareKind.EXEC);
    AttestedKmsClient.DataKey auth = kms.generateDataKey(authKeyId,
        sealing.config().encryptionContext(ShareKind.AUTH, version));
    AttestedKmsClient.DataKey exec;
    try {
      exec = kms.generateDataKey(execKeyId,
          sealing.config().encryptionContext(ShareKind.EXEC, version));
    } catch (EnclaveException | RuntimeException e) {
      auth.close();
      throw e;
    }
    List<SealingKeyBlob> blobs = List.of(
        blob(ShareKind.AUTH, version, auth.ciphertextBlob(), authKeyId),
        blob(ShareKind.EXEC, version, exec.ciphertextBlob(), execKeyId));
    sealing.setPending(new KmsSealing.Pending(version, auth.plaintext(), exec.plaintext(), blobs));
    LOG.info("sealing keys version {} provisioned under KMS and pending activation", version);
    return ProvisionSealingKeysResponse.newBuilder().addAllBlobs(blobs).build();
  }

  /**
   * The blob names the key id as configured (not the ARN KMS answers with), so that
   * {@code UnsealSealingKeys} can compare it with the configuration exactly.
   */
  private static SealingKeyBlob blob(ShareKind kind, int version, byte[] ciphertext, String keyId) {
    return SealingKeyBlob.newBuilder()
        .setKind(kind)
        .setVersion(version)
        .setCiphertextBlob(ByteString.copyFrom(ciphertext))
        .setKmsKeyId(keyId)
        .build();
  }
}
