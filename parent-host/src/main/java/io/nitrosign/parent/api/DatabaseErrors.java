package io.nitrosign.parent.api;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;

/**
 * Tells "PostgreSQL is unreachable or restarting" from a bug: the first is answered 503
 * {@code database_unavailable} with {@code Retry-After: 1} and {@code x-should-retry: true}
 * (nothing was done, or nothing released: a retry is safe, and with an idempotency key it ends in
 * one result), and logged on one line, not as a stack trace.
 */
public final class DatabaseErrors {

  private DatabaseErrors() {}

  /**
   * True when {@code e} or a cause is a connection failure: SQLSTATE class 08 (connection
   * exception), 57P01–57P03 (the server shutting down, crashed, or not yet accepting connections),
   * 53 (insufficient resources), a transient connection exception from the pool, or JDBI's
   * connection exception.
   */
  public static boolean unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof org.jdbi.v3.core.ConnectionException
          || t instanceof java.net.ConnectException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The SQLSTATE of the first SQL exception in the chain, for the log line (no message). */
  public static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return "none";
  }

  /** 503 {@code database_unavailable}: retry after a second. */
  public static ApiException unavailableAnswer() {
    return new ApiException(503, ErrorCodes.DATABASE_UNAVAILABLE,
        "the database is unavailable; nothing was released; retry", Map.of("Retry-After", "1",
            "x-should-retry", "true"));
  }
}
