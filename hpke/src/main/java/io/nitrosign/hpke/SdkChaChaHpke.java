package io.nitrosign.hpke;

import java.security.SecureRandom;

/**
 * HPKE base mode with DHKEM(P-256, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305 (aead_id
 * 0x0003, RFC 9180 section 7.3): the suite Privy's SDK uses to receive secrets from the server
 * (its {@code setupHPKERecipient}), single-shot, sequence number 0.
 *
 * <p>The suite is now {@link HpkeSuite#DHKEM_P256_HKDF_SHA256_CHACHA20_POLY1305} (checked against
 * RFC 9180 Appendix A.5 in the tests, AEAD from bc-fips), so this class only delegates to
 * {@link Hpke}; it stays for its callers. New code calls {@link Hpke} with that suite, or
 * {@link PrivyEnvelope} for Privy's empty info and aad.
 */
public final class SdkChaChaHpke {

  private static final HpkeSuite SUITE = HpkeSuite.DHKEM_P256_HKDF_SHA256_CHACHA20_POLY1305;

  private SdkChaChaHpke() {}

  /**
   * SealBase(pkR, info, aad, pt) with a fresh ephemeral key.
   *
   * @param recipientPublicKey SEC1 uncompressed P-256 point (65 bytes)
   * @throws HpkeException INVALID_PUBLIC_KEY for a bad recipient key
   */
  public static Hpke.Sealed seal(byte[] recipientPublicKey, byte[] info, byte[] aad,
      byte[] plaintext, SecureRandom random) throws HpkeException {
    return Hpke.seal(SUITE, recipientPublicKey, info, aad, plaintext, random);
  }

  /** SealBase with a given ephemeral key: deterministic, for test vectors only. */
  static Hpke.Sealed sealWithEphemeral(byte[] recipientPublicKey, byte[] info, byte[] aad,
      byte[] plaintext, HpkeKeyPair ephemeral) throws HpkeException {
    return Hpke.sealWithEphemeral(SUITE, recipientPublicKey, info, aad, plaintext, ephemeral);
  }

  /**
   * OpenBase(enc, skR, info, aad, ct); the plaintext is the caller's to wipe.
   *
   * @throws HpkeException OPEN_FAILED for every failure
   */
  public static byte[] open(HpkeKeyPair recipient, byte[] enc, byte[] info, byte[] aad,
      byte[] ciphertext) throws HpkeException {
    return Hpke.open(SUITE, recipient, enc, info, aad, ciphertext);
  }
}
