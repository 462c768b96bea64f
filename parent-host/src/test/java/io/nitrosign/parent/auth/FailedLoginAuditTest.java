package io.nitrosign.parent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.parent.ParentHostApplication;
import io.nitrosign.parent.ParentHostConfiguration;
import io.nitrosign.parent.TestApp;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Failed logins through the running application: metered, audited, and capped. */
@ExtendWith(DropwizardExtensionsSupport.class)
class FailedLoginAuditTest {

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Jdbi jdbi;
  private static AppManager apps;

  @BeforeAll
  static void database() {
    jdbi = Jdbi.create(DB.superuser());
    apps = new AppManager(jdbi, new SecureRandom(), Clock.systemUTC(), new ObjectMapper());
  }

  @Test
  void aFloodOfWrongSecretsIsFullyMeteredButAuditedOnlyUpToThePerAppCap() throws Exception {
    CreatedApp app = apps.create("flooded", false);
    MetricRegistry metrics = APP.getEnvironment().metrics();
    long total = metrics.meter(AuthFailures.METER).getCount();
    long invalid = metrics.meter("auth.failures.invalid_credentials").getCount();
    int attempts = 3 * AuthFailures.AUDIT_ROWS_PER_APP_PER_MINUTE;
    for (int i = 0; i < attempts; i++) {
      assertEquals(401, get("/v1/wallets", basic(app.app().id(), "wrong-" + i)));
    }
    assertEquals(attempts, metrics.meter(AuthFailures.METER).getCount() - total);
    assertEquals(attempts, metrics.meter("auth.failures.invalid_credentials").getCount() - invalid);

    List<AuditRow> rows = waitForRows(app.app().id(), AuthFailures.AUDIT_ROWS_PER_APP_PER_MINUTE);
    Thread.sleep(500); // anything beyond the cap would have been queued by now
    rows = failureRows(app.app().id());
    assertEquals(AuthFailures.AUDIT_ROWS_PER_APP_PER_MINUTE, rows.size());
    for (AuditRow row : rows) {
      assertEquals("rejected", row.outcome());
      assertEquals("unauthorized", row.errorCode());
      assertEquals("{\"reason\":\"invalid_credentials\"}", row.detail());
    }
    assertTrue(jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).verify()).intact());
  }

  @Test
  void aFailedLoginForAnUnknownAppIdStoresNeitherTheIdNorTheSecret() throws Exception {
    String unknownId = "unknownapp22222222222222";
    String secret = "a-secret-that-must-never-be-stored";
    assertEquals(401, get("/v1/wallets", basic(unknownId, secret)));
    assertEquals(401, get("/v1;x/enclave/attestation", null));
    for (int i = 0; i < 50 && nullAppFailureRows() < 2; i++) {
      Thread.sleep(100);
    }
    assertTrue(nullAppFailureRows() >= 2);
    List<AuditRow> all = jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).all());
    for (AuditRow row : all) {
      String text = row.appId() + " " + row.detail() + " " + row.errorCode();
      assertFalse(text.contains(unknownId), text);
      assertFalse(text.contains(secret), text);
    }
  }

  private static long nullAppFailureRows() {
    return jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).all()).stream()
        .filter(r -> r.appId() == null && r.action().equals("auth.failure")).count();
  }

  private static List<AuditRow> waitForRows(String appId, int n) throws InterruptedException {
    List<AuditRow> rows = failureRows(appId);
    for (int i = 0; i < 100 && rows.size() < n; i++) {
      Thread.sleep(100);
      rows = failureRows(appId);
    }
    return rows;
  }

  private static List<AuditRow> failureRows(String appId) {
    return jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).all()).stream()
        .filter(r -> appId.equals(r.appId()) && r.action().equals("auth.failure")).toList();
  }

  private static int get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + APP.getLocalPort() + path)).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static String basic(String user, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
