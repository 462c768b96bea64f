package io.nitrosign.enclave.crypto;

import io.nitrosign.enclave.secret.SecretBytes;
import java.math.BigInteger;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Deterministic ECDSA over secp256k1 (RFC 6979, HMAC-SHA-256) on a caller-supplied 32-byte
 * digest, with low-S normalisation and a recovery id. Point arithmetic is bc-fips's
 * {@code org.bouncycastle.math.ec} (fixed-point comb for k·G and d·G); nonces come from
 * {@link Rfc6979} over bc-fips HMAC-SHA-256.
 *
 * <p>The private key lives in a {@link SecretBytes} owned by this object and wiped by
 * {@link #close()}. The {@code BigInteger} copies that the arithmetic needs are library objects
 * that Java cannot wipe; they are created per call and dropped at once.
 */
public final class Secp256k1Signer implements PublicKeySign {

  private final SecretBytes privateKey;
  private final byte[] publicKey;

  private Secp256k1Signer(SecretBytes privateKey, byte[] publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /**
   * Creates a signer over a copy of {@code privateKey} (32 bytes big-endian). The caller keeps
   * ownership of (and closes) its own secret.
   *
   * @throws IllegalArgumentException if the key is not 32 bytes or is 0 or at least n
   */
  public static Secp256k1Signer create(SecretBytes privateKey) {
    if (privateKey.length() != 32) {
      throw new IllegalArgumentException("private key must be 32 bytes");
    }
    BigInteger d = privateKey.apply(b -> new BigInteger(1, b));
    if (d.signum() == 0 || d.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("private key out of range");
    }
    byte[] pub = new FixedPointCombMultiplier().multiply(Secp256k1.G, d).normalize().getEncoded(false);
    return new Secp256k1Signer(privateKey.apply(SecretBytes::new), pub);
  }

  /** True when {@code key} (32 bytes) is a valid secp256k1 private key, 1 &lt;= d &lt; n. */
  public static boolean isValidPrivateKey(byte[] key) {
    if (key.length != 32) {
      return false;
    }
    BigInteger d = new BigInteger(1, key);
    return d.signum() > 0 && d.compareTo(Secp256k1.N) < 0;
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public EcdsaSignature sign(byte[] digest32) {
    if (digest32 == null || digest32.length != 32) {
      throw new IllegalArgumentException("digest must be 32 bytes");
    }
    byte[] x = privateKey.copy();
    Rfc6979 nonces = new Rfc6979(x, digest32);
    try {
      BigInteger d = new BigInteger(1, x);
      BigInteger e = new BigInteger(1, digest32);
      BigInteger n = Secp256k1.N;
      FixedPointCombMultiplier multiplier = new FixedPointCombMultiplier();
      while (true) {
        BigInteger k = nonces.nextK();
        ECPoint rPoint = multiplier.multiply(Secp256k1.G, k).normalize();
        BigInteger rx = rPoint.getAffineXCoord().toBigInteger();
        BigInteger r = rx.mod(n);
        if (r.signum() == 0) {
          continue;
        }
        // k is secret: invert it in constant time (BigInteger.modInverse is not, and its timing
        // would leak bits of k; a few leaked nonce bits are enough to recover the key).
        BigInteger s = BigIntegers.modOddInverse(n, k).multiply(e.add(r.multiply(d))).mod(n);
        if (s.signum() == 0) {
          continue;
        }
        if (rx.compareTo(n) >= 0) {
          // R.x overflowed n: probability about 2^-128; the recovery id would need bit 1. Refuse
          // rather than emit a signature Ethereum tooling cannot recover.
          throw new IllegalStateException("unrecoverable signature");
        }
        int recoveryId = rPoint.getAffineYCoord().testBitZero() ? 1 : 0;
        if (s.compareTo(Secp256k1.HALF_N) > 0) {
          s = n.subtract(s);
          recoveryId ^= 1;
        }
        return new EcdsaSignature(Secp256k1.toBytes32(r), Secp256k1.toBytes32(s), recoveryId);
      }
    } finally {
      nonces.destroy();
      java.util.Arrays.fill(x, (byte) 0);
    }
  }

  @Override
  public void close() {
    privateKey.close();
  }

  @Override
  public String toString() {
    return "Secp256k1Signer[<redacted>]";
  }
}
