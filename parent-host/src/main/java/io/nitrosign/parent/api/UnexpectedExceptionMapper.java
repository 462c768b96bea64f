package io.nitrosign.parent.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anything else is a bug: logged with a reference id, answered with a bare 500. Except an
 * unreachable database ({@link DatabaseErrors}): 503 {@code database_unavailable}, safe to retry,
 * logged on one line.
 */
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

  @Override
  public Response toResponse(Throwable e) {
    long ref = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    if (DatabaseErrors.unavailable(e)) {
      LOG.warn("database unavailable, ref={}: {} (SQLSTATE {})", Long.toHexString(ref),
          e.getClass().getName(), DatabaseErrors.sqlState(e));
      return new ApiExceptionMapper().toResponse(DatabaseErrors.unavailableAnswer());
    }
    // The exception is ours or a library's; request bodies never reach exception messages here.
    LOG.error("unexpected error, ref={}", Long.toHexString(ref), e);
    return ApiExceptionMapper.toResponse(500, ErrorCodes.INTERNAL_ERROR, "internal error", Map.of());
  }
}
