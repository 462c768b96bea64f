package io.nitrosign.parent.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one mapper for {@link ApiException}; every error response of the API is built here. */
public final class ApiExceptionMapper implements ExceptionMapper<ApiException> {

  private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionMapper.class);

  @Override
  public Response toResponse(ApiException e) {
    if (e.status() >= 500) {
      LOG.warn("request failed: status={} code={}", e.status(), e.code());
    }
    return toResponse(e.status(), ErrorBody.of(e), e.headers());
  }

  static Response toResponse(int status, String code, String message, Map<String, String> headers) {
    return toResponse(status, new ErrorBody(message, code), headers);
  }

  private static Response toResponse(int status, ErrorBody body, Map<String, String> headers) {
    Response.ResponseBuilder b = Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(body);
    headers.forEach(b::header);
    return b.build();
  }
}
