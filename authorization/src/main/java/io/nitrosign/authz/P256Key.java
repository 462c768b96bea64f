package io.nitrosign.authz;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.asymmetric.ECDomainParameters;
import org.bouncycastle.crypto.asymmetric.ECDomainParametersIndex;
import org.bouncycastle.crypto.fips.FipsEC;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * A P-256 (secp256r1) public key, as Privy takes authorization keys: a DER SubjectPublicKeyInfo
 * with algorithm id-ecPublicKey, parameters namedCurve prime256v1, and an uncompressed point
 * (what WebCrypto's {@code exportKey('spki')}, the SDK's {@code generateP256KeyPair} and OpenSSL
 * produce). Compressed points, explicit curve parameters and anything else are refused, so one key
 * has exactly one accepted encoding and {@link #equals} on the encoding is equality of keys.
 *
 * <p>{@link #verify} is ECDSA P-256 over SHA-256 of the message, on bc-fips's curve arithmetic
 * ({@code org.bouncycastle.math.ec}, the special-form SecP256R1 curve), with strict DER signatures
 * and both low-S and high-S accepted (Privy's SDK does not normalize s, and the API accepts
 * both). The point's precomputation is kept with the key, so reusing one instance ({@link
 * #cached}) makes later verifications faster. Public values only.
 */
public final class P256Key {

  private static final ECDomainParameters P256 =
      ECDomainParametersIndex.lookupDomainParameters(FipsEC.DomainParameterID.P256);
  private static final BigInteger N = P256.getN();

  /** SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (0 unused bits) ... }. */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex(
      "3059301306072a8648ce3d020106082a8648ce3d030107034200");
  private static final int SPKI_LENGTH = SPKI_PREFIX.length + 65;

  private static final int CACHE_SIZE = 4096;
  private static final Map<ByteBuffer, P256Key> CACHE =
      new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, P256Key> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  private static final String INVALID = "not a DER SubjectPublicKeyInfo of a P-256 public key";

  private final byte[] spki;
  private final ECPoint q;

  private P256Key(byte[] spki, ECPoint q) {
    this.spki = spki;
    this.q = q;
  }

  /**
   * Parses a DER SubjectPublicKeyInfo.
   *
   * @throws IllegalArgumentException when it is not exactly a P-256 key with an uncompressed point
   *     on the curve
   */
  public static P256Key fromSpki(byte[] der) {
    if (der == null || der.length != SPKI_LENGTH
        || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)
        || der[SPKI_PREFIX.length] != 0x04) {
      throw new IllegalArgumentException(INVALID);
    }
    ECPoint point;
    try {
      point = P256.getCurve().decodePoint(Arrays.copyOfRange(der, SPKI_PREFIX.length, SPKI_LENGTH));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(INVALID);
    }
    if (point.isInfinity() || !point.isValid()) {
      throw new IllegalArgumentException(INVALID);
    }
    return new P256Key(der.clone(), point.normalize());
  }

  /**
   * As {@link #fromSpki}, from standard base64 (as Privy's API and SDK carry keys).
   *
   * @throws IllegalArgumentException for invalid base64 or an invalid key
   */
  public static P256Key fromSpkiBase64(String base64) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64 == null ? "" : base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(INVALID);
    }
    return fromSpki(der);
  }

  /**
   * As {@link #fromSpki}, through a shared cache of the last 4096 keys, so a key's decoding and
   * point precomputation happen once. Thread-safe.
   */
  public static P256Key cached(byte[] spki) {
    if (spki == null) {
      throw new IllegalArgumentException(INVALID);
    }
    ByteBuffer cacheKey = ByteBuffer.wrap(spki.clone());
    synchronized (CACHE) {
      P256Key key = CACHE.get(cacheKey);
      if (key != null) {
        return key;
      }
    }
    P256Key key = fromSpki(cacheKey.array());
    synchronized (CACHE) {
      P256Key raced = CACHE.putIfAbsent(cacheKey, key);
      return raced != null ? raced : key;
    }
  }

  /** The DER SubjectPublicKeyInfo (a copy). */
  public byte[] spki() {
    return spki.clone();
  }

  /**
   * Verifies an ECDSA P-256 signature over SHA-256 of {@code message}.
   *
   * @param derSignature a strict DER {@code SEQUENCE { INTEGER r, INTEGER s }}: minimal lengths
   *     and integers, nothing after it, {@code r} and {@code s} in [1, n-1]; s may be high
   * @return whether it verifies; false (never an exception) for any malformed signature
   */
  public boolean verify(byte[] message, byte[] derSignature) {
    if (message == null) {
      return false;
    }
    BigInteger[] rs = decodeDer(derSignature);
    if (rs == null) {
      return false;
    }
    BigInteger r = rs[0];
    BigInteger s = rs[1];
    BigInteger e = new BigInteger(1, sha256(message)); // 256-bit digest, 256-bit order: no truncation
    BigInteger w = BigIntegers.modOddInverseVar(N, s);
    BigInteger u1 = e.multiply(w).mod(N);
    BigInteger u2 = r.multiply(w).mod(N);
    ECPoint point = ECAlgorithms.sumOfTwoMultiplies(P256.getG(), u1, q, u2).normalize();
    return !point.isInfinity() && point.getAffineXCoord().toBigInteger().mod(N).equals(r);
  }

  /** r and s from a strict DER ECDSA signature, each in [1, n-1]; null otherwise. */
  static BigInteger[] decodeDer(byte[] sig) {
    // 30 L 02 Lr r 02 Ls s; at most 2 + 2 * 35 bytes, so every length is one short-form byte
    if (sig == null || sig.length < 8 || sig.length > 72 || sig[0] != 0x30
        || (sig[1] & 0xff) != sig.length - 2) {
      return null;
    }
    BigInteger r = derInteger(sig, 2);
    if (r == null) {
      return null;
    }
    int next = 2 + 2 + sig[3];
    BigInteger s = derInteger(sig, next);
    if (s == null || next + 2 + sig[next + 1] != sig.length) {
      return null;
    }
    return inRange(r) && inRange(s) ? new BigInteger[] {r, s} : null;
  }

  /** A minimal, non-negative DER INTEGER of 1..33 content bytes at {@code off}; null otherwise. */
  private static BigInteger derInteger(byte[] sig, int off) {
    if (off + 2 > sig.length || sig[off] != 0x02) {
      return null;
    }
    int len = sig[off + 1];
    int start = off + 2;
    if (len < 1 || len > 33 || start + len > sig.length) {
      return null;
    }
    if ((sig[start] & 0x80) != 0) {
      return null; // negative
    }
    if (len > 1 && sig[start] == 0 && (sig[start + 1] & 0x80) == 0) {
      return null; // not minimal
    }
    return new BigInteger(1, Arrays.copyOfRange(sig, start, start + len));
  }

  private static boolean inRange(BigInteger v) {
    return v.signum() > 0 && v.compareTo(N) < 0;
  }

  private static byte[] sha256(byte[] message) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof P256Key other && Arrays.equals(spki, other.spki);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(spki);
  }

  /** The first 8 bytes of SHA-256 of the SPKI, hex: enough to tell keys apart in logs. */
  @Override
  public String toString() {
    return "P256Key[" + HexFormat.of().formatHex(sha256(spki), 0, 8) + "]";
  }
}
