package io.nitrosign.enclave.service;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.NsmException;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GetAttestationRequest;
import io.nitrosign.proto.v1.GetAttestationResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GetAttestation}: a fresh NSM attestation document binding the caller's nonce and
 * user_data (each at most 512 bytes; empty means absent). Served in SEALED and READY, so a parent
 * can check the enclave before it sends anything to unseal. The document's {@code public_key} is
 * the enclave's per-boot response key, so a client that verified one document can check "fast"
 * attested signatures against that key. Document contents are never logged.
 */
public final class AttestationHandler {

  private static final Logger LOG = LoggerFactory.getLogger(AttestationHandler.class);

  /** The wire contract's limit on nonce and user_data. */
  public static final int MAX_FIELD_BYTES = 512;

  private final NsmDevice nsm;
  private final byte[] responsePublicKey;

  /**
   * @param nsm the device, or null when this enclave has none (then every call is NSM_ERROR)
   * @param responsePublicKey the response key (SEC1 uncompressed P-256), or null for none
   */
  public AttestationHandler(NsmDevice nsm, byte[] responsePublicKey) {
    this.nsm = nsm;
    this.responsePublicKey = responsePublicKey == null ? null : responsePublicKey.clone();
  }

  public GetAttestationResponse handle(GetAttestationRequest request) throws EnclaveException {
    if (request.getNonce().size() > MAX_FIELD_BYTES) {
      throw RequestValidation.invalid("nonce is larger than 512 bytes");
    }
    if (request.getUserData().size() > MAX_FIELD_BYTES) {
      throw RequestValidation.invalid("user_data is larger than 512 bytes");
    }
    if (nsm == null) {
      throw new EnclaveException(ErrorCode.NSM_ERROR, "attestation is not available");
    }
    try {
      byte[] document = nsm.attestation(orNull(request.getUserData()),
          orNull(request.getNonce()), responsePublicKey == null ? null : responsePublicKey.clone());
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
