package io.nitrosign.parent.enclave;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.proto.v1.GetAttestationRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Base64;
import java.util.HexFormat;

/**
 * {@code GET /v1/enclave/attestation?nonce=HEX[&purpose=response_key|client_request][&user_data=HEX]}:
 * a fresh attestation document from the enclave's NSM, with the caller's nonce (at most 512 bytes).
 * The enclave tags every document's user_data with its purpose (docs/attestation.md, "Document
 * purposes"):
 * <ul>
 *   <li>{@code response_key} (the default): user_data = the response-key tag, public_key = the
 *       enclave's per-boot response key, which signs "fast" attested signatures. Clients verify it
 *       with {@code AttestedSignatureVerifier.trustResponseKey}; {@code user_data} is refused.
 *   <li>{@code client_request}: user_data = the client-request tag followed by the caller's
 *       {@code user_data} (hex, at most 484 bytes), no public_key. It proves the image answered
 *       this nonce and data, and nothing else: no verifier accepts it as a signature proof or a
 *       response key.
 * </ul>
 */
@Path("/v1/enclave")
@Produces(MediaType.APPLICATION_JSON)
public final class EnclaveResource {

  /** The most user_data a client may have bound (512 minus the client-request tag). */
  static final int MAX_USER_DATA_BYTES = AttestationPurpose.CLIENT_REQUEST.maxContentBytes();

  private final EnclaveGateway enclave;

  public EnclaveResource(EnclaveGateway enclave) {
    this.enclave = enclave;
  }

  public record Attestation(@JsonProperty("attestation_document") String attestationDocument,
      @JsonProperty("nonce") String nonce, @JsonProperty("purpose") String purpose) {}

  @GET
  @Path("attestation")
  public Attestation attestation(@QueryParam("nonce") String nonceHex,
      @QueryParam("purpose") String purposeName, @QueryParam("user_data") String userDataHex) {
    byte[] nonce = hex(nonceHex, "nonce");
    if (nonce.length > 512) {
      throw ApiException.invalidRequest("nonce is longer than 512 bytes");
    }
    byte[] userData = hex(userDataHex, "user_data");
    GetAttestationRequest.Purpose purpose;
    String purposeLabel;
    if (purposeName == null || purposeName.isEmpty() || purposeName.equals("response_key")) {
      if (userData.length > 0) {
        throw ApiException.invalidRequest("user_data is only allowed with purpose=client_request");
      }
      purpose = GetAttestationRequest.Purpose.RESPONSE_KEY;
      purposeLabel = "response_key";
    } else if (purposeName.equals("client_request")) {
      if (userData.length > MAX_USER_DATA_BYTES) {
        throw ApiException.invalidRequest("user_data is longer than 484 bytes");
      }
      purpose = GetAttestationRequest.Purpose.CLIENT_REQUEST;
      purposeLabel = "client_request";
    } else {
      throw ApiException.invalidRequest("purpose must be response_key or client_request");
    }
    try {
      byte[] doc = enclave.getAttestation(GetAttestationRequest.newBuilder()
          .setNonce(ByteString.copyFrom(nonce)).setUserData(ByteString.copyFrom(userData))
          .setPurpose(purpose).build()).getDocument().toByteArray();
      return new Attestation(Base64.getEncoder().encodeToString(doc),
          HexFormat.of().formatHex(nonce), purposeLabel);
    } catch (EnclaveCallException e) {
      throw EnclaveFailures.toApi(e);
    }
  }

  private static byte[] hex(String value, String name) {
    if (value == null || value.isEmpty()) {
      return new byte[0];
    }
    try {
      return HexFormat.of().parseHex(value.startsWith("0x") ? value.substring(2) : value);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidRequest(name + " is not valid hex");
    }
  }
}
