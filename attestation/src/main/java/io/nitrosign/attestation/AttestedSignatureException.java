package io.nitrosign.attestation;

import java.util.Objects;
import java.util.Optional;

/** An attested signature that did not verify; {@link #failure()} says which check failed. */
public final class AttestedSignatureException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The kinds of failure, in the order the checks run. */
  public enum Failure {
    /** A field has the wrong size or encoding (signature not 65 bytes, key not on its curve, ...). */
    MALFORMED,
    /** The secp256k1 signature does not verify under the public key for the digest, its v is wrong, or s is high. */
    BAD_SIGNATURE,
    /** The attestation document failed verification; {@link #attestationReason()} says why. */
    ATTESTATION,
    /** The document's nonce is not the one the client sent. */
    NONCE_MISMATCH,
    /** The proof (document user_data, or response-key signature) does not cover this request's binding. */
    BINDING_MISMATCH
  }

  private final Failure failure;
  private final Reason attestationReason;

  AttestedSignatureException(Failure failure, String message) {
    super(failure + ": " + message);
    this.failure = Objects.requireNonNull(failure);
    this.attestationReason = null;
  }

  AttestedSignatureException(Failure failure, AttestationException cause) {
    super(failure + ": " + cause.getMessage(), cause);
    this.failure = Objects.requireNonNull(failure);
    this.attestationReason = cause.reason();
  }

  public Failure failure() {
    return failure;
  }

  /** The attestation verifier's reason, when the document was what failed. */
  public Optional<Reason> attestationReason() {
    return Optional.ofNullable(attestationReason);
  }
}
