package io.nitrosign.devkit.kms;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local KMS's ciphertext blobs. Opaque to clients (as AWS's are), but for the record:
 *
 * <pre>
 * "NSK" 0x01 | key id (UUID, 16 bytes) | nonce (12 bytes) | AES-256-GCM ciphertext ‖ tag (16)
 * </pre>
 *
 * The associated data is the 20-byte header followed by the encryption context, canonically
 * encoded (pairs sorted by key; each key and value as a 4-byte big-endian length and UTF-8
 * bytes), so a blob decrypts only under its own key and with exactly the same encryption context.
 */
final class CiphertextBlobs {

  private static final byte[] MAGIC = {'N', 'S', 'K', 1};
  private static final int HEADER = MAGIC.length + 16;
  private static final int NONCE = 12;
  private static final int TAG = 16;

  private CiphertextBlobs() {}

  static byte[] seal(KmsKey key, byte[] plaintext, Map<String, String> encryptionContext) {
    byte[] header = header(key.keyId());
    byte[] nonce = Fips.random(NONCE);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding", Fips.provider());
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.material(), "AES"),
          new GCMParameterSpec(TAG * 8, nonce));
      c.updateAAD(aad(header, encryptionContext));
      byte[] ct = c.doFinal(plaintext);
      return ByteBuffer.allocate(HEADER + NONCE + ct.length).put(header).put(nonce).put(ct)
          .array();
    } catch (GeneralSecurityException e) {
      throw KmsError.internal("encryption failed");
    }
  }

  /** The key id a blob names, or empty when the bytes are not a blob of this format. */
  static Optional<UUID> keyIdOf(byte[] blob) {
    if (blob.length < HEADER + NONCE + TAG
        || !Arrays.equals(Arrays.copyOf(blob, MAGIC.length), MAGIC)) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(blob, MAGIC.length, 16);
    return Optional.of(new UUID(b.getLong(), b.getLong()));
  }

  /** Decrypts a blob under its key; any mismatch is InvalidCiphertextException. */
  static byte[] open(KmsKey key, byte[] blob, Map<String, String> encryptionContext) {
    if (!keyIdOf(blob).map(key.keyId()::equals).orElse(false)) {
      throw KmsError.invalidCiphertext("The ciphertext is not valid for this key.");
    }
    byte[] header = Arrays.copyOf(blob, HEADER);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding", Fips.provider());
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.material(), "AES"),
          new GCMParameterSpec(TAG * 8, blob, HEADER, NONCE));
      c.updateAAD(aad(header, encryptionContext));
      return c.doFinal(blob, HEADER + NONCE, blob.length - HEADER - NONCE);
    } catch (AEADBadTagException e) {
      throw KmsError.invalidCiphertext(
          "The ciphertext is invalid, or the encryption context does not match.");
    } catch (GeneralSecurityException e) {
      throw KmsError.invalidCiphertext("The ciphertext could not be decrypted.");
    }
  }

  private static byte[] header(UUID keyId) {
    return ByteBuffer.allocate(HEADER).put(MAGIC).putLong(keyId.getMostSignificantBits())
        .putLong(keyId.getLeastSignificantBits()).array();
  }

  private static byte[] aad(byte[] header, Map<String, String> encryptionContext) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    for (Map.Entry<String, String> e : new TreeMap<>(encryptionContext).entrySet()) {
      lengthPrefixed(out, e.getKey().getBytes(StandardCharsets.UTF_8));
      lengthPrefixed(out, e.getValue().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static void lengthPrefixed(ByteArrayOutputStream out, byte[] b) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
    out.writeBytes(b);
  }
}
