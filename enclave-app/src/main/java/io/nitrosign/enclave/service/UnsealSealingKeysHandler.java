package io.nitrosign.enclave.service;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.kms.AttestedKmsClient;
import io.nitrosign.enclave.sealing.KmsSealingKeyProvider;
import io.nitrosign.enclave.sealing.SealingKeyProvider;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.SealingKeyBlob;
import io.nitrosign.proto.v1.ShareKind;
import io.nitrosign.proto.v1.UnsealSealingKeysRequest;
import io.nitrosign.proto.v1.UnsealSealingKeysResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code UnsealSealingKeys{blobs, current_version}} (SEALED only): every blob is checked first
 * (share kind, version, size, and that it names the KMS key configured for its kind), then each is
 * decrypted by KMS with the attestation Recipient and the encryption context of its kind and
 * version (a blob presented under another kind or version, or from another deployment, is
 * refused by KMS). Only when every version's AUTH and EXEC key
 * are in hand does the enclave install them and become READY; any failure wipes what was
 * decrypted and leaves it SEALED.
 *
 * <p>{@code current_version} must be the highest version among the blobs: the enclave keeps
 * nothing across a restart, so the parent's stored versions (which only grow) are the record of
 * what was activated, and the highest of them becomes both current and the floor below which
 * nothing is provisioned or activated during this boot. A pending version (provisioned in this
 * SEALED boot, never activated) is wiped.
 */
final class UnsealSealingKeysHandler {

  private static final Logger LOG = LoggerFactory.getLogger(UnsealSealingKeysHandler.class);
  /** KMS ciphertext blobs are at most 6144 bytes. */
  static final int MAX_BLOB_BYTES = 6144;
  static final int MAX_VERSIONS = 256;

  private final KmsSealing sealing;
  private final EnclaveStateMachine stateMachine;
  private final Consumer<SealingKeyProvider> unseal;

  UnsealSealingKeysHandler(KmsSealing sealing, EnclaveStateMachine stateMachine,
      Consumer<SealingKeyProvider> unseal) {
    this.sealing = sealing;
    this.stateMachine = stateMachine;
    this.unseal = unseal;
  }

  UnsealSealingKeysResponse handle(UnsealSealingKeysRequest request) throws EnclaveException {
    if (stateMachine.state() != EnclaveState.SEALED) {
      throw new EnclaveException(ErrorCode.NOT_READY, "enclave is not sealed");
    }
    Map<Integer, SealingKeyBlob[]> byVersion = validate(request);
    AttestedKmsClient kms = sealing.kms();
    KmsSealingKeyProvider provider = new KmsSealingKeyProvider();
    try {
      for (Map.Entry<Integer, SealingKeyBlob[]> e : byVersion.entrySet()) {
        SecretBytes auth = decrypt(kms, e.getValue()[0]);
        SecretBytes exec;
        try {
          exec = decrypt(kms, e.getValue()[1]);
        } catch (EnclaveException | RuntimeException ex) {
          auth.close();
          throw ex;
        }
        provider.install(e.getKey(), auth, exec);
      }
      provider.makeCurrent(request.getCurrentVersion());
      sealing.setPending(null);
      sealing.activate(provider);
      unseal.accept(provider);
      sealing.activated(request.getCurrentVersion());
    } catch (EnclaveException | RuntimeException e) {
      provider.close();
      throw e;
    }
    LOG.info("sealing keys unsealed by KMS: versions {}, current {}", byVersion.keySet(),
        request.getCurrentVersion());
    return UnsealSealingKeysResponse.newBuilder().addAllVersions(byVersion.keySet()).build();
  }

  private SecretBytes decrypt(AttestedKmsClient kms, SealingKeyBlob blob)
      throws EnclaveException {
    return kms.decrypt(blob.getKmsKeyId(), blob.getCiphertextBlob().toByteArray(),
        sealing.config().encryptionContext(blob.getKind(), blob.getVersion()));
  }

  /** Versions ascending, each with its AUTH blob at [0] and EXEC blob at [1]. */
  private TreeMap<Integer, SealingKeyBlob[]> validate(UnsealSealingKeysRequest request)
      throws EnclaveException {
    if (request.getBlobsCount() == 0 || request.getBlobsCount() > 2 * MAX_VERSIONS) {
      throw RequestValidation.invalid("between 2 and 512 blobs are required");
    }
    TreeMap<Integer, SealingKeyBlob[]> byVersion = new TreeMap<>();
    for (SealingKeyBlob blob : request.getBlobsList()) {
      int slot;
      if (blob.getKind() == ShareKind.AUTH) {
        slot = 0;
      } else if (blob.getKind() == ShareKind.EXEC) {
        slot = 1;
      } else {
        throw RequestValidation.invalid("blob kind must be AUTH or EXEC");
      }
      if (blob.getVersion() <= 0) {
        throw RequestValidation.invalid("blob version must be positive");
      }
      if (blob.getCiphertextBlob().isEmpty() || blob.getCiphertextBlob().size() > MAX_BLOB_BYTES) {
        throw RequestValidation.invalid("blob ciphertext must be 1 to 6144 bytes");
      }
      if (!sealing.config().keyId(blob.getKind()).equals(blob.getKmsKeyId())) {
        throw RequestValidation.invalid("blob names a kms key this enclave is not configured for");
      }
      SealingKeyBlob[] pair = byVersion.computeIfAbsent(blob.getVersion(), v -> new SealingKeyBlob[2]);
      if (pair[slot] != null) {
        throw RequestValidation.invalid("duplicate blob for a kind and version");
      }
      pair[slot] = blob;
    }
    for (SealingKeyBlob[] pair : byVersion.values()) {
      if (pair[0] == null || pair[1] == null) {
        throw RequestValidation.invalid("every version needs an AUTH and an EXEC blob");
      }
    }
    if (!byVersion.containsKey(request.getCurrentVersion())) {
      throw RequestValidation.invalid("current_version has no blobs");
    }
    if (byVersion.lastKey() != request.getCurrentVersion()) {
      throw RequestValidation.invalid("current_version must be the highest stored version");
    }
    return byVersion;
  }
}
