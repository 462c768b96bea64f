package io.nitrosign.devkit.kms;

import io.nitrosign.attestation.AttestationDocument;
import io.nitrosign.attestation.AttestationException;
import io.nitrosign.attestation.AttestationPolicy;
import io.nitrosign.attestation.AttestationVerifier;
import io.nitrosign.chains.AttestationPurpose;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * The local KMS's attestation check: the {@code attestation} module's verifier (COSE_Sign1 ES384,
 * chain to the given root, validity, well-formed fields) with no PCR constraints of its own; the
 * key policy decides which PCRs it accepts, as AWS KMS does. Debug-mode documents are refused.
 *
 * <p>Stricter than AWS KMS in one respect: the document's user_data must be exactly the
 * {@link AttestationPurpose#KMS_RECIPIENT} tag, which the enclave puts in every KMS recipient
 * document, so a document made for another purpose is refused here too. (AWS KMS ignores
 * user_data; there only the RSA public_key and the PCRs matter.)
 */
final class AttestationModuleCheck implements AttestationCheck {

  private final AttestationVerifier verifier;

  AttestationModuleCheck(X509Certificate root) {
    this.verifier = AttestationVerifier.withRoot(root);
  }

  @Override
  public AttestedRecipient check(byte[] document, Instant now) throws Rejected {
    try {
      AttestationDocument d = verifier.verify(document, AttestationPolicy.builder()
          .expectPurpose(AttestationPurpose.KMS_RECIPIENT, null).build(), now).document();
      byte[] publicKey = d.publicKey().orElseThrow(
          () -> new Rejected("attestation document has no public_key"));
      return new AttestedRecipient(d.pcrs(), publicKey, d.timestamp());
    } catch (AttestationException e) {
      throw new Rejected("attestation document rejected: " + e.reason());
    }
  }
}
