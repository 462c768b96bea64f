package io.nitrosign.attestation;

import java.util.Objects;

/** A document whose signature, chain and policy all verified. Only {@link AttestationVerifier} creates these. */
public record VerifiedAttestation(AttestationDocument document) {
  public VerifiedAttestation {
    Objects.requireNonNull(document, "document");
  }
}
