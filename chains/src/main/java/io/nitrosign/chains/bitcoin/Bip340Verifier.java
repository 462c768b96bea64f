package io.nitrosign.chains.bitcoin;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

/** BIP-340 Schnorr signature verification over secp256k1 (bc-fips point arithmetic). */
public final class Bip340Verifier {
  private Bip340Verifier() {}

  /**
   * Verifies a 64-byte signature on {@code message} (any length) under a 32-byte x-only public
   * key. Malformed inputs give {@code false}, never an exception.
   */
  public static boolean verify(byte[] publicKeyX, byte[] message, byte[] signature) {
    if (publicKeyX == null || publicKeyX.length != 32 || message == null
        || signature == null || signature.length != 64) {
      return false;
    }
    ECPoint p = Secp256k1Points.liftX(publicKeyX);
    if (p == null) {
      return false;
    }
    byte[] rBytes = Arrays.copyOfRange(signature, 0, 32);
    BigInteger r = new BigInteger(1, rBytes);
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    if (r.compareTo(Secp256k1Points.P) >= 0 || s.compareTo(Secp256k1Points.N) >= 0) {
      return false;
    }
    BigInteger e = new BigInteger(1, Hashes.tagged("BIP0340/challenge", rBytes, publicKeyX, message))
        .mod(Secp256k1Points.N);
    // R = s*G - e*P
    ECPoint rPoint = ECAlgorithms.sumOfTwoMultiplies(Secp256k1Points.G, s, p,
        Secp256k1Points.N.subtract(e)).normalize();
    if (rPoint.isInfinity() || !Secp256k1Points.hasEvenY(rPoint)) {
      return false;
    }
    return rPoint.getAffineXCoord().toBigInteger().equals(r);
  }
}
