package io.nitrosign.enclave.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.math.ec.ECPoint;

/** Shared BIP-340 helpers: tagged hashes, lift_x, field prime. */
final class Bip340 {
  static final BigInteger P = Secp256k1.CURVE.getField().getCharacteristic();

  private Bip340() {}

  static byte[] taggedHash(String tag, byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] t = md.digest(tag.getBytes(StandardCharsets.UTF_8));
      md.update(t);
      md.update(t);
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** lift_x: the point with x-coordinate {@code x} and even y, or {@code null} if none. */
  static ECPoint liftX(byte[] x32) {
    BigInteger x = new BigInteger(1, x32);
    if (x.compareTo(P) >= 0) {
      return null;
    }
    BigInteger c = x.modPow(BigInteger.valueOf(3), P).add(BigInteger.valueOf(7)).mod(P);
    BigInteger y = c.modPow(P.add(BigInteger.ONE).shiftRight(2), P);
    if (!y.modPow(BigInteger.TWO, P).equals(c)) {
      return null;
    }
    if (y.testBit(0)) {
      y = P.subtract(y);
    }
    return Secp256k1.CURVE.createPoint(x, y).normalize();
  }

  static boolean hasEvenY(ECPoint normalized) {
    return !normalized.getAffineYCoord().testBitZero();
  }

  static byte[] xBytes(ECPoint normalized) {
    return Secp256k1.toBytes32(normalized.getAffineXCoord().toBigInteger());
  }
}
