package io.nitrosign.hpke;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * HPKE base mode with DHKEM(P-256, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305 (aead_id
 * 0x0003, RFC 9180 section 7.3): the suite Privy's SDK uses to receive secrets from the server
 * (its {@code setupHPKERecipient}), single-shot, sequence number 0. The KEM and key schedule are
 * this module's ({@link DhkemP256}, {@link Hkdf}); the AEAD is the JDK's
 * {@code ChaCha20-Poly1305} (bc-fips has none: ChaCha20 is not a FIPS algorithm).
 *
 * <p>Kept apart from {@link Hpke} and {@link HpkeSuite} on purpose, so the suite can later join
 * {@link HpkeSuite.Aead} without this class being in the way; callers should then move to
 * {@link Hpke#seal} with that suite.
 */
public final class SdkChaChaHpke {

  /** aead_id of ChaCha20-Poly1305. */
  static final int AEAD_ID = 0x0003;
  static final int KEY_LENGTH = 32;
  static final int NONCE_LENGTH = 12;

  private static final byte[] SUITE_ID = {'H', 'P', 'K', 'E',
      0x00, 0x10, // DHKEM(P-256, HKDF-SHA256)
      0x00, 0x01, // HKDF-SHA256
      0x00, 0x03}; // ChaCha20Poly1305

  private SdkChaChaHpke() {}

  /**
   * SealBase(pkR, info, aad, pt) with a fresh ephemeral key.
   *
   * @param recipientPublicKey SEC1 uncompressed P-256 point (65 bytes)
   * @throws HpkeException INVALID_PUBLIC_KEY for a bad recipient key
   */
  public static Hpke.Sealed seal(byte[] recipientPublicKey, byte[] info, byte[] aad,
      byte[] plaintext, SecureRandom random) throws HpkeException {
    Objects.requireNonNull(random, "random");
    try (HpkeKeyPair ephemeral = HpkeKeyPair.generate(random)) {
      return sealWithEphemeral(recipientPublicKey, info, aad, plaintext, ephemeral);
    }
  }

  /** SealBase with a given ephemeral key: deterministic, for test vectors only. */
  static Hpke.Sealed sealWithEphemeral(byte[] recipientPublicKey, byte[] info, byte[] aad,
      byte[] plaintext, HpkeKeyPair ephemeral) throws HpkeException {
    DhkemP256.Encapsulation encapsulation = DhkemP256.encap(recipientPublicKey, ephemeral);
    byte[][] keyNonce = keySchedule(encapsulation.sharedSecret(), info);
    try {
      return new Hpke.Sealed(encapsulation.enc(),
          aead(Cipher.ENCRYPT_MODE, keyNonce[0], keyNonce[1], aad, plaintext));
    } finally {
      Arrays.fill(encapsulation.sharedSecret(), (byte) 0);
      Arrays.fill(keyNonce[0], (byte) 0);
      Arrays.fill(keyNonce[1], (byte) 0);
    }
  }

  /**
   * OpenBase(enc, skR, info, aad, ct); the plaintext is the caller's to wipe.
   *
   * @throws HpkeException OPEN_FAILED for every failure
   */
  public static byte[] open(HpkeKeyPair recipient, byte[] enc, byte[] info, byte[] aad,
      byte[] ciphertext) throws HpkeException {
    byte[] sharedSecret = DhkemP256.decap(enc, recipient);
    byte[][] keyNonce = keySchedule(sharedSecret, info);
    try {
      return aead(Cipher.DECRYPT_MODE, keyNonce[0], keyNonce[1], aad, ciphertext);
    } catch (HpkeException e) {
      throw HpkeException.openFailed();
    } finally {
      Arrays.fill(sharedSecret, (byte) 0);
      Arrays.fill(keyNonce[0], (byte) 0);
      Arrays.fill(keyNonce[1], (byte) 0);
    }
  }

  /** KeySchedule(mode_base, shared_secret, info, "", ""): {key, base_nonce}. */
  static byte[][] keySchedule(byte[] sharedSecret, byte[] info) {
    byte[] pskIdHash = Hkdf.labeledExtract(SUITE_ID, new byte[0], "psk_id_hash", new byte[0]);
    byte[] infoHash = Hkdf.labeledExtract(SUITE_ID, new byte[0], "info_hash", info);
    byte[] context = new byte[1 + pskIdHash.length + infoHash.length];
    context[0] = 0x00; // mode_base
    System.arraycopy(pskIdHash, 0, context, 1, pskIdHash.length);
    System.arraycopy(infoHash, 0, context, 1 + pskIdHash.length, infoHash.length);
    byte[] secret = Hkdf.labeledExtract(SUITE_ID, sharedSecret, "secret", new byte[0]);
    try {
      return new byte[][] {
          Hkdf.labeledExpand(SUITE_ID, secret, "key", context, KEY_LENGTH),
          Hkdf.labeledExpand(SUITE_ID, secret, "base_nonce", context, NONCE_LENGTH)};
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private static byte[] aead(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input)
      throws HpkeException {
    try {
      Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
      c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
      c.updateAAD(aad);
      return c.doFinal(input);
    } catch (javax.crypto.AEADBadTagException e) {
      throw HpkeException.openFailed();
    } catch (GeneralSecurityException e) {
      throw HpkeException.internal();
    }
  }
}
