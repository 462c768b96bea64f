package io.nitrosign.enclave.crypto;

/**
 * A capability that signs 32-byte digests with a private key it never reveals (Tink's
 * {@code PublicKeySign}, specialised to prehashed secp256k1 ECDSA with recovery).
 */
public interface PublicKeySign extends AutoCloseable {

  /** Signs a 32-byte digest as is. */
  EcdsaSignature sign(byte[] digest32);

  /** The signer's public key, SEC1 uncompressed (65 bytes). */
  byte[] publicKey();

  /** Wipes the private key. */
  @Override
  void close();
}
