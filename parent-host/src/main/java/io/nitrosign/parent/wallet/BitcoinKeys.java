package io.nitrosign.parent.wallet;

import io.nitrosign.chains.bitcoin.Hashes;
import java.math.BigInteger;
import org.bouncycastle.crypto.asymmetric.ECDomainParameters;
import org.bouncycastle.crypto.asymmetric.ECDomainParametersIndex;
import org.bouncycastle.crypto.fips.FipsEC;
import org.bouncycastle.math.ec.ECPoint;

/** Public-key forms a Bitcoin wallet needs: the compressed key and the BIP-86 taproot output key. */
final class BitcoinKeys {

  private static final ECDomainParameters DOMAIN =
      ECDomainParametersIndex.lookupDomainParameters(FipsEC.DomainParameterID.secp256k1);

  private BitcoinKeys() {}

  /** The 33-byte compressed form of a 65-byte uncompressed SEC1 key. */
  static byte[] compressed(byte[] uncompressed) {
    return point(uncompressed).getEncoded(true);
  }

  /**
   * The BIP-86 output key (x-only, 32 bytes) of the wallet's key: Q = P + hash_TapTweak(x(P))·G with
   * P the key with even Y (BIP-341, no script tree).
   */
  static byte[] bip86OutputKey(byte[] uncompressed) {
    ECPoint p = point(uncompressed);
    if (p.getAffineYCoord().testBitZero()) {
      p = p.negate().normalize();
    }
    byte[] x = p.getAffineXCoord().getEncoded();
    BigInteger t = new BigInteger(1, Hashes.tagged("TapTweak", x));
    if (t.compareTo(DOMAIN.getN()) >= 0) {
      throw new IllegalArgumentException("tweak out of range");
    }
    ECPoint q = p.add(DOMAIN.getG().multiply(t)).normalize();
    return q.getAffineXCoord().getEncoded();
  }

  private static ECPoint point(byte[] uncompressed) {
    if (uncompressed == null || uncompressed.length != 65 || uncompressed[0] != 0x04) {
      throw new IllegalArgumentException("expected a 65-byte uncompressed public key");
    }
    ECPoint p = DOMAIN.getCurve().decodePoint(uncompressed).normalize();
    if (p.isInfinity() || !p.isValid()) {
      throw new IllegalArgumentException("not a secp256k1 point");
    }
    return p;
  }
}
