package io.nitrosign.hpke;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * HPKE base mode (mode_base, RFC 9180), single-shot: {@code SealBase} and {@code OpenBase} of
 * section 6.1 over DHKEM(P-256, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM, AES-256-GCM or
 * ChaCha20Poly1305, built on bc-fips primitives (ECDH, HMAC-SHA-256, AES-GCM, ChaCha20-Poly1305).
 *
 * <p>Base mode authenticates nothing about the sender: anyone holding the recipient's public key
 * can seal to it. Bind the context a message belongs to through {@code info} and {@code aad}.
 *
 * <p>Secrets this class derives (the DH output, the shared secret, the key schedule secret, the
 * AEAD key and base nonce, the ephemeral private key) are wiped before each call returns, on every
 * path. The plaintext {@link #open} returns belongs to the caller, who must wipe it.
 */
public final class Hpke {

  private Hpke() {}

  /** The output of a seal: the encapsulated key (65 bytes) and the ciphertext with its tag. */
  public record Sealed(byte[] enc, byte[] ciphertext) {
    public Sealed {
      enc = enc.clone();
      ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] enc() {
      return enc.clone();
    }

    @Override
    public byte[] ciphertext() {
      return ciphertext.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sealed s
          && Arrays.equals(enc, s.enc) && Arrays.equals(ciphertext, s.ciphertext);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(enc) + Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
      return "Sealed[enc " + enc.length + " bytes, ciphertext " + ciphertext.length + " bytes]";
    }
  }

  /**
   * SealBase(pkR, info, aad, pt) with a fresh ephemeral key from {@code random}.
   *
   * @param recipientPublicKey SEC1 uncompressed P-256 point (65 bytes)
   * @throws HpkeException INVALID_PUBLIC_KEY if the recipient key is not a valid point
   */
  public static Sealed seal(HpkeSuite suite, byte[] recipientPublicKey, byte[] info, byte[] aad,
      byte[] plaintext, SecureRandom random) throws HpkeException {
    Objects.requireNonNull(random, "random");
    try (HpkeKeyPair ephemeral = HpkeKeyPair.generate(random)) {
      return sealWithEphemeral(suite, recipientPublicKey, info, aad, plaintext, ephemeral);
    }
  }

  /**
   * SealBase with a caller-chosen ephemeral key pair: deterministic, for test vectors only. Reusing
   * an ephemeral key for two messages to the same recipient reuses the AEAD key and nonce, which
   * breaks AES-GCM and ChaCha20-Poly1305 alike; production code calls {@link #seal}. The caller keeps (and closes) the key.
   */
  public static Sealed sealWithEphemeral(HpkeSuite suite, byte[] recipientPublicKey, byte[] info,
      byte[] aad, byte[] plaintext, HpkeKeyPair ephemeral) throws HpkeException {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(aad, "aad");
    Objects.requireNonNull(plaintext, "plaintext");
    DhkemP256.Encapsulation encapsulation = DhkemP256.encap(recipientPublicKey, ephemeral);
    try (HpkeContext context = HpkeContext.keySchedule(suite, encapsulation.sharedSecret(), info)) {
      return new Sealed(encapsulation.enc(), context.seal(aad, plaintext));
    } finally {
      Arrays.fill(encapsulation.sharedSecret(), (byte) 0);
    }
  }

  /**
   * OpenBase(enc, skR, info, aad, ct). Returns the plaintext, which the caller owns and must wipe.
   *
   * @throws HpkeException OPEN_FAILED for any failure (malformed or invalid enc, wrong recipient
   *     key, different info or aad, modified ciphertext); the cases are not told apart
   */
  public static byte[] open(HpkeSuite suite, HpkeKeyPair recipient, byte[] enc, byte[] info,
      byte[] aad, byte[] ciphertext) throws HpkeException {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(recipient, "recipient");
    if (enc == null || info == null || aad == null || ciphertext == null) {
      throw HpkeException.openFailed();
    }
    byte[] sharedSecret = DhkemP256.decap(enc, recipient);
    try (HpkeContext context = HpkeContext.keySchedule(suite, sharedSecret, info)) {
      return context.open(aad, ciphertext);
    } finally {
      Arrays.fill(sharedSecret, (byte) 0);
    }
  }
}
