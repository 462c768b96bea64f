package io.nitrosign.hpke;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A DHKEM(P-256, HKDF-SHA256) key pair. The private scalar lives in a 32-byte array this object
 * owns; {@link #close()} overwrites it with zeros and makes the key pair unusable. The public key
 * is SEC1 uncompressed (65 bytes).
 *
 * <p>What is not wiped: each ECDH hands bc-fips a {@code BigInteger} copy of the scalar (see
 * {@link DhkemP256}), and deriving the public key builds one too; both are short-lived library
 * objects that Java cannot clear.
 */
public final class HpkeKeyPair implements AutoCloseable {

  private final byte[] privateKey;
  private final byte[] publicKey;
  private volatile boolean closed;

  private HpkeKeyPair(byte[] ownedPrivateKey) {
    this.privateKey = ownedPrivateKey;
    this.publicKey = DhkemP256.publicKeyOf(ownedPrivateKey);
  }

  /**
   * A fresh key pair: 32 bytes from {@code random}, redrawn until the scalar is in [1, n - 1]
   * (the chance of a redraw is below 2^-32).
   */
  public static HpkeKeyPair generate(SecureRandom random) {
    while (true) {
      byte[] candidate = new byte[DhkemP256.SCALAR_BYTES];
      random.nextBytes(candidate);
      if (DhkemP256.isValidPrivateKey(candidate)) {
        return new HpkeKeyPair(candidate);
      }
      Arrays.fill(candidate, (byte) 0);
    }
  }

  /** DeriveKeyPair(ikm) of RFC 9180 section 7.1.3 (deterministic; {@code ikm} of 32+ bytes). */
  public static HpkeKeyPair derive(byte[] ikm) {
    return new HpkeKeyPair(DhkemP256.derivePrivateKey(ikm));
  }

  /**
   * DeserializePrivateKey: a key pair over a copy of {@code privateKey} (32 bytes big-endian).
   * The caller still owns, and should wipe, its own array.
   */
  public static HpkeKeyPair fromPrivateKey(byte[] privateKey) throws HpkeException {
    if (!DhkemP256.isValidPrivateKey(privateKey)) {
      throw HpkeException.invalidPrivateKey();
    }
    return new HpkeKeyPair(privateKey.clone());
  }

  /** True when {@code publicKey} is a valid SEC1 uncompressed P-256 point. */
  public static boolean isValidPublicKey(byte[] publicKey) {
    return DhkemP256.isValidPublicKey(publicKey);
  }

  /** SerializePublicKey: SEC1 uncompressed, 65 bytes (a copy). Allowed after close. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** A copy of the private key, for tests and key backup; the caller owns and wipes it. */
  public byte[] privateKeyCopy() {
    return privateKeyArray().clone();
  }

  /** The private key array itself, not copied; for this package's KEM only. */
  byte[] privateKeyArray() {
    if (closed) {
      throw new IllegalStateException("hpke key pair already closed");
    }
    return privateKey;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Overwrites the private key with zeros. Idempotent. */
  @Override
  public void close() {
    closed = true;
    Arrays.fill(privateKey, (byte) 0);
  }

  @Override
  public String toString() {
    return "HpkeKeyPair[P-256, private key <redacted>]";
  }
}
