package io.nitrosign.parent.enclave;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import java.util.Map;

/** Maps enclave call failures to API errors (and to the code written to the audit log). */
public final class EnclaveFailures {
  private static final Map<String, String> RETRY = Map.of("Retry-After", "1");

  private EnclaveFailures() {}

  /**
   * True when the enclave refused the request itself (a payload it would not sign, an
   * authorization it would not accept): a rejection of the request (4xx), audited as rejected,
   * not a failure of the signing path.
   */
  public static boolean isRefusal(EnclaveCallException e) {
    return e.kind() == EnclaveCallException.Kind.ERROR && refusesTheRequest(e.errorCode());
  }

  /**
   * The enclave's codes for refusing the request itself (a payload it would not sign, an
   * authorization it would not accept). Their details are fixed reasons or a decoder's field and
   * reason, never secrets, so they are passed on to the client.
   */
  static boolean refusesTheRequest(io.nitrosign.proto.v1.ErrorCode code) {
    return switch (code) {
      case MALFORMED_PAYLOAD, MALFORMED_CIPHERTEXT, AUTHORIZATION_MISSING, AUTHORIZATION_INVALID,
          AUTHORIZATION_EXPIRED, AUTHORIZATION_INSUFFICIENT, AUTHORIZATION_REPLAYED,
          PERMISSION_DENIED, JWT_INVALID,
          JWT_EXPIRED, JWT_WRONG_ISSUER, JWT_WRONG_AUDIENCE, JWT_UNKNOWN_KEY -> true;
      default -> false;
    };
  }

  public static ApiException toApi(EnclaveCallException e) {
    return switch (e.kind()) {
      case UNAVAILABLE -> new ApiException(503, ErrorCodes.ENCLAVE_UNAVAILABLE,
          "the signing enclave is unavailable; retry later", RETRY);
      case CIRCUIT_OPEN -> new ApiException(503, ErrorCodes.ENCLAVE_UNAVAILABLE,
          "the signing enclave is unavailable; retry later",
          Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
      case OVERLOADED -> new ApiException(503, ErrorCodes.OVERLOADED,
          "the service is overloaded; retry later",
          Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
      case TIMEOUT -> new ApiException(504, ErrorCodes.ENCLAVE_TIMEOUT,
          "the signing enclave did not answer in time");
      case PROTOCOL -> new ApiException(502, ErrorCodes.ENCLAVE_ERROR,
          "the signing enclave sent an unexpected answer");
      case ERROR -> switch (e.errorCode()) {
        case NOT_READY -> new ApiException(503, ErrorCodes.ENCLAVE_NOT_READY,
            "the signing enclave is not ready; retry later", RETRY);
        case RESOURCE_EXHAUSTED -> new ApiException(503, ErrorCodes.ENCLAVE_BUSY,
            "the signing enclave is busy; retry later", RETRY);
        case SEAL_INTEGRITY -> new ApiException(502, ErrorCodes.SEALED_SHARE_INTEGRITY,
            "a sealed key share failed its integrity check");
        case KEY_MISMATCH -> new ApiException(502, ErrorCodes.KEY_MISMATCH,
            "the key shares do not match the wallet's public key");
        case UNKNOWN_KEY_VERSION -> new ApiException(502, ErrorCodes.UNKNOWN_KEY_VERSION,
            "the enclave does not hold the wallet's sealing-key version");
        // The parent decodes every payload first with the same decoders, so this means the two
        // disagree; the enclave's detail is a decoder message (field and reason), never secret.
        case MALFORMED_PAYLOAD -> new ApiException(400, ErrorCodes.MALFORMED_PAYLOAD,
            "the enclave refused the payload: " + e.getMessage());
        case MALFORMED_CIPHERTEXT -> new ApiException(400, ErrorCodes.MALFORMED_CIPHERTEXT,
            "the enclave could not open the encrypted key: " + e.getMessage());
        case AUTHORIZATION_MISSING -> new ApiException(401,
            ErrorCodes.MISSING_AUTHORIZATION_SIGNATURE, "the enclave refused: " + e.getMessage());
        case AUTHORIZATION_INVALID -> new ApiException(401,
            ErrorCodes.INVALID_AUTHORIZATION_SIGNATURE, "the enclave refused: " + e.getMessage());
        case AUTHORIZATION_EXPIRED -> new ApiException(401, ErrorCodes.REQUEST_EXPIRED,
            "the enclave refused: " + e.getMessage());
        case AUTHORIZATION_INSUFFICIENT -> new ApiException(401,
            ErrorCodes.INSUFFICIENT_SIGNATURES, "the enclave refused: " + e.getMessage());
        case AUTHORIZATION_REPLAYED -> new ApiException(401, ErrorCodes.AUTHORIZATION_REPLAYED,
            "the enclave refused: " + e.getMessage());
        case PERMISSION_DENIED -> new ApiException(403, ErrorCodes.PERMISSION_DENIED,
            "the enclave refused: " + e.getMessage());
        case JWT_INVALID -> new ApiException(401, ErrorCodes.INVALID_JWT, e.getMessage());
        case JWT_EXPIRED -> new ApiException(401, ErrorCodes.JWT_EXPIRED, e.getMessage());
        case JWT_WRONG_ISSUER -> new ApiException(401, ErrorCodes.JWT_WRONG_ISSUER, e.getMessage());
        case JWT_WRONG_AUDIENCE ->
            new ApiException(401, ErrorCodes.JWT_WRONG_AUDIENCE, e.getMessage());
        case JWT_UNKNOWN_KEY -> new ApiException(401, ErrorCodes.JWT_UNKNOWN_KEY, e.getMessage());
        case JWKS_UNAVAILABLE -> new ApiException(503, ErrorCodes.JWKS_UNAVAILABLE,
            "the issuer's keys could not be fetched; retry later", RETRY);
        default -> new ApiException(502, ErrorCodes.ENCLAVE_ERROR,
            "the signing enclave reported an error");
      };
    };
  }
}
