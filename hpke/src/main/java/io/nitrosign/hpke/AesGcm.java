package io.nitrosign.hpke;

import org.bouncycastle.crypto.SymmetricSecretKey;
import org.bouncycastle.crypto.fips.FipsAES;

/**
 * AES-GCM with a 12-byte nonce and a 16-byte tag appended to the ciphertext, on bc-fips's
 * low-level AEAD API (through {@link BcAead}). bc-fips copies the key into its
 * {@code SymmetricSecretKey}, which we destroy after each call (zeroing that copy); its AES key
 * schedule and GHASH state are its own.
 */
final class AesGcm {

  private static final int TAG_BITS = HpkeSuite.Aead.TAG_LENGTH * 8;
  private static final BcAead<FipsAES.AuthParameters> AEAD = new BcAead<>(
      new FipsAES.AEADOperatorFactory(),
      key -> new SymmetricSecretKey(FipsAES.GCM, key),
      nonce -> FipsAES.GCM.withIV(nonce).withMACSize(TAG_BITS));

  private AesGcm() {}

  static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext)
      throws HpkeException {
    return AEAD.seal(key, nonce, aad, plaintext);
  }

  /** Returns the plaintext (the caller owns and wipes it) or fails with OPEN_FAILED. */
  static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext)
      throws HpkeException {
    return AEAD.open(key, nonce, aad, ciphertext);
  }
}
