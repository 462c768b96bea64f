package io.nitrosign.enclave.sealing;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.enclave.secret.Wipe;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.ShareKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST FIXTURE, INSECURE. Keeps the two sealing data keys (auth, exec; version 1) in plain text
 * in a file, so tests can restart a service over the same keys. The enclave itself takes its
 * sealing keys only from KMS (the devkit's local KMS in local mode); this class is not part of
 * the enclave application.
 *
 * <p>File format ({@value #FILE_NAME}, mode 0600): the 8-byte magic {@code NSLDSK1\n}, then the
 * 32-byte auth key, then the 32-byte exec key.
 */
public final class LocalDevSealingKeyProvider implements SealingKeyProvider {

  /** Name of the key file inside the directory. */
  public static final String FILE_NAME = "local-dev-sealing-keys.bin";
  /** The only key version this provider holds. */
  public static final int VERSION = 1;

  private static final Logger LOG = LoggerFactory.getLogger(LocalDevSealingKeyProvider.class);
  private static final byte[] MAGIC = "NSLDSK1\n".getBytes(StandardCharsets.US_ASCII);
  private static final int FILE_BYTES = MAGIC.length + 64;

  private final SecretBytes authKey;
  private final SecretBytes execKey;
  private final Path file;

  private LocalDevSealingKeyProvider(SecretBytes authKey, SecretBytes execKey, Path file) {
    this.authKey = authKey;
    this.execKey = execKey;
    this.file = file;
  }

  /**
   * Loads the keys from {@code directory}, creating the directory (0700) and a fresh key file
   * (0600) on first use.
   */
  public static LocalDevSealingKeyProvider openOrCreate(Path directory, SecureRandom random)
      throws IOException {
    Files.createDirectories(directory);
    Path file = directory.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      byte[] content = new byte[FILE_BYTES];
      System.arraycopy(MAGIC, 0, content, 0, MAGIC.length);
      byte[] keys = new byte[64];
      random.nextBytes(keys);
      System.arraycopy(keys, 0, content, MAGIC.length, 64);
      Wipe.wipe(keys);
      try {
        Path tmp = directory.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        Files.write(tmp, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        LOG.warn("LOCAL MODE: created a new INSECURE local sealing-key file {}", file);
      } catch (FileAlreadyExistsException e) {
        // another process won the race: fall through and read its file
      } finally {
        Wipe.wipe(content);
      }
    }
    byte[] content = Files.readAllBytes(file);
    try {
      if (content.length != FILE_BYTES
          || !Arrays.equals(Arrays.copyOf(content, MAGIC.length), MAGIC)) {
        throw new IOException("not a local sealing-key file: " + file);
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        LOG.warn("LOCAL MODE: sealing-key file {} is readable by others ({})", file,
            PosixFilePermissions.toString(perms));
      }
      SecretBytes auth = SecretBytes.takeOwnership(Arrays.copyOfRange(content, MAGIC.length, MAGIC.length + 32));
      SecretBytes exec = SecretBytes.takeOwnership(Arrays.copyOfRange(content, MAGIC.length + 32, FILE_BYTES));
      LOG.warn("LOCAL MODE ONLY: sealing keys are read from a plain file ({}). This is INSECURE"
          + " and must never be used with real funds.", file);
      return new LocalDevSealingKeyProvider(auth, exec, file);
    } finally {
      Wipe.wipe(content);
    }
  }

  @Override
  public int currentVersion() {
    return VERSION;
  }

  @Override
  public SecretBytes key(ShareKind kind, int version) throws EnclaveException {
    if (version != VERSION) {
      throw new EnclaveException(ErrorCode.UNKNOWN_KEY_VERSION, "unknown sealing key version");
    }
    switch (kind) {
      case AUTH:
        return authKey;
      case EXEC:
        return execKey;
      default:
        throw new EnclaveException(ErrorCode.INVALID_REQUEST, "invalid share kind");
    }
  }

  @Override
  public String source() {
    return "local-dev-file";
  }

  @Override
  public void close() {
    authKey.close();
    execKey.close();
  }

  @Override
  public String toString() {
    return "LocalDevSealingKeyProvider[" + file + "]";
  }
}
