package io.nitrosign.chains.ethereum;

import com.joemelsha.crypto.hash.Keccak;

/**
 * Keccak-256 as used by Ethereum (the original Keccak padding, not NIST SHA3-256), backed by
 * headlong's implementation.
 */
public final class Keccak256 {

  /** Output length in bytes. */
  public static final int DIGEST_LENGTH = 32;

  private Keccak256() {}

  /** Returns keccak256(data). */
  public static byte[] hash(byte[] data) {
    Keccak keccak = new Keccak(256);
    keccak.update(data);
    return keccak.digest();
  }

  /** Returns keccak256 of the concatenation of {@code parts}. */
  public static byte[] hash(byte[]... parts) {
    Keccak keccak = new Keccak(256);
    for (byte[] part : parts) {
      keccak.update(part);
    }
    return keccak.digest();
  }
}
