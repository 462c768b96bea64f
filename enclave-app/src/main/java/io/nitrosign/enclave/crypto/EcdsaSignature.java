package io.nitrosign.enclave.crypto;

import java.util.Arrays;

/**
 * A secp256k1 ECDSA signature: 32-byte big-endian {@code r} and {@code s} (s in the lower half of
 * the group order) and the recovery id (0 or 1, the parity of R's y coordinate).
 */
public final class EcdsaSignature {

  private final byte[] r;
  private final byte[] s;
  private final int recoveryId;

  /** Copies {@code r} and {@code s}, which must be 32 bytes each. */
  public EcdsaSignature(byte[] r, byte[] s, int recoveryId) {
    if (r.length != 32 || s.length != 32 || (recoveryId != 0 && recoveryId != 1)) {
      throw new IllegalArgumentException("invalid signature components");
    }
    this.r = r.clone();
    this.s = s.clone();
    this.recoveryId = recoveryId;
  }

  public byte[] r() {
    return r.clone();
  }

  public byte[] s() {
    return s.clone();
  }

  public int recoveryId() {
    return recoveryId;
  }

  /** The 65-byte Ethereum form {@code r || s || v} with {@code v = 27 + recoveryId}. */
  public byte[] toEthereumRsv() {
    byte[] out = Arrays.copyOf(r, 65);
    System.arraycopy(s, 0, out, 32, 32);
    out[64] = (byte) (27 + recoveryId);
    return out;
  }

  @Override
  public String toString() {
    return "EcdsaSignature[recoveryId=" + recoveryId + "]";
  }
}
