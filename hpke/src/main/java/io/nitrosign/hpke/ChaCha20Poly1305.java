package io.nitrosign.hpke;

import org.bouncycastle.crypto.SymmetricSecretKey;
import org.bouncycastle.crypto.general.ChaCha20;

/**
 * ChaCha20-Poly1305 (RFC 8439) with a 12-byte nonce and the 16-byte tag appended to the
 * ciphertext: HPKE's aead_id 0x0003, the AEAD of Privy's key import and export. It comes from
 * bc-fips's general (non-approved) algorithms, {@code org.bouncycastle.crypto.general.ChaCha20},
 * so the module keeps one provider and the same key handling as {@link AesGcm} (both run through
 * {@link BcAead}): bc-fips copies the key into its {@code SymmetricSecretKey}, which we destroy
 * after each call (zeroing that copy); its cipher state is its own. The enclave does not run
 * bc-fips in approved-only mode (which would refuse this algorithm); the JDK's SunJCE
 * {@code ChaCha20-Poly1305} gives the same bytes and is what the tests compare against.
 */
final class ChaCha20Poly1305 {

  private static final BcAead<ChaCha20.AuthParameters> AEAD = new BcAead<>(
      new ChaCha20.AEADOperatorFactory(),
      key -> new SymmetricSecretKey(ChaCha20.ALGORITHM, key),
      nonce -> ChaCha20.WithPoly1305.withIV(nonce));

  private ChaCha20Poly1305() {}

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
