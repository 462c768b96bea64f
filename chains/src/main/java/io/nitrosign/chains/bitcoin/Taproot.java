package io.nitrosign.chains.bitcoin;

import io.nitrosign.chains.ChainFormatException;
import java.math.BigInteger;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * BIP-341 public key tweaking: t = hash_TapTweak(P || merkle_root) (no merkle root for a key-path
 * only output, as BIP-86 wallets use), Q = lift_x(P) + t·G. The matching secret-key tweak is the
 * enclave's {@code io.nitrosign.enclave.crypto.TaprootTweak}.
 */
public final class Taproot {

  /** An x-only output key and the parity of its Y coordinate (the control-block bit). */
  public record OutputKey(byte[] x, int parity) {
    public OutputKey {
      x = x.clone();
    }

    @Override
    public byte[] x() {
      return x.clone();
    }
  }

  private Taproot() {}

  /**
   * The tweak scalar t for a 32-byte x-only internal key and an optional 32-byte merkle root.
   *
   * @throws ChainFormatException if a length is wrong or t is not below n (BIP-341 fails then)
   */
  public static BigInteger tweakScalar(byte[] internalX, byte[] merkleRoot) {
    if (internalX == null || internalX.length != 32) {
      throw new ChainFormatException("internal_key", "must be 32 bytes");
    }
    if (merkleRoot != null && merkleRoot.length != 32) {
      throw new ChainFormatException("merkle_root", "must be 32 bytes");
    }
    byte[] h = merkleRoot == null
        ? Hashes.tagged("TapTweak", internalX)
        : Hashes.tagged("TapTweak", internalX, merkleRoot);
    BigInteger t = new BigInteger(1, h);
    if (t.compareTo(Secp256k1Points.N) >= 0) {
      throw new ChainFormatException("internal_key", "tweak out of range");
    }
    return t;
  }

  /** The tweak scalar t as 32 bytes. */
  public static byte[] tweak(byte[] internalX, byte[] merkleRoot) {
    return Secp256k1Points.toBytes32(tweakScalar(internalX, merkleRoot));
  }

  /**
   * The output key Q for an x-only internal key and an optional merkle root.
   *
   * @throws ChainFormatException if the internal key is not the x of a curve point
   */
  public static OutputKey outputKey(byte[] internalX, byte[] merkleRoot) {
    BigInteger t = tweakScalar(internalX, merkleRoot);
    ECPoint p = Secp256k1Points.liftX(internalX);
    if (p == null) {
      throw new ChainFormatException("internal_key", "not on the curve");
    }
    ECPoint q = p.add(new FixedPointCombMultiplier().multiply(Secp256k1Points.G, t)).normalize();
    if (q.isInfinity()) {
      throw new ChainFormatException("internal_key", "tweaked key is infinity");
    }
    return new OutputKey(Secp256k1Points.xBytes(q), Secp256k1Points.hasEvenY(q) ? 0 : 1);
  }

  /** The BIP-86 output key (x-only, no script tree) of a SEC1 public key: its P2TR program. */
  public static byte[] bip86OutputKey(byte[] sec1PublicKey) {
    return outputKey(Secp256k1Points.xOnly(sec1PublicKey), null).x();
  }
}
