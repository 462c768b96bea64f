package io.nitrosign.chains.bitcoin;

import io.nitrosign.chains.ChainFormatException;
import java.math.BigInteger;
import org.bouncycastle.crypto.asymmetric.ECDomainParameters;
import org.bouncycastle.crypto.asymmetric.ECDomainParametersIndex;
import org.bouncycastle.crypto.fips.FipsEC;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * secp256k1 public-key math shared by the enclave and the parent (bc-fips point arithmetic, public
 * values only): SEC1 decoding with validation, compression and decompression, BIP-340 x-only keys
 * and {@code lift_x}. Secret-key arithmetic stays in the enclave.
 */
public final class Secp256k1Points {

  /** The SEC 2 domain parameters, from bc-fips. */
  public static final ECDomainParameters DOMAIN =
      ECDomainParametersIndex.lookupDomainParameters(FipsEC.DomainParameterID.secp256k1);
  public static final ECCurve CURVE = DOMAIN.getCurve();
  public static final ECPoint G = DOMAIN.getG();
  /** The group order n. */
  public static final BigInteger N = DOMAIN.getN();
  /** The field prime p. */
  public static final BigInteger P = CURVE.getField().getCharacteristic();

  private Secp256k1Points() {}

  /**
   * A SEC1 public key (33-byte compressed or 65-byte uncompressed), checked to be on the curve and
   * not infinity; normalised.
   *
   * @throws ChainFormatException ({@code public_key}) otherwise
   */
  public static ECPoint decode(byte[] sec1) {
    if (sec1 == null || !(sec1.length == 33 && (sec1[0] == 2 || sec1[0] == 3))
        && !(sec1.length == 65 && sec1[0] == 4)) {
      throw new ChainFormatException("public_key", "must be a 33- or 65-byte SEC1 key");
    }
    ECPoint p;
    try {
      p = CURVE.decodePoint(sec1);
    } catch (RuntimeException e) {
      throw new ChainFormatException("public_key", "not a secp256k1 point");
    }
    if (p.isInfinity() || !p.isValid()) {
      throw new ChainFormatException("public_key", "not a secp256k1 point");
    }
    return p.normalize();
  }

  /** The 33-byte compressed form of a SEC1 key. */
  public static byte[] compress(byte[] sec1) {
    return decode(sec1).getEncoded(true);
  }

  /** The 65-byte uncompressed form of a SEC1 key. */
  public static byte[] decompress(byte[] sec1) {
    return decode(sec1).getEncoded(false);
  }

  /** The 32-byte x-only (BIP-340) form of a SEC1 key. */
  public static byte[] xOnly(byte[] sec1) {
    return xBytes(decode(sec1));
  }

  /**
   * BIP-340 {@code lift_x}: the point with x-coordinate {@code x32} and even Y, or {@code null}
   * when {@code x32} is not 32 bytes, not below p, or not the x of a curve point.
   */
  public static ECPoint liftX(byte[] x32) {
    if (x32 == null || x32.length != 32) {
      return null;
    }
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
    return CURVE.createPoint(x, y).normalize();
  }

  /** Whether a normalised point has an even Y coordinate. */
  public static boolean hasEvenY(ECPoint normalized) {
    return !normalized.getAffineYCoord().testBitZero();
  }

  /** The 32-byte X coordinate of a normalised point. */
  public static byte[] xBytes(ECPoint normalized) {
    return toBytes32(normalized.getAffineXCoord().toBigInteger());
  }

  /** Big-endian, left-padded to 32 bytes; {@code v} must be in [0, 2^256). */
  public static byte[] toBytes32(BigInteger v) {
    if (v.signum() < 0 || v.bitLength() > 256) {
      throw new IllegalArgumentException("value out of range");
    }
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    if (raw.length > 32) {
      System.arraycopy(raw, raw.length - 32, out, 0, 32);
    } else {
      System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
    }
    java.util.Arrays.fill(raw, (byte) 0);
    return out;
  }
}
