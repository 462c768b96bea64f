package io.nitrosign.parent;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.util.Duration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A parent-host configuration built in code: random ports, a fresh database migrated by its
 * owner and used as the service role, no enclave.
 */
public final class TestApp {
  private TestApp() {}

  public static ParentHostConfiguration config(TestPostgres.Db db) {
    ParentHostConfiguration c = new ParentHostConfiguration();
    // The service connects as its own role; the migrations run as the owner, as in production.
    DataSourceFactory d = new DataSourceFactory();
    d.setDriverClass("org.postgresql.Driver");
    d.setUrl(db.url());
    d.setUser(TestPostgres.SERVICE_ROLE);
    d.setPassword(TestPostgres.SERVICE_PASSWORD);
    c.setDatabase(d);
    DataSourceFactory owner = new DataSourceFactory();
    owner.setDriverClass("org.postgresql.Driver");
    owner.setUrl(db.url());
    owner.setUser(db.user());
    owner.setPassword("");
    c.setMigrationDatabase(owner);

    DefaultServerFactory server = new DefaultServerFactory();
    HttpConnectorFactory app = new HttpConnectorFactory();
    app.setBindHost("127.0.0.1");
    app.setPort(0);
    HttpConnectorFactory admin = new HttpConnectorFactory();
    admin.setBindHost("127.0.0.1");
    admin.setPort(0);
    server.setApplicationConnectors(List.of(app));
    server.setAdminConnectors(List.of(admin));
    c.setServerFactory(server);
    if (c.getLoggingFactory() instanceof DefaultLoggingFactory logging) {
      logging.setLevel("WARN");
    }

    // A unix socket path where nothing listens: the enclave is down for these tests.
    try {
      Path dir = Files.createTempDirectory("nitrosign-no-enclave");
      c.getEnclave().setAddress("unix:" + dir.resolve("enclave.sock"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.getEnclave().setCallTimeout(Duration.seconds(2));
    c.getEnclave().setConnectTimeout(Duration.milliseconds(200));
    c.getEnclave().setReconnectMaxBackoff(Duration.milliseconds(500));
    // The enclave is down for the whole test: every call is to find it unreachable and be audited
    // as such, not be refused by an open circuit breaker (EnclaveOverloadTest and OverloadApiTest
    // test the breaker, with their own settings).
    c.getEnclave().setCircuitBreakerFailures(1000);
    return c;
  }
}
