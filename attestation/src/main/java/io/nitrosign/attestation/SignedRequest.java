package io.nitrosign.attestation;

import io.nitrosign.chains.AttestationBinding;
import io.nitrosign.chains.ethereum.Eip191;
import java.util.Objects;

/**
 * What the client asked for and got back, as the client itself knows it: the wallet id, the
 * digest that should have been signed (recomputed by the client, e.g. with
 * {@link #personalSign}), the 65-byte signature {@code r || s || v} (v = 27 or 28) as the API
 * returned it, the wallet's 65-byte SEC1 uncompressed public key, and the nonce it sent (empty for
 * none).
 */
public record SignedRequest(String walletId, byte[] digest, byte[] signature, byte[] publicKey,
    byte[] nonce) {

  public SignedRequest {
    Objects.requireNonNull(walletId, "walletId");
    digest = Objects.requireNonNull(digest, "digest").clone();
    signature = Objects.requireNonNull(signature, "signature").clone();
    publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
    nonce = nonce == null ? new byte[0] : nonce.clone();
  }

  /** A {@code personal_sign} request: the digest is the EIP-191 hash of {@code message}. */
  public static SignedRequest personalSign(String walletId, byte[] message, byte[] signature,
      byte[] publicKey, byte[] nonce) {
    return new SignedRequest(walletId, Eip191.personalMessageHash(message), signature, publicKey,
        nonce);
  }

  /**
   * The binding this request's proof must cover ({@link AttestationBinding}).
   *
   * @throws IllegalArgumentException if a field has the wrong size
   */
  public byte[] binding() {
    return AttestationBinding.compute(walletId, digest, signature, publicKey, nonce);
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }
}
