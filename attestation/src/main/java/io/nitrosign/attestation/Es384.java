package io.nitrosign.attestation;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECFieldFp;

/**
 * ES384: ECDSA over NIST P-384 with SHA-384. This is the one verification function the attestation
 * verifier uses for the COSE signature (and the Wycheproof test drives it directly).
 *
 * <p>The arithmetic is BC-FIPS's curve arithmetic ({@code org.bouncycastle.math.ec}: SHA-384, then
 * {@code R = e/s·G + r/s·Q}, accept iff {@code R.x mod n = r}). It used to be
 * {@code SHA384withECDSA} of a private {@code BouncyCastleFipsProvider}; calling the same arithmetic
 * directly lets us keep each key's decoded point, whose window precomputation BC caches on the
 * point, in a small bounded cache: a verifier sees the same few leaf keys (one per enclave
 * instance, valid for hours) over and over, and the cached precomputation makes the check about
 * 2.6 times faster than the JCA path (see docs/performance.md). The Wycheproof P-384 vectors run against this. The JDK's
 * SunEC was tried first and rejected two <em>valid</em> Wycheproof vectors (tcId 382 "k*G has a
 * large x-coordinate" and 499 "r = 2, x = n + 2") on OpenJDK 17.0.15, which is why it is not used.
 * Before handing anything to BC-FIPS we check, ourselves: the key is on P-384 (the curve
 * parameters and the point equation), and {@code 1 <= r, s < n}.
 */
public final class Es384 {

  /** Length of the raw COSE signature {@code r || s}. */
  public static final int RAW_SIGNATURE_BYTES = 96;
  private static final int FIELD_BYTES = 48;
  private static final ECParameterSpec P384 = p384();
  private static final BigInteger N = P384.getOrder();
  private static final BigInteger P = ((ECFieldFp) P384.getCurve().getField()).getP();
  private static final org.bouncycastle.crypto.asymmetric.ECDomainParameters DOMAIN =
      org.bouncycastle.crypto.asymmetric.ECDomainParametersIndex.lookupDomainParameters(
          org.bouncycastle.crypto.fips.FipsEC.DomainParameterID.P384);
  /** Decoded key points (with BC's cached precomputation), least recently used evicted. */
  private static final int POINT_CACHE_SIZE = 64;
  private static final java.util.Map<ECPoint, org.bouncycastle.math.ec.ECPoint> POINTS =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<ECPoint, org.bouncycastle.math.ec.ECPoint>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(
                java.util.Map.Entry<ECPoint, org.bouncycastle.math.ec.ECPoint> eldest) {
              return size() > POINT_CACHE_SIZE;
            }
          });

  private Es384() {}

  /** The P-384 domain parameters. */
  public static ECParameterSpec p384Parameters() {
    return P384;
  }

  /**
   * Verifies an ECDSA P-384 / SHA-384 signature given as integers. The message is hashed here.
   *
   * @return true iff the signature is valid for this key and message
   * @throws InvalidKeyException if the key is not a valid point on P-384
   */
  public static boolean verify(ECPublicKey key, byte[] message, BigInteger r, BigInteger s)
      throws InvalidKeyException {
    requireP384(key);
    if (r.signum() <= 0 || s.signum() <= 0 || r.compareTo(N) >= 0 || s.compareTo(N) >= 0) {
      return false;
    }
    org.bouncycastle.math.ec.ECPoint q = point(key.getW());
    BigInteger e;
    try {
      e = new BigInteger(1, MessageDigest.getInstance("SHA-384").digest(message));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-384 unavailable", ex);
    }
    // P-384's order has 384 bits: the hash needs no truncation
    BigInteger w = org.bouncycastle.util.BigIntegers.modOddInverseVar(N, s); // public values
    org.bouncycastle.math.ec.ECPoint point = org.bouncycastle.math.ec.ECAlgorithms
        .sumOfTwoMultiplies(DOMAIN.getG(), e.multiply(w).mod(N), q, r.multiply(w).mod(N))
        .normalize();
    return !point.isInfinity() && point.getAffineXCoord().toBigInteger().mod(N).equals(r);
  }

  /** The BC point of a key already checked by {@link #requireP384}, from the cache if seen. */
  private static org.bouncycastle.math.ec.ECPoint point(ECPoint w) {
    org.bouncycastle.math.ec.ECPoint p = POINTS.get(w);
    if (p == null) {
      p = DOMAIN.getCurve().validatePoint(w.getAffineX(), w.getAffineY());
      POINTS.put(w, p);
    }
    return p;
  }

  /** Verifies a raw COSE-style signature {@code r || s} (48 bytes each, big-endian). */
  public static boolean verifyRaw(ECPublicKey key, byte[] message, byte[] rawSignature)
      throws InvalidKeyException {
    if (rawSignature.length != RAW_SIGNATURE_BYTES) {
      return false;
    }
    BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(rawSignature, 0, FIELD_BYTES));
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(rawSignature, FIELD_BYTES, RAW_SIGNATURE_BYTES));
    return verify(key, message, r, s);
  }

  /**
   * Checks that a key is an EC key on P-384 and that its point satisfies the curve equation.
   *
   * @return the key as an {@link ECPublicKey}
   */
  public static ECPublicKey requireP384(PublicKey key) throws InvalidKeyException {
    if (!(key instanceof ECPublicKey ec)) {
      throw new InvalidKeyException("not an EC public key: " + (key == null ? null : key.getAlgorithm()));
    }
    ECParameterSpec p = ec.getParams();
    if (p == null || !p.getCurve().equals(P384.getCurve()) || !p.getGenerator().equals(P384.getGenerator())
        || !p.getOrder().equals(N) || p.getCofactor() != P384.getCofactor()) {
      throw new InvalidKeyException("EC key is not on P-384");
    }
    ECPoint w = ec.getW();
    if (w == null || ECPoint.POINT_INFINITY.equals(w)) {
      throw new InvalidKeyException("EC key is the point at infinity");
    }
    BigInteger x = w.getAffineX();
    BigInteger y = w.getAffineY();
    if (x.signum() < 0 || y.signum() < 0 || x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
      throw new InvalidKeyException("EC key coordinates out of range");
    }
    BigInteger a = P384.getCurve().getA();
    BigInteger b = P384.getCurve().getB();
    BigInteger lhs = y.multiply(y).mod(P);
    BigInteger rhs = x.multiply(x).multiply(x).add(a.multiply(x)).add(b).mod(P);
    if (!lhs.equals(rhs)) {
      throw new InvalidKeyException("EC key is not a point on P-384");
    }
    return ec;
  }

  private static ECParameterSpec p384() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC", sunEc());
      params.init(new ECGenParameterSpec("secp384r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("P-384 parameters unavailable", e);
    }
  }

  private static Provider sunEc() {
    Provider p = Security.getProvider("SunEC");
    if (p == null) {
      throw new IllegalStateException("the JDK's SunEC provider is missing", new NoSuchAlgorithmException("SunEC"));
    }
    return p;
  }
}
