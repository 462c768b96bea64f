package io.nitrosign.attestation;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECFieldFp;

/**
 * ES384: ECDSA over NIST P-384 with SHA-384. This is the one verification function the attestation
 * verifier uses for the COSE signature (and the Wycheproof test drives it directly).
 *
 * <p>The arithmetic is BC-FIPS ({@code SHA384withECDSA} of a private {@code BouncyCastleFipsProvider}
 * instance, so the result does not depend on the provider order of the JVM we run in). The JDK's
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
  private static final Provider PROVIDER = new org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider();

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
    try {
      Signature sig = Signature.getInstance("SHA384withECDSA", PROVIDER);
      sig.initVerify(key);
      sig.update(message);
      return sig.verify(der(r, s));
    } catch (InvalidKeyException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      // SignatureException for a signature SunEC cannot parse: with our range checks this
      // should not happen, and in any case it is not a valid signature
      return false;
    }
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

  /** DER ECDSA-Sig-Value; r, s < n < 2^384, so every length fits the short form. */
  private static byte[] der(BigInteger r, BigInteger s) {
    byte[] rb = r.toByteArray();
    byte[] sb = s.toByteArray();
    byte[] out = new byte[6 + rb.length + sb.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + rb.length + sb.length);
    out[2] = 0x02;
    out[3] = (byte) rb.length;
    System.arraycopy(rb, 0, out, 4, rb.length);
    out[4 + rb.length] = 0x02;
    out[5 + rb.length] = (byte) sb.length;
    System.arraycopy(sb, 0, out, 6 + rb.length, sb.length);
    return out;
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
