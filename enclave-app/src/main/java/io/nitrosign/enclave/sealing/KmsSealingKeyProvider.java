package io.nitrosign.enclave.sealing;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.ShareKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sealing data keys KMS released to this enclave: per version one AUTH and one EXEC AES-256
 * key. A version is installed only as a complete pair, so every version held can seal and open
 * both shares. Thread-safe: signing threads read keys while a rotation adds a version.
 *
 * <p>Keys are borrowed by {@link ShareSealer} for the length of one operation; {@link #close()}
 * wipes them all (at shutdown, after the executor stopped).
 */
public final class KmsSealingKeyProvider implements SealingKeyProvider {

  /** Bytes of an AES-256 data key. */
  public static final int KEY_BYTES = 32;

  private final Map<Integer, SecretBytes[]> keys = new TreeMap<>();
  private int current;
  private boolean closed;

  /**
   * Installs {@code auth} and {@code exec} as {@code version}; the provider owns them from now on
   * (also when this throws: they are wiped).
   *
   * @throws EnclaveException INVALID_REQUEST if the version is held already or not positive, or a
   *     key is not 32 bytes
   */
  public synchronized void install(int version, SecretBytes auth, SecretBytes exec)
      throws EnclaveException {
    try {
      if (closed) {
        throw new IllegalStateException("provider closed");
      }
      if (version <= 0 || keys.containsKey(version)) {
        throw new EnclaveException(ErrorCode.INVALID_REQUEST, "sealing key version already held");
      }
      if (auth.length() != KEY_BYTES || exec.length() != KEY_BYTES) {
        throw new EnclaveException(ErrorCode.KMS_ERROR, "kms data key has the wrong size");
      }
    } catch (EnclaveException | RuntimeException e) {
      auth.close();
      exec.close();
      throw e;
    }
    keys.put(version, new SecretBytes[] {auth, exec});
  }

  /**
   * Makes {@code version} the one new shares are sealed under.
   *
   * @throws EnclaveException UNKNOWN_KEY_VERSION if it is not held
   */
  public synchronized void makeCurrent(int version) throws EnclaveException {
    if (!keys.containsKey(version)) {
      throw new EnclaveException(ErrorCode.UNKNOWN_KEY_VERSION, "unknown sealing key version");
    }
    current = version;
  }

  /** True once a current version is set (both kinds of it are held). */
  public synchronized boolean hasCurrent() {
    return current != 0;
  }

  @Override
  public synchronized int currentVersion() {
    return current;
  }

  @Override
  public synchronized SecretBytes key(ShareKind kind, int version) throws EnclaveException {
    SecretBytes[] pair = keys.get(version);
    if (pair == null) {
      throw new EnclaveException(ErrorCode.UNKNOWN_KEY_VERSION, "unknown sealing key version");
    }
    switch (kind) {
      case AUTH:
        return pair[0];
      case EXEC:
        return pair[1];
      default:
        throw new EnclaveException(ErrorCode.INVALID_REQUEST, "invalid share kind");
    }
  }

  @Override
  public synchronized List<Integer> versions() {
    return List.copyOf(new ArrayList<>(keys.keySet()));
  }

  @Override
  public String source() {
    return "kms";
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (SecretBytes[] pair : keys.values()) {
      pair[0].close();
      pair[1].close();
    }
    keys.clear();
    current = 0;
  }

  @Override
  public synchronized String toString() {
    return "KmsSealingKeyProvider[versions=" + keys.keySet() + ", current=" + current + "]";
  }
}
