package io.nitrosign.hpke;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.asymmetric.AsymmetricECPrivateKey;
import org.bouncycastle.crypto.asymmetric.AsymmetricECPublicKey;
import org.bouncycastle.crypto.asymmetric.ECDomainParameters;
import org.bouncycastle.crypto.asymmetric.ECDomainParametersIndex;
import org.bouncycastle.crypto.fips.FipsAgreement;
import org.bouncycastle.crypto.fips.FipsEC;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * DHKEM(P-256, HKDF-SHA256), kem_id 0x0010 (RFC 9180 section 4.1): key derivation, (de)serialization
 * and Encap/Decap. The Diffie-Hellman step is bc-fips's approved ECDH primitive
 * ({@code FipsEC.DH}, SP 800-56A ECC CDH without cofactor, which is plain ECDH on P-256 since its
 * cofactor is 1); it returns the x coordinate, which is DH(sk, pk) as RFC 9180 defines it.
 *
 * <p>Private keys are 32-byte big-endian scalars held in arrays the caller owns. bc-fips needs them
 * as a {@code BigInteger} inside an {@code AsymmetricECPrivateKey}; that copy cannot be wiped
 * (Java gives no way to clear a {@code BigInteger}); we {@code destroy()} the key object at once,
 * which drops bc-fips's reference to it.
 */
final class DhkemP256 {

  static final ECDomainParameters DOMAIN =
      ECDomainParametersIndex.lookupDomainParameters(FipsEC.DomainParameterID.P256);
  static final BigInteger ORDER = DOMAIN.getN();
  static final int SCALAR_BYTES = 32;
  static final int PUBLIC_KEY_BYTES = 65;

  private static final HpkeSuite.Kem KEM = HpkeSuite.Kem.DHKEM_P256_HKDF_SHA256;
  private static final byte[] KEM_SUITE_ID = KEM.suiteId();
  private static final FipsEC.DHAgreementFactory AGREEMENTS = new FipsEC.DHAgreementFactory();

  private DhkemP256() {}

  /** True when {@code sk} is 32 bytes encoding a scalar in [1, n - 1]. */
  static boolean isValidPrivateKey(byte[] sk) {
    if (sk == null || sk.length != SCALAR_BYTES) {
      return false;
    }
    BigInteger d = new BigInteger(1, sk);
    return d.signum() > 0 && d.compareTo(ORDER) < 0;
  }

  /** SerializePublicKey(pk(sk)): SEC1 uncompressed, 65 bytes. {@code sk} must be valid. */
  static byte[] publicKeyOf(byte[] sk) {
    BigInteger d = new BigInteger(1, sk);
    return new FixedPointCombMultiplier().multiply(DOMAIN.getG(), d).normalize().getEncoded(false);
  }

  /**
   * DeserializePublicKey: exactly 65 bytes, {@code 0x04 || X || Y}, a point on the curve (bc's
   * {@code decodePoint} checks the coordinates and the curve equation; the uncompressed form
   * cannot encode the point at infinity).
   */
  static ECPoint decodePublicKey(byte[] pkm) throws HpkeException {
    if (pkm == null || pkm.length != PUBLIC_KEY_BYTES || pkm[0] != 0x04) {
      throw HpkeException.invalidPublicKey();
    }
    try {
      ECPoint p = DOMAIN.getCurve().decodePoint(pkm);
      if (p.isInfinity() || !p.isValid()) {
        throw HpkeException.invalidPublicKey();
      }
      return p;
    } catch (IllegalArgumentException e) {
      throw HpkeException.invalidPublicKey();
    }
  }

  /** True when {@code pkm} is a valid serialized public key. */
  static boolean isValidPublicKey(byte[] pkm) {
    try {
      decodePublicKey(pkm);
      return true;
    } catch (HpkeException e) {
      return false;
    }
  }

