package io.nitrosign.chains.ethereum;

import java.math.BigInteger;

/**
 * Test-only secp256k1 arithmetic (affine, BigInteger, not constant time) used to check that a
 * published signature verifies against the digest this library computed: the chains module has
 * no EC code of its own, so this is how a vector's signing hash is checked when the vector gives
 * only the key and the signed transaction. Curve parameters from SEC 2 v2, section 2.4.1.
 */
final class Secp256k1Check {

  static final BigInteger P = new BigInteger(
      "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16);
  static final BigInteger N = new BigInteger(
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);
  static final BigInteger[] G = {
      new BigInteger("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", 16),
      new BigInteger("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8", 16)};

  private Secp256k1Check() {}

  static BigInteger[] add(BigInteger[] a, BigInteger[] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    BigInteger lambda;
    if (a[0].equals(b[0])) {
      if (a[1].add(b[1]).mod(P).signum() == 0) {
        return null;
      }
      lambda = a[0].pow(2).multiply(BigInteger.valueOf(3))
          .multiply(a[1].shiftLeft(1).modInverse(P)).mod(P);
    } else {
      lambda = b[1].subtract(a[1]).multiply(b[0].subtract(a[0]).modInverse(P)).mod(P);
    }
    BigInteger x = lambda.pow(2).subtract(a[0]).subtract(b[0]).mod(P);
    BigInteger y = lambda.multiply(a[0].subtract(x)).subtract(a[1]).mod(P);
    return new BigInteger[] {x, y};
  }

  static BigInteger[] multiply(BigInteger k, BigInteger[] point) {
    BigInteger[] result = null;
    BigInteger[] addend = point;
    for (int i = 0; i < k.bitLength(); i++) {
      if (k.testBit(i)) {
        result = add(result, addend);
      }
      addend = add(addend, addend);
    }
    return result;
  }

  /**
   * True when (r, s) is a valid ECDSA signature of {@code digest} by {@code privateKey}'s public
   * key and the nonce point R has y parity {@code yParity} (so the recovery id is right too).
   */
  static boolean verifies(BigInteger privateKey, byte[] digest, BigInteger r, BigInteger s, int yParity) {
    BigInteger[] q = multiply(privateKey, G);
    BigInteger z = new BigInteger(1, digest);
    BigInteger w = s.modInverse(N);
    BigInteger[] point = add(multiply(z.multiply(w).mod(N), G), multiply(r.multiply(w).mod(N), q));
    return point != null && point[0].mod(N).equals(r) && point[1].testBit(0) == (yParity == 1);
  }
}
