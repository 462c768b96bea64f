package io.nitrosign.enclave.service;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.NsmException;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GetAttestationRequest;
import io.nitrosign.proto.v1.GetAttestationResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GetAttestation}: a fresh NSM attestation document for one of two purposes. Served in
 * SEALED and READY, so a parent can check the enclave before it sends anything to unseal. The NSM
 * never signs caller-chosen raw user_data (docs/attestation.md, "Document purposes"):
 * <ul>
 *   <li>CLIENT_REQUEST (also when unspecified): user_data =
 *       {@link AttestationPurpose#CLIENT_REQUEST} tag || the caller's user_data (at most
 *       {@link #MAX_CLIENT_USER_DATA_BYTES}), nonce = the caller's, no public_key. No verifier of
 *       this appliance accepts it as anything else: in particular it is never a fresh
 *       attested-signature proof, whatever the caller put after the tag.
 *   <li>RESPONSE_KEY: user_data = the {@link AttestationPurpose#RESPONSE_KEY} tag alone (the
 *       request's user_data must be empty), nonce = the caller's, public_key = the per-boot
 *       response key, so a client that verified one such document can check "fast" attested
 *       signatures against that key.
 * </ul>
 * Document contents are never logged.
 */
public final class AttestationHandler {

  private static final Logger LOG = LoggerFactory.getLogger(AttestationHandler.class);

  /** The wire contract's limit on the nonce. */
  public static final int MAX_FIELD_BYTES = 512;
  /** The wire contract's limit on a client's user_data: 512 minus the client-request tag. */
  public static final int MAX_CLIENT_USER_DATA_BYTES =
      AttestationPurpose.CLIENT_REQUEST.maxContentBytes();

  private final NsmDevice nsm;
  private final byte[] responsePublicKey;

  /**
   * @param nsm the device, or null when this enclave has none (then every call is NSM_ERROR)
   * @param responsePublicKey the response key (SEC1 uncompressed P-256), or null for none
   *     (RESPONSE_KEY requests then answer UNSUPPORTED)
   */
  public AttestationHandler(NsmDevice nsm, byte[] responsePublicKey) {
    this.nsm = nsm;
    this.responsePublicKey = responsePublicKey == null ? null : responsePublicKey.clone();
  }

  public GetAttestationResponse handle(GetAttestationRequest request) throws EnclaveException {
    if (request.getNonce().size() > MAX_FIELD_BYTES) {
      throw RequestValidation.invalid("nonce is larger than 512 bytes");
    }
    byte[] userData;
    byte[] publicKey;
    switch (request.getPurpose()) {
      case PURPOSE_UNSPECIFIED, CLIENT_REQUEST -> {
        if (request.getUserData().size() > MAX_CLIENT_USER_DATA_BYTES) {
          throw RequestValidation.invalid("user_data is larger than 484 bytes");
        }
        userData = AttestationPurpose.CLIENT_REQUEST.wrap(request.getUserData().toByteArray());
        publicKey = null;
      }
      case RESPONSE_KEY -> {
        if (!request.getUserData().isEmpty()) {
          throw RequestValidation.invalid("user_data must be empty for a response-key document");
        }
        if (responsePublicKey == null) {
          throw new EnclaveException(ErrorCode.UNSUPPORTED, "no response key");
        }
        userData = AttestationPurpose.RESPONSE_KEY.tag();
        publicKey = responsePublicKey.clone();
      }
      default -> throw RequestValidation.invalid("unknown attestation purpose");
    }
    if (nsm == null) {
      throw new EnclaveException(ErrorCode.NSM_ERROR, "attestation is not available");
    }
    try {
      byte[] document = nsm.attestation(userData, orNull(request.getNonce()), publicKey);
      return GetAttestationResponse.newBuilder().setDocument(ByteString.copyFrom(document))
          .build();
    } catch (NsmException e) {
      LOG.warn("NSM attestation failed: {}", e.code());
      throw new EnclaveException(ErrorCode.NSM_ERROR, "NSM attestation failed");
    }
  }

  private static byte[] orNull(ByteString b) {
    return b.isEmpty() ? null : b.toByteArray();
  }
}
