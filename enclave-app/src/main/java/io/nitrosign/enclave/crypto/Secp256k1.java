package io.nitrosign.enclave.crypto;

import io.nitrosign.chains.bitcoin.Secp256k1Points;
import java.math.BigInteger;
import org.bouncycastle.crypto.asymmetric.ECDomainParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The secp256k1 domain parameters (SEC 2, from bc-fips via the shared
 * {@link Secp256k1Points}), for the enclave's secret-key arithmetic.
 */
final class Secp256k1 {

  static final ECDomainParameters DOMAIN = Secp256k1Points.DOMAIN;
  static final ECCurve CURVE = DOMAIN.getCurve();
  static final ECPoint G = DOMAIN.getG();
  static final BigInteger N = DOMAIN.getN();
  static final BigInteger HALF_N = N.shiftRight(1);
  static final int FIELD_BYTES = 32;

  private Secp256k1() {}

  /** Big-endian, left-padded to 32 bytes. {@code v} must be in [0, 2^256). */
  static byte[] toBytes32(BigInteger v) {
    return Secp256k1Points.toBytes32(v);
  }

  /**
   * Decodes a SEC1 public key (65-byte uncompressed or 33-byte compressed), checking it is on
   * the curve and not the point at infinity.
   *
   * @throws IllegalArgumentException if it is not a valid point
   */
  static ECPoint decodePublicKey(byte[] encoded) {
    try {
      return Secp256k1Points.decode(encoded);
    } catch (io.nitrosign.chains.ChainFormatException e) {
      throw new IllegalArgumentException("invalid public key");
    }
  }
}
