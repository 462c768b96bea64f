package io.nitrosign.enclave.crypto;

import io.nitrosign.chains.bitcoin.Secp256k1Points;
import io.nitrosign.chains.bitcoin.Taproot;
import io.nitrosign.enclave.secret.SecretBytes;
import java.math.BigInteger;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * The secret-key side of BIP-341 key tweaking (the public side, t and Q = lift_x(P) + t·G, is
 * {@code io.nitrosign.chains.bitcoin.Taproot}).
 */
public final class TaprootTweak {

  private TaprootTweak() {}

  /** The x-only public key of a 32-byte secret key. */
  public static byte[] xOnlyPublicKey(SecretBytes secretKey) {
    BigInteger d = secretKey.apply(b -> new BigInteger(1, b));
    if (d.signum() == 0 || d.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("secret key out of range");
    }
    return Secp256k1Points.xBytes(new FixedPointCombMultiplier().multiply(Secp256k1.G, d).normalize());
  }

  /**
   * The tweaked secret key for a key-path spend (BIP-341 taproot_tweak_seckey): the internal key
   * negated if its point has odd Y, plus t, mod n; {@code merkleRoot} null for a key-path-only
   * (BIP-86) output. The caller owns and closes the result.
   *
   * @throws IllegalArgumentException if the key is not a valid scalar, the tweak is out of range
   *     or the tweaked key is zero
   */
  public static SecretBytes tweakSecretKey(SecretBytes internalSecret, byte[] merkleRoot) {
    BigInteger d0 = internalSecret.apply(b -> new BigInteger(1, b));
    if (internalSecret.length() != 32 || d0.signum() == 0 || d0.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("secret key out of range");
    }
    ECPoint p = new FixedPointCombMultiplier().multiply(Secp256k1.G, d0).normalize();
    BigInteger d = Secp256k1Points.hasEvenY(p) ? d0 : Secp256k1.N.subtract(d0);
    BigInteger t;
    try {
      t = Taproot.tweakScalar(Secp256k1Points.xBytes(p), merkleRoot);
    } catch (io.nitrosign.chains.ChainFormatException e) {
      throw new IllegalArgumentException("tweak out of range");
    }
    BigInteger td = d.add(t).mod(Secp256k1.N);
    if (td.signum() == 0) {
      throw new IllegalArgumentException("tweaked secret key is zero");
    }
    return SecretBytes.takeOwnership(Secp256k1.toBytes32(td));
  }
}
