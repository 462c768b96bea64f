package io.nitrosign.enclave.sealing;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.ShareKind;

/**
 * Holds the AES-256 data keys that seal wallet shares, one per {@link ShareKind} and key version.
 * The enclave's implementation is {@link KmsSealingKeyProvider}: data keys released by KMS to
 * the attested enclave (in local mode, by the devkit's local KMS to the simulated NSM). Tests
 * use a file-backed fixture.
 */
public interface SealingKeyProvider extends AutoCloseable {

  /** The version new shares are sealed under. */
  int currentVersion();

  /**
   * The data key for {@code kind} and {@code version}, borrowed: it stays owned by the provider,
   * the caller must neither keep nor close it.
   *
   * @throws EnclaveException UNKNOWN_KEY_VERSION if this provider does not hold that version
   */
  SecretBytes key(ShareKind kind, int version) throws EnclaveException;

  /** Every version held, ascending (for Health). */
  default java.util.List<Integer> versions() {
    return java.util.List.of(currentVersion());
  }

  /** Where the keys come from, for Health: e.g. "local-dev-file" or "kms". */
  String source();

  /** Wipes every key. */
  @Override
  void close();
}
