package io.nitrosign.attestation;

import io.nitrosign.chains.AttestationBinding;
import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.attestation.AttestedSignatureException.Failure;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Verifies attested signatures (docs/attestation.md, "Attested signatures"): that a secp256k1
 * signature is valid for the request, and that an enclave running an allowed image made it.
 *
 * <ul>
 *   <li>{@link #verifyFresh}: the response's attestation document verifies under the policy
 *       (chain, COSE signature, PCRs, ...), its {@code nonce} is the client's and its
 *       {@code user_data} is {@link AttestationPurpose#FRESH_SIGNATURE}'s tag followed by the
 *       binding the client recomputes from what it knows;
 *   <li>{@link #trustResponseKey} once, then {@link #verifyFast} per signature: the response
 *       key's ECDSA P-256 / SHA-256 signature over the recomputed binding. The key is taken only
 *       from a document whose {@code user_data} is exactly {@link AttestationPurpose#RESPONSE_KEY}'s
 *       tag.
 * </ul>
 * A document of another purpose (a client's GetAttestation with chosen user_data, the import key,
 * the KMS recipient) fails with {@code ATTESTATION} / {@link Reason#PURPOSE_MISMATCH}.
 * In both forms the wallet signature itself is checked first: ECDSA over the 32-byte digest under
 * the wallet's public key, {@code v} (27 or 28) must be R's y parity, and {@code s} must be in the
 * lower half of the order (the enclave always signs low-S, so a flipped {@code s} is refused).
 * Instances are immutable and thread-safe; the time is always a parameter.
 */
public final class AttestedSignatureVerifier {

  /** Length of a raw response-key signature {@code r || s}. */
  public static final int RESPONSE_SIGNATURE_BYTES = 64;

  private final AttestationVerifier documents;

  public AttestedSignatureVerifier(AttestationVerifier documents) {
    this.documents = Objects.requireNonNull(documents, "documents");
  }

  /**
   * Fresh form: {@code document} is the NSM attestation document returned with the signature.
   * {@code policy} states the allowed PCRs (and debug, age); the nonce and user_data expectations
   * are set here from {@code request}.
   */
  public VerifiedAttestation verifyFresh(byte[] document, AttestationPolicy policy, Instant at,
      SignedRequest request) throws AttestedSignatureException {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(at, "at");
    byte[] binding = checkSignature(request);
    byte[] nonce = request.nonce();
    AttestationPolicy.Builder expect = policy.toBuilder()
        .expectPurpose(AttestationPurpose.FRESH_SIGNATURE, binding);
    // an empty nonce is absent from the document; the binding covers the empty nonce anyway
    expect.expectNonce(nonce.length == 0 ? null : nonce);
    try {
      return documents.verify(document, expect.build(), at);
    } catch (AttestationException e) {
      throw mapped(e);
    }
  }

  /**
   * Verifies a response-key document from {@code GET /v1/enclave/attestation?nonce=…} fetched
   * with {@code nonce}, and returns the response key it carries (its {@code public_key}: SEC1
   * uncompressed P-256). Its {@code user_data} must be exactly
   * {@link AttestationPurpose#RESPONSE_KEY}'s tag.
   *
   * @param nonce the nonce the client sent, non-empty: it makes the document fresh
   */
  public VerifiedResponseKey trustResponseKey(byte[] document, byte[] nonce,
      AttestationPolicy policy, Instant at) throws AttestedSignatureException {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(at, "at");
    if (nonce == null || nonce.length == 0) {
      throw new IllegalArgumentException("a non-empty nonce is required");
    }
    VerifiedAttestation verified;
    try {
      verified = documents.verify(document, policy.toBuilder().expectNonce(nonce)
          .expectPurpose(AttestationPurpose.RESPONSE_KEY, null).build(), at);
    } catch (AttestationException e) {
      throw mapped(e);
    }
    byte[] key = verified.document().publicKey().orElse(null);
    if (EcdsaPoints.decodeUncompressed(EcdsaPoints.P256, key) == null) {
      throw new AttestedSignatureException(Failure.MALFORMED,
          "the document's public_key is not a SEC1 uncompressed P-256 key");
    }
    return new VerifiedResponseKey(key, verified);
  }

  /**
   * Fast form: {@code responseSignature} (64 bytes, {@code r || s}) is the response key's
   * signature over the binding, and {@code key} came from {@link #trustResponseKey}.
   */
  public void verifyFast(byte[] responseSignature, VerifiedResponseKey key, SignedRequest request)
      throws AttestedSignatureException {
    Objects.requireNonNull(key, "key");
    byte[] binding = checkSignature(request);
    if (responseSignature == null || responseSignature.length != RESPONSE_SIGNATURE_BYTES) {
      throw new AttestedSignatureException(Failure.MALFORMED, "response signature must be 64 bytes");
    }
    ECPoint q = EcdsaPoints.decodeUncompressed(EcdsaPoints.P256, key.publicKeyUnsafe());
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(responseSignature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(responseSignature, 32, 64));
    if (q == null || EcdsaPoints.verify(EcdsaPoints.P256, q, sha256(binding), r, s) == null) {
      throw new AttestedSignatureException(Failure.BINDING_MISMATCH,
          "the response signature does not verify over this request's binding");
    }
  }

  /**
   * Checks only the wallet signature, without any proof: ECDSA over secp256k1 under the public
   * key for the digest, low-S, and {@code v} (27 or 28) consistent with R. The parent host runs
   * this on every signature before it releases it, so a faulty enclave's answer never leaves.
   *
   * @throws AttestedSignatureException MALFORMED or BAD_SIGNATURE
   */
  public static void verifyWalletSignature(SignedRequest request)
      throws AttestedSignatureException {
    checkSignature(request);
  }

  /** Checks the wallet signature of {@code request} and returns its binding. */
  static byte[] checkSignature(SignedRequest request) throws AttestedSignatureException {
    Objects.requireNonNull(request, "request");
    byte[] binding;
    try {
      binding = request.binding();
    } catch (IllegalArgumentException e) {
      throw new AttestedSignatureException(Failure.MALFORMED, e.getMessage());
    }
    ECPoint q = EcdsaPoints.decodeUncompressed(EcdsaPoints.SECP256K1, request.publicKey());
    if (q == null) {
      throw new AttestedSignatureException(Failure.MALFORMED,
          "public key is not a SEC1 uncompressed secp256k1 point");
    }
    byte[] sig = request.signature();
    int v = sig[64] & 0xff;
    BigInteger n = EcdsaPoints.SECP256K1.getN();
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
    if (v != 27 && v != 28) {
      throw new AttestedSignatureException(Failure.BAD_SIGNATURE, "v must be 27 or 28");
    }
    if (s.compareTo(n.shiftRight(1)) > 0) {
      throw new AttestedSignatureException(Failure.BAD_SIGNATURE, "s is not low-S");
    }
    ECPoint point = EcdsaPoints.verify(EcdsaPoints.SECP256K1, q, request.digest(), r, s);
    if (point == null) {
      throw new AttestedSignatureException(Failure.BAD_SIGNATURE,
          "the signature does not verify under the public key for the digest");
    }
    // v - 27 is R's y parity; R's x must be r itself (recovery ids 2 and 3 do not fit in v)
    boolean odd = point.getAffineYCoord().toBigInteger().testBit(0);
    if (!point.getAffineXCoord().toBigInteger().equals(r) || odd != (v == 28)) {
      throw new AttestedSignatureException(Failure.BAD_SIGNATURE,
          "v does not match the signature's R point");
    }
    return binding;
  }

  private static AttestedSignatureException mapped(AttestationException e) {
    switch (e.reason()) {
      case NONCE_MISMATCH:
        return new AttestedSignatureException(Failure.NONCE_MISMATCH, e);
      case USER_DATA_MISMATCH:
        return new AttestedSignatureException(Failure.BINDING_MISMATCH, e);
      default:
        return new AttestedSignatureException(Failure.ATTESTATION, e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static {
    // AttestationBinding's sizes are what checkSignature reads
    if (AttestationBinding.SIGNATURE_BYTES != 65 || AttestationBinding.PUBLIC_KEY_BYTES != 65) {
      throw new ExceptionInInitializerError("binding sizes changed");
    }
  }
}
