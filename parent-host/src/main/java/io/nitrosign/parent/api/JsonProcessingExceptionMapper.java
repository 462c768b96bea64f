package io.nitrosign.parent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;

/**
 * Malformed JSON reaching Jersey's Jackson provider. The API's resources parse their bodies
 * themselves, so this is a safety net; Jackson's message (which may quote input) is never shown.
 */
public final class JsonProcessingExceptionMapper implements ExceptionMapper<JsonProcessingException> {
  @Override
  public Response toResponse(JsonProcessingException e) {
    return ApiExceptionMapper.toResponse(400, ErrorCodes.INVALID_REQUEST, "malformed JSON body", Map.of());
  }
}
