package io.nitrosign.enclave.crypto;

import java.math.BigInteger;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

/** Public key recovery from a secp256k1 signature ("ecrecover", SEC 1 section 4.1.6). */
public final class Secp256k1Recovery {

  private Secp256k1Recovery() {}

  /**
   * Recovers the uncompressed public key (65 bytes) that produced the signature, or throws
   * {@link IllegalArgumentException} if none does.
   */
  public static byte[] recoverPublicKey(byte[] digest32, byte[] r32, byte[] s32, int recoveryId) {
    if (digest32.length != 32 || r32.length != 32 || s32.length != 32
        || (recoveryId != 0 && recoveryId != 1)) {
      throw new IllegalArgumentException("invalid recovery input");
    }
    BigInteger n = Secp256k1.N;
    BigInteger r = new BigInteger(1, r32);
    BigInteger s = new BigInteger(1, s32);
    if (r.signum() == 0 || s.signum() == 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
      throw new IllegalArgumentException("invalid signature");
    }
    byte[] compressed = new byte[33];
    compressed[0] = (byte) (recoveryId == 1 ? 0x03 : 0x02);
    System.arraycopy(r32, 0, compressed, 1, 32);
    ECPoint rPoint;
    try {
      rPoint = Secp256k1.CURVE.decodePoint(compressed);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("no point for r");
    }
    BigInteger e = new BigInteger(1, digest32);
    BigInteger rInv = BigIntegers.modOddInverseVar(n, r) /* public value: variable time is fine */;
    BigInteger u1 = n.subtract(e.mod(n)).multiply(rInv).mod(n);
    BigInteger u2 = s.multiply(rInv).mod(n);
    ECPoint q = ECAlgorithms.sumOfTwoMultiplies(Secp256k1.G, u1, rPoint, u2).normalize();
    if (q.isInfinity()) {
      throw new IllegalArgumentException("recovered point at infinity");
    }
    return q.getEncoded(false);
  }
}
