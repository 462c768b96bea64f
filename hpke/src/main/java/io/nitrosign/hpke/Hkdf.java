package io.nitrosign.hpke;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * HKDF-SHA256 (RFC 5869) on bc-fips HMAC-SHA-256, and RFC 9180's labeled variants (section 4).
 *
 * <p>Inputs are streamed into the MAC part by part, so the secret-bearing concatenations RFC 9180
 * writes ({@code labeled_ikm}, {@code T(i-1) || info || i}) never exist as arrays of ours.
 * bc-fips copies each HMAC key into its {@code SymmetricSecretKey}; we destroy that object after
 * each MAC, which zeroes bc-fips's copy. The HMAC engine's internal state (inner and outer pads)
 * is bc-fips's and is not wiped by us.
 */
final class Hkdf {

  static final int HASH_LENGTH = 32;
  private static final byte[] VERSION = "HPKE-v1".getBytes(StandardCharsets.US_ASCII);

  private Hkdf() {}

  /** HKDF-Extract(salt, ikm); an empty salt means {@code HASH_LENGTH} zero bytes. */
  static byte[] extract(byte[] salt, byte[]... ikmParts) {
    byte[] key = salt.length == 0 ? new byte[HASH_LENGTH] : salt;
    return HmacSha256.mac(key, ikmParts);
  }

  /** HKDF-Expand(prk, info, length), length at most 255 * HASH_LENGTH. */
  static byte[] expand(byte[] prk, byte[][] infoParts, int length) {
    if (length < 0 || length > 255 * HASH_LENGTH) {
      throw new IllegalArgumentException("hkdf output length out of range");
    }
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    int done = 0;
    try {
      for (int i = 1; done < length; i++) {
        byte[][] parts = new byte[infoParts.length + 2][];
        parts[0] = t;
        System.arraycopy(infoParts, 0, parts, 1, infoParts.length);
        parts[parts.length - 1] = new byte[] {(byte) i};
        byte[] next = HmacSha256.mac(prk, parts);
        Arrays.fill(t, (byte) 0);
        t = next;
        int n = Math.min(t.length, length - done);
        System.arraycopy(t, 0, out, done, n);
        done += n;
      }
      return out;
    } finally {
      Arrays.fill(t, (byte) 0);
    }
  }

  /**
   * LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm).
   */
  static byte[] labeledExtract(byte[] suiteId, byte[] salt, String label, byte[] ikm) {
    return extract(salt, VERSION, suiteId, ascii(label), ikm);
  }

  /**
   * LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id ||
   * label || info, L).
   */
  static byte[] labeledExpand(byte[] suiteId, byte[] prk, String label, byte[] info, int length) {
    if (length > 0xffff) {
      throw new IllegalArgumentException("labeled expand length out of range");
    }
    byte[] l = {(byte) (length >>> 8), (byte) length};
    return expand(prk, new byte[][] {l, VERSION, suiteId, ascii(label), info}, length);
  }


  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
