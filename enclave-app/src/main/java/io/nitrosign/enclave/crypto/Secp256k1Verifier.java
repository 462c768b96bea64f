package io.nitrosign.enclave.crypto;

import java.math.BigInteger;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Plain ECDSA verification over secp256k1 on a 32-byte digest (no low-S requirement: that is a
 * policy of the caller, see {@link #isLowS(BigInteger)}).
 */
public final class Secp256k1Verifier {

  private Secp256k1Verifier() {}

  /** Verifies with 32-byte big-endian r and s. */
  public static boolean verify(byte[] publicKey, byte[] digest32, byte[] r, byte[] s) {
    if (r == null || s == null || r.length != 32 || s.length != 32) {
      return false;
    }
    return verify(publicKey, digest32, new BigInteger(1, r), new BigInteger(1, s));
  }

  /**
   * Verifies a signature (r, s) on a 32-byte digest under a SEC1-encoded public key. Returns
   * false for any malformed input (off-curve key, r or s outside [1, n-1]).
   */
  public static boolean verify(byte[] publicKey, byte[] digest32, BigInteger r, BigInteger s) {
    if (digest32 == null || digest32.length != 32) {
      return false;
    }
    BigInteger n = Secp256k1.N;
    if (r.signum() <= 0 || s.signum() <= 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
      return false;
    }
    ECPoint q;
    try {
      q = Secp256k1.decodePublicKey(publicKey);
    } catch (IllegalArgumentException e) {
      return false;
    }
    BigInteger e = new BigInteger(1, digest32);
    BigInteger w = BigIntegers.modOddInverseVar(n, s) /* public value: variable time is fine */;
    BigInteger u1 = e.multiply(w).mod(n);
    BigInteger u2 = r.multiply(w).mod(n);
    ECPoint x = ECAlgorithms.sumOfTwoMultiplies(Secp256k1.G, u1, q, u2).normalize();
    if (x.isInfinity()) {
      return false;
    }
    return x.getAffineXCoord().toBigInteger().mod(n).equals(r);
  }

  /** True when {@code s <= n/2}. */
  public static boolean isLowS(BigInteger s) {
    return s.compareTo(Secp256k1.HALF_N) <= 0;
  }
}
