package io.nitrosign.enclave.crypto;

import io.nitrosign.enclave.secret.SecretBytes;
import java.math.BigInteger;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * BIP-341 key tweaking: t = hash_TapTweak(P || merkle_root) (merkle root omitted for a key-path
 * only output), Q = lift_x(P) + t·G, and the matching secret key for key-path signing.
 */
public final class TaprootTweak {
  /** An x-only output key and the parity of its Y coordinate (the control-block bit). */
  public record OutputKey(byte[] x, int parity) {}

  private TaprootTweak() {}

  static BigInteger tweak(byte[] internalX, byte[] merkleRoot) {
    if (merkleRoot != null && merkleRoot.length != 32) {
      throw new IllegalArgumentException("merkle root must be 32 bytes");
    }
    byte[] h = merkleRoot == null
        ? Bip340.taggedHash("TapTweak", internalX)
        : Bip340.taggedHash("TapTweak", internalX, merkleRoot);
    BigInteger t = new BigInteger(1, h);
    if (t.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("tweak out of range");
    }
    return t;
  }

  /** The tweak scalar t, 32 bytes (public). */
  public static byte[] tweakBytes(byte[] internalX, byte[] merkleRoot) {
    return Secp256k1.toBytes32(tweak(internalX, merkleRoot));
  }

  /** The output key Q for an x-only internal key and an optional 32-byte merkle root. */
  public static OutputKey outputKey(byte[] internalX, byte[] merkleRoot) {
    if (internalX == null || internalX.length != 32) {
      throw new IllegalArgumentException("internal key must be 32 bytes");
    }
    ECPoint p = Bip340.liftX(internalX);
    if (p == null) {
      throw new IllegalArgumentException("internal key is not on the curve");
    }
    BigInteger t = tweak(internalX, merkleRoot);
    ECPoint q = p.add(new FixedPointCombMultiplier().multiply(Secp256k1.G, t)).normalize();
    if (q.isInfinity()) {
      throw new IllegalArgumentException("tweaked key is infinity");
    }
    return new OutputKey(Bip340.xBytes(q), Bip340.hasEvenY(q) ? 0 : 1);
  }

  /** The x-only public key of a 32-byte secret key. */
  public static byte[] xOnlyPublicKey(SecretBytes secretKey) {
    BigInteger d = secretKey.apply(b -> new BigInteger(1, b));
    if (d.signum() == 0 || d.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("secret key out of range");
    }
    return Bip340.xBytes(new FixedPointCombMultiplier().multiply(Secp256k1.G, d).normalize());
  }

  /**
   * The tweaked secret key for a key-path spend (BIP-341 taproot_tweak_seckey): the internal key
   * negated if its point has odd Y, plus t, mod n. The caller owns and closes the result.
   */
  public static SecretBytes tweakSecretKey(SecretBytes internalSecret, byte[] merkleRoot) {
    BigInteger d0 = internalSecret.apply(b -> new BigInteger(1, b));
    if (internalSecret.length() != 32 || d0.signum() == 0 || d0.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("secret key out of range");
    }
    ECPoint p = new FixedPointCombMultiplier().multiply(Secp256k1.G, d0).normalize();
    BigInteger d = Bip340.hasEvenY(p) ? d0 : Secp256k1.N.subtract(d0);
    BigInteger td = d.add(tweak(Bip340.xBytes(p), merkleRoot)).mod(Secp256k1.N);
    if (td.signum() == 0) {
      throw new IllegalArgumentException("tweaked secret key is zero");
    }
    return SecretBytes.takeOwnership(Secp256k1.toBytes32(td));
  }
}
