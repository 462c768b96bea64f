package io.nitrosign.enclave.sealing;

import io.nitrosign.proto.v1.Curve;

/**
 * The wallet fields bound into both sealed shares through the GCM associated data.
 *
 * @param walletId wallet id (validated by the caller)
 * @param curve curve of the key
 * @param publicKey uncompressed SEC1 public key
 * @param owner canonical owner encoding, empty for none
 */
public record WalletBinding(String walletId, Curve curve, byte[] publicKey, byte[] owner) {

  public WalletBinding {
    publicKey = publicKey.clone();
    owner = owner.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] owner() {
    return owner.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WalletBinding w
        && walletId.equals(w.walletId)
        && curve == w.curve
        && java.util.Arrays.equals(publicKey, w.publicKey)
        && java.util.Arrays.equals(owner, w.owner);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(walletId, curve, java.util.Arrays.hashCode(publicKey));
  }

  @Override
  public String toString() {
    return "WalletBinding[" + walletId + ", " + curve + "]";
  }
}
