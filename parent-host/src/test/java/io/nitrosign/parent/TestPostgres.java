package io.nitrosign.parent;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One real PostgreSQL server (io.zonky embedded) for every test in the JVM; each test class gets
 * its own fresh database so tests cannot see each other's rows.
 */
public final class TestPostgres {

  /** The service's login role (cluster-wide), made once per server as the application's is. */
  public static final String SERVICE_ROLE = "nitrosign_service";
  public static final String SERVICE_PASSWORD = "test-service-password-0123456789";

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  /** A fresh, empty database on the shared server, accessed as the superuser. */
  public record Db(String name, String url, String user, DataSource superuser) {
    /** A connection to this database as the service role (no DDL, audit_log INSERT/SELECT). */
    public Connection asServiceRole() throws SQLException {
      return java.sql.DriverManager.getConnection(url, SERVICE_ROLE, SERVICE_PASSWORD);
    }
  }

  private TestPostgres() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
        io.nitrosign.parent.db.ServiceRole.ensure(server.getPostgresDatabase(), SERVICE_ROLE,
            SERVICE_PASSWORD);
      } catch (IOException e) {
        throw new UncheckedIOException("starting embedded PostgreSQL", e);
      } catch (SQLException e) {
        throw new IllegalStateException("creating the service role", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    return server;
  }

  public static Db newDatabase() {
    EmbeddedPostgres pg = server();
    String name = "nitrosign_test_" + DATABASES.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("creating test database", e);
    }
    // the URL without ?user=: a user in the URL would override the one a connection asks for
    String url = pg.getJdbcUrl("postgres", name).replaceFirst("\\?.*$", "");
    return new Db(name, url, "postgres", pg.getDatabase("postgres", name));
  }
}
