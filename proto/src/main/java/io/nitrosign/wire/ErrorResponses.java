package io.nitrosign.wire;

import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.Error;
import io.nitrosign.proto.v1.ErrorCode;

/** Builds {@code Error} responses with fixed, secret-free detail strings. */
final class ErrorResponses {
  private ErrorResponses() {}

  static EnclaveResponse error(long requestId, ErrorCode code, String detail) {
    return EnclaveResponse.newBuilder()
        .setRequestId(requestId)
        .setError(Error.newBuilder().setCode(code).setDetail(detail))
        .build();
  }

  static EnclaveResponse internal(long requestId) {
    return error(requestId, ErrorCode.INTERNAL, "internal error");
  }
}
