package io.nitrosign.parent.enclave;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.protobuf.ByteString;
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
 * {@code GET /v1/enclave/attestation?nonce=HEX}: a fresh attestation document from the enclave's
 * NSM, with the caller's nonce (at most 512 bytes). Its {@code public_key} is the enclave's per-boot
 * response key, which signs "fast" attested signatures. Clients and security teams verify it with
 * the {@code attestation} module ({@code AttestedSignatureVerifier.trustResponseKey}) or
 * {@code ./appliance attestation verify}.
 */
@Path("/v1/enclave")
@Produces(MediaType.APPLICATION_JSON)
public final class EnclaveResource {

  private final EnclaveGateway enclave;

  public EnclaveResource(EnclaveGateway enclave) {
    this.enclave = enclave;
  }

  public record Attestation(@JsonProperty("attestation_document") String attestationDocument,
      @JsonProperty("nonce") String nonce) {}

  @GET
  @Path("attestation")
  public Attestation attestation(@QueryParam("nonce") String nonceHex) {
    byte[] nonce = new byte[0];
    if (nonceHex != null && !nonceHex.isEmpty()) {
      try {
        nonce = HexFormat.of().parseHex(nonceHex.startsWith("0x") ? nonceHex.substring(2) : nonceHex);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalidRequest("nonce is not valid hex");
      }
      if (nonce.length > 512) {
        throw ApiException.invalidRequest("nonce is longer than 512 bytes");
      }
    }
    try {
      byte[] doc = enclave.getAttestation(GetAttestationRequest.newBuilder()
          .setNonce(ByteString.copyFrom(nonce)).build()).getDocument().toByteArray();
      return new Attestation(Base64.getEncoder().encodeToString(doc),
          HexFormat.of().formatHex(nonce));
    } catch (EnclaveCallException e) {
      throw EnclaveFailures.toApi(e);
    }
  }
}
