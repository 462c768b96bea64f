package io.nitrosign.parent.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.HashMap;
import java.util.Map;

/**
 * JAX-RS's own errors (unknown route, wrong HTTP method, bad media type, ...) in the API's error
 * shape. The message is fixed per status; the exception's own text is never shown.
 */
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

  @Override
  public Response toResponse(WebApplicationException e) {
    Response original = e.getResponse();
    int status = original == null ? 500 : original.getStatus();
    Map<String, String> headers = new HashMap<>();
    if (original != null && original.getHeaderString(HttpHeaders.ALLOW) != null) {
      headers.put(HttpHeaders.ALLOW, original.getHeaderString(HttpHeaders.ALLOW));
    }
    return switch (status) {
      case 400 -> ApiExceptionMapper.toResponse(400, ErrorCodes.INVALID_REQUEST, "invalid request", headers);
      case 401 -> ApiExceptionMapper.toResponse(401, ErrorCodes.UNAUTHORIZED, "unauthorized",
          Map.of("WWW-Authenticate", "Basic realm=\"nitrosign\""));
      case 404 -> ApiExceptionMapper.toResponse(404, ErrorCodes.NOT_FOUND, "not found", headers);
      case 405 -> ApiExceptionMapper.toResponse(405, ErrorCodes.METHOD_NOT_ALLOWED, "method not allowed", headers);
      case 406 -> ApiExceptionMapper.toResponse(406, ErrorCodes.NOT_ACCEPTABLE, "not acceptable", headers);
      case 413 -> ApiExceptionMapper.toResponse(413, ErrorCodes.PAYLOAD_TOO_LARGE, "request body too large", headers);
      case 415 -> ApiExceptionMapper.toResponse(415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported media type", headers);
      default -> status >= 400 && status < 500
          ? ApiExceptionMapper.toResponse(status, ErrorCodes.INVALID_REQUEST, "invalid request", headers)
          : ApiExceptionMapper.toResponse(500, ErrorCodes.INTERNAL_ERROR, "internal error", Map.of());
    };
  }
}
