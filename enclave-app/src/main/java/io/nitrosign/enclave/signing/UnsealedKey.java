package io.nitrosign.enclave.signing;

import io.nitrosign.enclave.crypto.Ed25519Signer;
import io.nitrosign.enclave.crypto.Secp256k1Signer;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.Curve;

/**
 * A wallet key rebuilt from its two shares and already checked against the wallet's public key,
 * lent to one signing step. It is only valid inside {@code WalletOperations.withUnsealedKey}: the
 * private key and the signer are wiped when that returns, so a user must neither keep nor leak
 * them. Exactly one of {@link #secp256k1()} and {@link #ed25519()} is available, by curve.
 */
public final class UnsealedKey {

  private final Curve curve;
  private final SecretBytes privateKey;
  private final Secp256k1Signer secp256k1;
  private final Ed25519Signer ed25519;
  private final byte[] publicKey;

  public UnsealedKey(SecretBytes privateKey, Secp256k1Signer signer) {
    this.curve = Curve.SECP256K1;
    this.privateKey = privateKey;
    this.secp256k1 = signer;
    this.ed25519 = null;
    this.publicKey = signer.publicKey();
  }

  public UnsealedKey(SecretBytes privateKey, Ed25519Signer signer) {
    this.curve = Curve.ED25519;
    this.privateKey = privateKey;
    this.secp256k1 = null;
    this.ed25519 = signer;
    this.publicKey = signer.publicKey();
  }

  public Curve curve() {
    return curve;
  }

  /** The 32-byte private key (secp256k1 scalar or Ed25519 seed); borrowed, never to be kept. */
  public SecretBytes privateKey() {
    return privateKey;
  }

  /** The wallet's public key (65-byte SEC1 uncompressed, or the 32-byte Ed25519 key). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The secp256k1 signer; only for secp256k1 wallets. */
  public Secp256k1Signer secp256k1() {
    if (secp256k1 == null) {
      throw new IllegalStateException("not a secp256k1 key");
    }
    return secp256k1;
  }

  /** The Ed25519 signer; only for Ed25519 wallets. */
  public Ed25519Signer ed25519() {
    if (ed25519 == null) {
      throw new IllegalStateException("not an Ed25519 key");
    }
    return ed25519;
  }

  @Override
  public String toString() {
    return "UnsealedKey[" + curve + ", <redacted>]";
  }
}
