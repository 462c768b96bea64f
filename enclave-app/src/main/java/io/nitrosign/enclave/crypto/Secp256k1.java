package io.nitrosign.enclave.crypto;

import java.math.BigInteger;
import org.bouncycastle.crypto.asymmetric.ECDomainParameters;
import org.bouncycastle.crypto.asymmetric.ECDomainParametersIndex;
import org.bouncycastle.crypto.fips.FipsEC;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/** The secp256k1 domain parameters (SEC 2), taken from bc-fips. */
final class Secp256k1 {

  static final ECDomainParameters DOMAIN =
      ECDomainParametersIndex.lookupDomainParameters(FipsEC.DomainParameterID.secp256k1);
  static final ECCurve CURVE = DOMAIN.getCurve();
  static final ECPoint G = DOMAIN.getG();
  static final BigInteger N = DOMAIN.getN();
  static final BigInteger HALF_N = N.shiftRight(1);
  static final int FIELD_BYTES = 32;

  private Secp256k1() {}

  /** Big-endian, left-padded to 32 bytes. {@code v} must be in [0, 2^256). */
  static byte[] toBytes32(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[FIELD_BYTES];
    if (raw.length > FIELD_BYTES) {
      System.arraycopy(raw, raw.length - FIELD_BYTES, out, 0, FIELD_BYTES);
    } else {
      System.arraycopy(raw, 0, out, FIELD_BYTES - raw.length, raw.length);
    }
    java.util.Arrays.fill(raw, (byte) 0);
    return out;
  }

  /**
   * Decodes a SEC1 public key (65-byte uncompressed or 33-byte compressed), checking it is on
   * the curve and not the point at infinity.
   *
   * @throws IllegalArgumentException if it is not a valid point
   */
  static ECPoint decodePublicKey(byte[] encoded) {
    if (encoded == null || (encoded.length != 65 && encoded.length != 33)) {
      throw new IllegalArgumentException("invalid public key encoding");
    }
    ECPoint p;
    try {
      p = CURVE.decodePoint(encoded);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid public key");
    }
    if (p.isInfinity() || !p.isValid()) {
      throw new IllegalArgumentException("invalid public key");
    }
    return p.normalize();
  }
}
