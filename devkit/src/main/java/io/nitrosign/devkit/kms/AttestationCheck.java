package io.nitrosign.devkit.kms;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies the attestation document of a KMS request's {@code Recipient}: its COSE signature, the
 * certificate chain to the trusted root (in local mode the devkit's simulated NSM root CA) and the
 * chain's validity at {@code now}. It returns what the key policy and the response need: the PCRs
 * and the recipient's RSA public key. Freshness (the document's age) is checked by the local KMS
 * itself from {@link AttestedRecipient#timestamp()}, so every implementation gets the same rule.
 *
 * <p>The unit under test in this package is the KMS protocol and policy engine; the production
 * implementation is a thin adapter over the {@code attestation} module's {@code
 * AttestationVerifier}.
 */
public interface AttestationCheck {

  /**
   * Verifies {@code document} at {@code now}.
   *
   * @throws Rejected when the document is not valid; the KMS answers AccessDeniedException
   */
  AttestedRecipient check(byte[] document, Instant now) throws Rejected;

  /**
   * What a verified attestation document says.
   *
   * @param pcrs PCR index to its value (48 bytes each for SHA-384 PCRs)
   * @param publicKeyDer the document's {@code public_key}: a DER RSA SubjectPublicKeyInfo
   * @param timestamp when the NSM produced the document
   */
  record AttestedRecipient(Map<Integer, byte[]> pcrs, byte[] publicKeyDer, Instant timestamp) {
    public AttestedRecipient {
      pcrs = Map.copyOf(Objects.requireNonNull(pcrs, "pcrs"));
      Objects.requireNonNull(publicKeyDer, "publicKeyDer");
      Objects.requireNonNull(timestamp, "timestamp");
    }
  }

  /** The document is not acceptable; {@link #getMessage()} says why, without document bytes. */
  final class Rejected extends Exception {
    public Rejected(String reason) {
      super(reason, null, false, false);
    }
  }
}
