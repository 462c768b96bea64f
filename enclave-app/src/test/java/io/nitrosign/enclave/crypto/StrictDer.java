package io.nitrosign.enclave.crypto;

import java.math.BigInteger;

/** Strict DER decoding of an ECDSA-Sig-Value (SEQUENCE { INTEGER r, INTEGER s }), for tests. */
final class StrictDer {

  private StrictDer() {}

  /** Returns {r, s}, or null for anything that is not minimal DER with non-negative integers. */
  static BigInteger[] parse(byte[] der) {
    int[] pos = {0};
    if (der.length < 2 || der[0] != 0x30) {
      return null;
    }
    pos[0] = 1;
    int seqLen = length(der, pos);
    if (seqLen < 0 || pos[0] + seqLen != der.length) {
      return null;
    }
    BigInteger r = integer(der, pos);
    BigInteger s = r == null ? null : integer(der, pos);
    if (s == null || pos[0] != der.length) {
      return null;
    }
    return new BigInteger[] {r, s};
  }

  private static BigInteger integer(byte[] der, int[] pos) {
    if (pos[0] >= der.length || der[pos[0]] != 0x02) {
      return null;
    }
    pos[0]++;
    int len = length(der, pos);
    if (len <= 0 || pos[0] + len > der.length) {
      return null;
    }
    int start = pos[0];
    if ((der[start] & 0x80) != 0) {
      return null; // negative
    }
    if (len > 1 && der[start] == 0 && (der[start + 1] & 0x80) == 0) {
      return null; // non-minimal leading zero
    }
    pos[0] += len;
    return new BigInteger(1, java.util.Arrays.copyOfRange(der, start, start + len));
  }

  /** Minimal definite length; -1 on error. */
  private static int length(byte[] der, int[] pos) {
    if (pos[0] >= der.length) {
      return -1;
    }
    int b = der[pos[0]++] & 0xff;
    if (b < 0x80) {
      return b;
    }
    int n = b & 0x7f;
    if (n == 0 || n > 2 || pos[0] + n > der.length) {
      return -1; // indefinite or too long for a signature
    }
    int len = 0;
    for (int i = 0; i < n; i++) {
      len = (len << 8) | (der[pos[0]++] & 0xff);
    }
    if (len < 0x80 || (n == 2 && len < 0x100)) {
      return -1; // non-minimal
    }
    return len;
  }
}
