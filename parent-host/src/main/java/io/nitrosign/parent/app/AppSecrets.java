package io.nitrosign.parent.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * App secrets: 32 bytes from {@link SecureRandom}, shown base64url without padding.
 *
 * <p>Stored as a 16-byte random salt and {@code SHA-256(salt || UTF-8(secret))}. A fast hash is
 * appropriate here, unlike for passwords: the secret carries 256 bits of entropy, so no amount
 * of hashing speed makes guessing it feasible, and a slow KDF would only cost every request.
 * Comparison is constant time ({@link MessageDigest#isEqual}).
 */
public final class AppSecrets {
  public static final int SECRET_BYTES = 32;
  public static final int SALT_BYTES = 16;

  /** Salt and hash for a secret. */
  public record Stored(byte[] salt, byte[] hash) {
    @Override
    public String toString() {
      return "Stored[<redacted>]";
    }
  }

  private AppSecrets() {}

  public static String newSecret(SecureRandom random) {
    byte[] raw = new byte[SECRET_BYTES];
    random.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  public static Stored store(String secret, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return new Stored(salt, hash(salt, secret));
  }

  /** Constant-time check of a presented secret against a stored salt and hash. */
  public static boolean matches(String presented, byte[] salt, byte[] expectedHash) {
    return MessageDigest.isEqual(hash(salt, presented), expectedHash);
  }

  static byte[] hash(byte[] salt, String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
