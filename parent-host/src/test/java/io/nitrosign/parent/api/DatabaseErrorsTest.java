package io.nitrosign.parent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * An unreachable database is a 503 the client may retry; any other SQL error is a bug (500). The
 * SQLSTATEs are PostgreSQL's (Appendix A, "PostgreSQL Error Codes") as its JDBC driver reports
 * them.
 */
class DatabaseErrorsTest {

  @Test
  void connectionFailuresAndShutdownsAreUnavailable() {
    // what the driver throws when the postmaster is gone, and while it restarts
    assertTrue(DatabaseErrors.unavailable(new RuntimeException(new PSQLException(
        "An I/O error occurred while sending to the backend.", PSQLState.CONNECTION_FAILURE))));
    assertTrue(DatabaseErrors.unavailable(new PSQLException("refused",
        PSQLState.CONNECTION_UNABLE_TO_CONNECT)));
    assertTrue(DatabaseErrors.unavailable(new SQLException("terminating connection due to"
        + " administrator command", "57P01")));
    assertTrue(DatabaseErrors.unavailable(new SQLException("the database system is starting up",
        "57P03")));
    assertTrue(DatabaseErrors.unavailable(new SQLException("too many connections", "53300")));
    assertTrue(DatabaseErrors.unavailable(new SQLTransientConnectionException("pool timeout")));
    assertEquals("08006", DatabaseErrors.sqlState(new RuntimeException(new PSQLException("x",
        PSQLState.CONNECTION_FAILURE))));
  }

  @Test
  void otherSqlErrorsAreNot() {
    assertFalse(DatabaseErrors.unavailable(new SQLException("duplicate key", "23505")));
    assertFalse(DatabaseErrors.unavailable(new SQLException("syntax error", "42601")));
    assertFalse(DatabaseErrors.unavailable(new IllegalStateException("bug")));
    assertEquals("none", DatabaseErrors.sqlState(new IllegalStateException("bug")));
  }

  @Test
  void theMapperAnswers503WithRetryHeadersAndNoDetail() {
    Response r = new UnexpectedExceptionMapper().toResponse(new RuntimeException(
        new PSQLException("secret-looking detail", PSQLState.CONNECTION_FAILURE)));
    assertEquals(503, r.getStatus());
    assertEquals("1", r.getHeaderString("Retry-After"));
    assertEquals("true", r.getHeaderString("x-should-retry"));
    assertFalse(String.valueOf(r.getEntity()).contains("secret-looking"));
    Response bug = new UnexpectedExceptionMapper().toResponse(new IllegalStateException("bug"));
    assertEquals(500, bug.getStatus());
  }
}
