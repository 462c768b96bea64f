package io.nitrosign.enclave.crypto;

import io.nitrosign.enclave.secret.Wipe;
import io.nitrosign.hpke.HmacSha256;
import java.math.BigInteger;

/**
 * Deterministic nonce generation of RFC 6979 section 3.2 for secp256k1 with HMAC-SHA-256, over a
 * 32-byte digest that is used as is ({@code h1}; no further hashing). Produces the same k as
 * bitcoin-core/libsecp256k1, trezor-crypto and bc-fips "DDSA" with SHA-256 for {@code h1 = SHA256(m)}.
 */
final class Rfc6979 {

  private final byte[] k = new byte[32];
  private final byte[] v = new byte[32];
  private boolean first = true;

  /** @param x the private key, 32 bytes big-endian; @param h1 the 32-byte digest */
  Rfc6979(byte[] x, byte[] h1) {
    byte[] h = Secp256k1.toBytes32(new BigInteger(1, h1).mod(Secp256k1.N)); // bits2octets
    java.util.Arrays.fill(v, (byte) 0x01);
    byte[] newK = HmacSha256.mac(k, v, new byte[] {0x00}, x, h);
    System.arraycopy(newK, 0, k, 0, 32);
    byte[] newV = HmacSha256.mac(k, v);
    System.arraycopy(newV, 0, v, 0, 32);
    Wipe.wipe(newK, newV);
    newK = HmacSha256.mac(k, v, new byte[] {0x01}, x, h);
    System.arraycopy(newK, 0, k, 0, 32);
    newV = HmacSha256.mac(k, v);
    System.arraycopy(newV, 0, v, 0, 32);
    Wipe.wipe(newK, newV, h);
  }

  /** The next candidate k in [1, n-1] (step h of RFC 6979 section 3.2). */
  BigInteger nextK() {
    while (true) {
      if (!first) {
        byte[] newK = HmacSha256.mac(k, v, new byte[] {0x00});
        System.arraycopy(newK, 0, k, 0, 32);
        byte[] newV = HmacSha256.mac(k, v);
        System.arraycopy(newV, 0, v, 0, 32);
        Wipe.wipe(newK, newV);
      }
      first = false;
      byte[] t = HmacSha256.mac(k, v);
      System.arraycopy(t, 0, v, 0, 32);
      BigInteger candidate = new BigInteger(1, t);
      Wipe.wipe(t);
      if (candidate.signum() > 0 && candidate.compareTo(Secp256k1.N) < 0) {
        return candidate;
      }
    }
  }

  /** Wipes the HMAC state. */
  void destroy() {
    Wipe.wipe(k, v);
  }
}
