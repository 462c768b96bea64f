package io.nitrosign.attestation;

import java.math.BigInteger;
import org.bouncycastle.crypto.asymmetric.ECDomainParameters;
import org.bouncycastle.crypto.asymmetric.ECDomainParametersIndex;
import org.bouncycastle.crypto.fips.FipsEC;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA verification on BC-FIPS's curve arithmetic ({@code org.bouncycastle.math.ec}), for the
 * two curves of attested signatures: secp256k1 (the wallet signature, over a 32-byte digest as
 * Ethereum signs it, without hashing again) and P-256 (the response key, over SHA-256 of the
 * binding). Everything here handles public values only.
 */
final class EcdsaPoints {

  static final ECDomainParameters SECP256K1 =
      ECDomainParametersIndex.lookupDomainParameters(FipsEC.DomainParameterID.secp256k1);
  static final ECDomainParameters P256 =
      ECDomainParametersIndex.lookupDomainParameters(FipsEC.DomainParameterID.P256);

  private EcdsaPoints() {}

  /** A SEC1 uncompressed point (65 bytes) on the curve, not infinity; null otherwise. */
  static ECPoint decodeUncompressed(ECDomainParameters domain, byte[] sec1) {
    if (sec1 == null || sec1.length != 65 || sec1[0] != 0x04) {
      return null;
    }
    try {
      ECPoint p = domain.getCurve().decodePoint(sec1);
      return p.isInfinity() || !p.isValid() ? null : p.normalize();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * ECDSA verification of (r, s) on the integer {@code e} (the digest, already reduced to the
   * order's bit length by the caller: both curves here have 256-bit orders and 32-byte digests).
   *
   * @return the point {@code R = e/s·G + r/s·Q} (normalised) when the signature verifies, null
   *     otherwise; callers use its y parity to check a recovery id
   */
  static ECPoint verify(ECDomainParameters domain, ECPoint q, byte[] digest32, BigInteger r,
      BigInteger s) {
    BigInteger n = domain.getN();
    if (digest32 == null || digest32.length != 32 || r.signum() <= 0 || s.signum() <= 0
        || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
      return null;
    }
    BigInteger e = new BigInteger(1, digest32);
    BigInteger w = BigIntegers.modOddInverseVar(n, s);
    BigInteger u1 = e.multiply(w).mod(n);
    BigInteger u2 = r.multiply(w).mod(n);
    ECPoint point = ECAlgorithms.sumOfTwoMultiplies(domain.getG(), u1, q, u2).normalize();
    if (point.isInfinity() || !point.getAffineXCoord().toBigInteger().mod(n).equals(r)) {
      return null;
    }
    return point;
  }
}
