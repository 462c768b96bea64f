package io.nitrosign.attestation;

import java.util.Objects;

/**
 * An enclave's per-boot response key (SEC1 uncompressed P-256), taken from an attestation
 * document that verified ({@link AttestedSignatureVerifier#trustResponseKey}). Cache it and check
 * "fast" attested signatures against it; when a response names another response key (the enclave
 * restarted), fetch and verify a new document. Only this package creates these.
 */
public final class VerifiedResponseKey {

  private final byte[] publicKey;
  private final VerifiedAttestation attestation;

  VerifiedResponseKey(byte[] publicKey, VerifiedAttestation attestation) {
    this.publicKey = publicKey.clone();
    this.attestation = Objects.requireNonNull(attestation, "attestation");
  }

  /** The response key, 65 bytes. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** True when {@code responsePublicKey} (as a Sign response names it) is this key. */
  public boolean matches(byte[] responsePublicKey) {
    return responsePublicKey != null
        && java.security.MessageDigest.isEqual(publicKey, responsePublicKey);
  }

  /** The document that vouched for the key (PCRs, module id, timestamp). */
  public VerifiedAttestation attestation() {
    return attestation;
  }

  byte[] publicKeyUnsafe() {
    return publicKey;
  }
}
