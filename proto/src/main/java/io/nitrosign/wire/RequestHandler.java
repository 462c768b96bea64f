package io.nitrosign.wire;

import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one decoded request. Implementations must complete the future with a response (an
 * {@code Error} body for failures) and never with an exception; the server answers INTERNAL if
 * they do. The server sets {@code request_id} on the response itself.
 */
@FunctionalInterface
public interface RequestHandler {
  CompletableFuture<EnclaveResponse> handle(EnclaveRequest request);
}
