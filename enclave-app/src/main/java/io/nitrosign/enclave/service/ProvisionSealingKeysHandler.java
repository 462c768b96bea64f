package io.nitrosign.enclave.service;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.kms.AttestedKmsClient;
import io.nitrosign.enclave.sealing.KmsSealingKeyProvider;
import io.nitrosign.enclave.sealing.SealingKeyProvider;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.ProvisionSealingKeysRequest;
import io.nitrosign.proto.v1.ProvisionSealingKeysResponse;
import io.nitrosign.proto.v1.SealingKeyBlob;
import io.nitrosign.proto.v1.ShareKind;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ProvisionSealingKeys{version}}. SEALED (first boot, version 1): a data key under each KMS
 * key ({@code GenerateDataKey} with Recipient), both plaintexts kept in the enclave, the enclave
 * becomes READY. READY (rotation, version = current + 1): the new pair is added and becomes
 * current; older versions stay for opening existing shares. Returns the two encrypted blobs the
 * parent must store before it relies on the new version. Each data key is generated with the
 * encryption context {@code {deployment, kind, version}} ({@code KmsSealingConfig}), which
 * KMS binds into its blob.
 */
final class ProvisionSealingKeysHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProvisionSealingKeysHandler.class);

  private final KmsSealing sealing;
  private final EnclaveStateMachine stateMachine;
  private final Consumer<SealingKeyProvider> unseal;

  ProvisionSealingKeysHandler(KmsSealing sealing, EnclaveStateMachine stateMachine,
      Consumer<SealingKeyProvider> unseal) {
    this.sealing = sealing;
    this.stateMachine = stateMachine;
    this.unseal = unseal;
  }

  ProvisionSealingKeysResponse handle(ProvisionSealingKeysRequest request)
      throws EnclaveException {
    int version = request.getVersion();
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

    if (state == EnclaveState.SEALED) {
      KmsSealingKeyProvider provider = new KmsSealingKeyProvider();
      try {
        provider.install(version, auth.plaintext(), exec.plaintext());
        provider.makeCurrent(version);
        sealing.activate(provider);
        unseal.accept(provider);
      } catch (EnclaveException | RuntimeException e) {
        provider.close();
        throw e;
      }
    } else {
      active.install(version, auth.plaintext(), exec.plaintext());
      active.makeCurrent(version);
    }
    LOG.info("sealing keys version {} provisioned under KMS; current version is {}", version,
        version);
    return ProvisionSealingKeysResponse.newBuilder()
        .addBlobs(blob(ShareKind.AUTH, version, auth.ciphertextBlob(), authKeyId))
        .addBlobs(blob(ShareKind.EXEC, version, exec.ciphertextBlob(), execKeyId))
        .build();
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
