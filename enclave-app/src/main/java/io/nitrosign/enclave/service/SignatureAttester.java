package io.nitrosign.enclave.service;

import io.nitrosign.chains.AttestationPurpose;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.AttestationBinding;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.crypto.ResponseKey;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.NsmException;
import io.nitrosign.proto.v1.Attest;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attested signatures: proof that this enclave made a signature, over the
 * {@link AttestationBinding} of (digest, r||s||v, public key, caller nonce, wallet id).
 * <ul>
 *   <li>FRESH: an NSM attestation document with {@code user_data} =
 *       {@link AttestationPurpose#FRESH_SIGNATURE} tag || binding, {@code nonce} = the
 *       caller's nonce and {@code public_key} = the response key;
 *   <li>FAST: the per-boot {@link ResponseKey}'s ECDSA P-256 signature over the binding.
 * </ul>
 * When proof was asked for and cannot be made, the whole Sign fails ({@code NSM_ERROR}): the
 * signature is never returned without its proof.
 */
final class SignatureAttester {

  private static final Logger LOG = LoggerFactory.getLogger(SignatureAttester.class);

  private final NsmDevice nsm;
  private final ResponseKey responseKey;

  /**
   * @param nsm the NSM device, or null (FRESH then fails with NSM_ERROR)
   * @param responseKey the per-boot response key; owned by the caller
   */
  SignatureAttester(NsmDevice nsm, ResponseKey responseKey) {
    this.nsm = nsm;
    this.responseKey = responseKey;
  }

  /** Checks the {@code attest} field before any key work; a request without it passes. */
  static void validate(SignRequest request) throws EnclaveException {
    if (!request.hasAttest()) {
      return;
    }
    switch (request.getPayloadCase()) {
      case PERSONAL_MESSAGE, DIGEST, ETHEREUM_TRANSACTION, ETHEREUM_TYPED_DATA,
          ETHEREUM_AUTHORIZATION -> { }
      default -> throw new EnclaveException(ErrorCode.UNSUPPORTED,
          "attested signatures are for single secp256k1 signatures only");
    }
    Attest attest = request.getAttest();
    if (attest.getMode() != Attest.Mode.FRESH && attest.getMode() != Attest.Mode.FAST) {
      throw RequestValidation.invalid("attest.mode must be FRESH or FAST");
    }
    if (attest.getNonce().size() > AttestationBinding.MAX_NONCE_BYTES) {
      throw RequestValidation.invalid("attest.nonce is larger than 512 bytes");
    }
  }

  /** Adds the proof to {@code signed} if {@code request} asked for it; otherwise returns it. */
  SignResponse attest(SignRequest request, SignResponse signed) throws EnclaveException {
    if (!request.hasAttest()) {
      return signed;
    }
    validate(request);
    Attest attest = request.getAttest();
    byte[] signature = new byte[AttestationBinding.SIGNATURE_BYTES];
    signed.getR().copyTo(signature, 0);
    signed.getS().copyTo(signature, 32);
    signature[64] = (byte) (27 + signed.getRecoveryId());
    byte[] nonce = attest.getNonce().toByteArray();
    byte[] binding = AttestationBinding.compute(request.getKey().getWalletId(),
        signed.getDigest().toByteArray(), signature, request.getKey().getPublicKey().toByteArray(),
        nonce);
    SignResponse.Builder out = signed.toBuilder().setBinding(ByteString.copyFrom(binding));
    if (attest.getMode() == Attest.Mode.FRESH) {
      if (nsm == null) {
        throw new EnclaveException(ErrorCode.NSM_ERROR, "attestation is not available");
      }
      try {
        byte[] document = nsm.attestation(AttestationPurpose.FRESH_SIGNATURE.wrap(binding),
            nonce.length == 0 ? null : nonce,
            responseKey.publicKey());
        out.setAttestationDocument(ByteString.copyFrom(document));
      } catch (NsmException e) {
        LOG.warn("NSM attestation for a signature failed: {}", e.code());
        throw new EnclaveException(ErrorCode.NSM_ERROR, "NSM attestation failed");
      }
    } else {
      out.setResponseSignature(ByteString.copyFrom(responseKey.sign(binding)))
          .setResponsePublicKey(ByteString.copyFrom(responseKey.publicKey()));
    }
    return out.build();
  }
}
