package io.nitrosign.attestation;

import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.chains.AuditCheckpointMessage;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Checks enclave-signed audit checkpoints ({@link AuditCheckpointMessage}) for {@code audit
 * verify}: the response key's attestation document must verify against the trusted root with the
 * {@link AttestationPurpose#RESPONSE_KEY} purpose (and the caller's PCR policy), and each
 * checkpoint's signature must verify under that document's {@code public_key}.
 *
 * <p>The documents are archival: NSM certificates live for hours, checkpoints for years. A
 * document is therefore verified as of its own timestamp (the instant the NSM signed it, inside
 * the signed payload), not as of now; it carries no nonce (the parent fetched it once per key).
 */
public final class AuditCheckpointVerifier {

  private final AttestationVerifier documents;
  private final AttestationPolicy policy;

  /**
   * @param policy PCRs and debug mode; its purpose, user_data and nonce expectations are replaced
   *     (RESPONSE_KEY tag alone, no nonce)
   */
  public AuditCheckpointVerifier(AttestationVerifier documents, AttestationPolicy policy) {
    this.documents = Objects.requireNonNull(documents, "documents");
    this.policy = Objects.requireNonNull(policy, "policy").toBuilder().expectNonce(null)
        .maxAge(null).expectPurpose(AttestationPurpose.RESPONSE_KEY, null).build();
  }

  /**
   * Verifies a stored response-key document and returns its key.
   *
   * @throws AttestationException when the document does not verify (the reason says why), or its
   *     public_key is not a SEC1 uncompressed P-256 key
   */
  public VerifiedResponseKey trustKey(byte[] document) throws AttestationException {
    Objects.requireNonNull(document, "document");
    AttestationDocument unverified = AttestationDocument.parseUnverified(document);
    VerifiedAttestation verified = documents.verify(document, policy, unverified.timestamp());
    byte[] key = verified.document().publicKey().orElse(null);
    if (key == null || EcdsaPoints.decodeUncompressed(EcdsaPoints.P256, key) == null) {
      throw new AttestationException(Reason.MALFORMED,
          "the document's public_key is not a SEC1 uncompressed P-256 key");
    }
    return new VerifiedResponseKey(key, verified);
  }

  /**
   * True when {@code signature} (64 bytes, {@code r || s}) is {@code key}'s ECDSA P-256 / SHA-256
   * signature over the checkpoint message for ({@code seq}, {@code rowHash}).
   */
  public static boolean signatureValid(VerifiedResponseKey key, long seq, byte[] rowHash,
      byte[] signature) {
    Objects.requireNonNull(key, "key");
    if (signature == null || signature.length != 64 || rowHash == null
        || rowHash.length != AuditCheckpointMessage.ROW_HASH_BYTES || seq <= 0) {
      return false;
    }
    ECPoint q = EcdsaPoints.decodeUncompressed(EcdsaPoints.P256, key.publicKeyUnsafe());
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    return q != null && EcdsaPoints.verify(EcdsaPoints.P256, q,
        sha256(AuditCheckpointMessage.of(seq, rowHash)), r, s) != null;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