  /**
   * DeriveKeyPair(ikm) for P-256 (RFC 9180 section 7.1.3): rejection sampling over
   * LabeledExpand(dkp_prk, "candidate", counter, 32) with bitmask 0xff. Returns the private key;
   * the caller owns and wipes it.
   */
  static byte[] derivePrivateKey(byte[] ikm) {
    byte[] prk = Hkdf.labeledExtract(KEM_SUITE_ID, new byte[0], "dkp_prk", ikm);
    try {
      for (int counter = 0; counter < 256; counter++) {
        byte[] candidate = Hkdf.labeledExpand(
            KEM_SUITE_ID, prk, "candidate", new byte[] {(byte) counter}, SCALAR_BYTES);
        candidate[0] &= (byte) 0xff;
        if (isValidPrivateKey(candidate)) {
          return candidate;
        }
        Arrays.fill(candidate, (byte) 0);
      }
      throw new IllegalStateException("DeriveKeyPairError");
    } finally {
      Arrays.fill(prk, (byte) 0);
    }
  }

  /** DH(sk, pk): the 32-byte x coordinate of sk·pk. The caller owns and wipes the result. */
  static byte[] dh(byte[] sk, ECPoint pk) throws HpkeException {
    AsymmetricECPrivateKey priv =
        new AsymmetricECPrivateKey(FipsEC.ALGORITHM, DOMAIN, new BigInteger(1, sk));
    try {
      FipsAgreement<FipsEC.AgreementParameters> agreement =
          AGREEMENTS.createAgreement(priv, FipsEC.DH);
      byte[] z = agreement.calculate(new AsymmetricECPublicKey(FipsEC.ALGORITHM, DOMAIN, pk));
      if (z.length == SCALAR_BYTES) {
        return z;
      }
      // left-pad to the field size (should not happen: bc-fips returns a fixed-length value)
      byte[] padded = new byte[SCALAR_BYTES];
      if (z.length > SCALAR_BYTES) {
        Arrays.fill(z, (byte) 0);
        throw HpkeException.internal();
      }
      System.arraycopy(z, 0, padded, SCALAR_BYTES - z.length, z.length);
      Arrays.fill(z, (byte) 0);
      return padded;
    } catch (RuntimeException e) {
      // bc-fips refuses an invalid peer key or an infinity result with an unchecked exception
      throw HpkeException.invalidPublicKey();
    } finally {
      priv.destroy();
    }
  }

  /**
   * ExtractAndExpand(dh, kem_context): LabeledExtract("", "eae_prk", dh) then
   * LabeledExpand(eae_prk, "shared_secret", kem_context, Nsecret), with the KEM suite_id.
   */
  static byte[] extractAndExpand(byte[] dh, byte[] kemContext) {
    byte[] prk = Hkdf.labeledExtract(KEM_SUITE_ID, new byte[0], "eae_prk", dh);
    try {
      return Hkdf.labeledExpand(KEM_SUITE_ID, prk, "shared_secret", kemContext,
          KEM.secretLength());
    } finally {
      Arrays.fill(prk, (byte) 0);
    }
  }

  /** The result of Encap: the shared secret (secret, caller wipes) and enc. */
  record Encapsulation(byte[] sharedSecret, byte[] enc) {}

  /** Encap(pkR) with a given ephemeral key pair. */
  static Encapsulation encap(byte[] pkRm, HpkeKeyPair ephemeral) throws HpkeException {
    ECPoint pkR = decodePublicKey(pkRm);
    byte[] dh = dh(ephemeral.privateKeyArray(), pkR);
    try {
      byte[] enc = ephemeral.publicKey();
      byte[] kemContext = concat(enc, pkRm);
      return new Encapsulation(extractAndExpand(dh, kemContext), enc);
    } finally {
      Arrays.fill(dh, (byte) 0);
    }
  }

  /** Decap(enc, skR). Any failure is {@link HpkeException#openFailed()}. */
  static byte[] decap(byte[] enc, HpkeKeyPair recipient) throws HpkeException {
    ECPoint pkE;
    byte[] dh;
    try {
      pkE = decodePublicKey(enc);
      dh = dh(recipient.privateKeyArray(), pkE);
    } catch (HpkeException e) {
      throw HpkeException.openFailed();
    }
    try {
      byte[] kemContext = concat(enc, recipient.publicKey());
      return extractAndExpand(dh, kemContext);
    } finally {
      Arrays.fill(dh, (byte) 0);
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
