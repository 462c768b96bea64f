package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.util.Duration;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.enclave.RealEnclave;
import io.nitrosign.parent.metrics.MetricNames;
import io.nitrosign.parent.metrics.PrometheusParser;
import io.nitrosign.parent.wallet.Wallet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Overload protection and its metrics through the running parent host, in front of a real enclave
 * process: an app's rate limit (429 {@code rate_limited}), the enclave queue shedding load while
 * the enclave is frozen (503 {@code overloaded}), the circuit breaker after the enclave was killed
 * (503 {@code enclave_unavailable} without calling it), each with Retry-After; none of them writes
 * an audit row, and all of them show in {@code GET /metrics/prometheus}. The steps run in order:
 * the last one kills the enclave.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverloadApiTest {

  static final String TOKEN = "test-admin-token-0123456789abcdef-0123456789";
  // started before the application, so the gateway finds it listening
  private static final RealEnclave ENCLAVE = RealEnclave.start();
  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, config());
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ATTESTATION = "/v1/enclave/attestation?nonce=0102";

  private static Jdbi jdbi;
  private static TestApi api;
  private static AppManager apps;
  private static CreatedApp app;

  static ParentHostConfiguration config() {
    ParentHostConfiguration c = TestApp.config(DB);
    c.getAdmin().setTaskToken(TOKEN);
    c.getEnclave().setAddress(ENCLAVE.address());
    c.getEnclave().setCallTimeout(Duration.seconds(60)); // nothing times out while frozen
    c.getEnclave().setMaxInFlight(1);
    c.getEnclave().setMaxQueued(1);
    c.getEnclave().setMaxQueueWait(Duration.seconds(60));
    c.getEnclave().setCircuitBreakerFailures(2);
    c.getEnclave().setCircuitBreakerOpen(Duration.minutes(10));
    // one bootstrap pass at start (the SEALED enclave has no KMS: provisioning, if the pass finds
    // it connected, fails), then nothing for an hour: no background call competes for the slot
    c.getSealing().setCheckInterval(Duration.hours(1));
    return c;
  }

  @BeforeAll
  static void createApp() {
    jdbi = Jdbi.create(DB.superuser());
    api = new TestApi(APP, jdbi);
    apps = new AppManager(jdbi, new SecureRandom(), Clock.systemUTC(), new ObjectMapper());
    app = apps.create("overload", false);
  }

  @AfterAll
  static void stopEnclave() {
    ENCLAVE.close();
  }

  @Test
  @Order(1)
  void anAppOverItsRateLimitGets429WithRetryAfterAndNoAuditRow() throws Exception {
    // one request per 1000 s, two at once: the third is refused for the rest of this test
    CreatedApp limited = apps.create("limited", false, false, new App.RateLimit(0.001, 2));
    assertEquals(200, api.call("GET", "/v1/wallets", null, limited).status());
    assertEquals(200, api.call("GET", "/v1/wallets", null, limited).status());
    int rowsBefore = auditRows(limited).size();

    HttpResponse<String> refused = send("POST", "/v1/wallets", "{\"chain_type\":\"ethereum\"}",
        limited);
    assertEquals(429, refused.statusCode());
    assertEquals("rate_limited", new ObjectMapper().readTree(refused.body()).get("code").asText());
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1 && retryAfter <= 1000, "Retry-After " + retryAfter);
    // refused before the resource: no wallet, no audit row
    assertEquals(rowsBefore, auditRows(limited).size());
    assertEquals(1, metrics().meter(MetricNames.labeled(MetricNames.RATE_LIMITED,
        "app_id", limited.app().id())).getCount());
    // other apps have their own buckets (and this one has no limit: the default is none)
    for (int i = 0; i < 20; i++) {
      assertEquals(200, api.call("GET", "/v1/wallets", null, app).status());
    }
  }

  @Test
  @Order(2)
  void theAdminTaskSetsAnAppsLimitAuditedAndResetsItToTheDefault() throws Exception {
    CreatedApp later = apps.create("later", false);
    assertEquals(200, api.call("GET", "/v1/wallets", null, later).status());
    String id = later.app().id();
    assertEquals(401, task("app_id=" + id + "&per_second=0.001&burst=1", null).statusCode());
    HttpResponse<String> set = task("app_id=" + id + "&per_second=0.001&burst=1", TOKEN);
    assertEquals(200, set.statusCode());
    assertEquals("{\"app_id\":\"" + id + "\",\"per_second\":0.001,\"burst\":1}", set.body().strip());
    assertEquals(200, api.call("GET", "/v1/wallets", null, later).status());
    assertEquals(429, api.call("GET", "/v1/wallets", null, later).status());
    assertTrue(auditRows(later).stream().anyMatch(r -> r.action().equals("app.update")
        && r.detail().equals("{\"rate_limit\":{\"burst\":1,\"per_second\":0.001}}")));

    assertTrue(task("app_id=" + id + "&per_second=default", TOKEN).body().contains("default"));
    assertEquals(200, api.call("GET", "/v1/wallets", null, later).status());
    assertTrue(task("app_id=" + id + "&per_second=-1", TOKEN).body().startsWith("{\"error\""));
    assertTrue(task("app_id=nosuchapp000000000000000&per_second=1", TOKEN).body()
        .contains("no such app"));
  }

  @Test
  @Order(3)
  void aSigningRequestIsCountedByMethodAndOutcomeAndTimedPerStage() throws Exception {
    awaitBootstrapPass();
    Wallet w = jdbi.inTransaction(h ->
        TestApi.insertWallet(h, app.app().id(), Wallet.CHAIN_ETHEREUM, null));
    // the enclave is SEALED (no KMS here): it answers NOT_READY, a failure of the signing path
    TestApi.Reply r = api.call("POST", "/v1/wallets/" + w.id() + "/rpc",
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"hello\"}}", app);
    assertEquals(503, r.status(), r.body());
    assertEquals("enclave_not_ready", r.json().get("code").asText());
    assertEquals(1, metrics().meter(MetricNames.labeled(MetricNames.RPC_REQUESTS,
        "method", "personal_sign", "outcome", "failed")).getCount());

    Map<String, PrometheusParser.Family> f = scrape();
    PrometheusParser.Family stages = f.get(MetricNames.STAGE_SECONDS);
    for (String stage : List.of("auth", "policy", "enclave")) {
      assertTrue(stages.find(MetricNames.STAGE_SECONDS + "_count", "stage", stage).get(0).value()
          >= 1, stage);
    }
    PrometheusParser.Family calls = f.get(MetricNames.ENCLAVE_CALLS + "_total");
    assertEquals(1.0, calls.find(calls.name(), "call", "sign", "result", "error").get(0).value());
    PrometheusParser.Family kms = f.get(MetricNames.KMS_CALLS + "_total");
    assertEquals(8, kms.samples().size()); // 2 operations x 4 results, from the start
  }

  @Test
  @Order(4)
  void aFullEnclaveQueueSheds503OverloadedWithRetryAfterAndTheAdmittedRequestsSucceed()
      throws Exception {
    awaitBootstrapPass();
    assertEquals(200, send("GET", ATTESTATION, null, app).statusCode());
    int rowsBefore = auditRows(app).size();
    ENCLAVE.freeze();
    try {
      CompletableFuture<HttpResponse<String>> inFlight = sendAsync(ATTESTATION);
      await(() -> gauge(MetricNames.ENCLAVE_IN_FLIGHT) == 1, "one call in flight");
      CompletableFuture<HttpResponse<String>> queued = sendAsync(ATTESTATION);
      await(() -> gauge(MetricNames.ENCLAVE_QUEUED) == 1, "one call queued");

      HttpResponse<String> shed = send("GET", ATTESTATION, null, app);
      assertEquals(503, shed.statusCode(), shed.body());
      assertEquals("overloaded", new ObjectMapper().readTree(shed.body()).get("code").asText());
      assertEquals("1", shed.headers().firstValue("Retry-After").orElseThrow());
      assertEquals(1, metrics().meter(MetricNames.ENCLAVE_SHED).getCount());

      ENCLAVE.thaw();
      assertEquals(200, inFlight.get(60, TimeUnit.SECONDS).statusCode());
      assertEquals(200, queued.get(60, TimeUnit.SECONDS).statusCode());
    } finally {
      ENCLAVE.thaw();
    }
    assertEquals(rowsBefore, auditRows(app).size());
  }

  @Test
  @Order(5)
  void aKilledEnclaveOpensTheBreakerWhichAnswers503EnclaveUnavailableWithoutCallingIt()
      throws Exception {
    ENCLAVE.kill();
    // the first two calls find the enclave gone (the breaker's threshold), then it is open
    for (int i = 0; i < 10 && gauge(circuit("open")) == 0; i++) {
      HttpResponse<String> r = send("GET", ATTESTATION, null, app);
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("1", r.headers().firstValue("Retry-After").orElseThrow());
    }
    assertEquals(1, gauge(circuit("open")));
    long rejected = metrics().meter(MetricNames.ENCLAVE_CIRCUIT_REJECTED).getCount();

    HttpResponse<String> r = send("GET", ATTESTATION, null, app);
    assertEquals(503, r.statusCode());
    assertEquals("enclave_unavailable",
        new ObjectMapper().readTree(r.body()).get("code").asText());
    long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter > 1 && retryAfter <= 600, "the rest of the open period: " + retryAfter);
    assertEquals(rejected + 1, metrics().meter(MetricNames.ENCLAVE_CIRCUIT_REJECTED).getCount());

    Map<String, PrometheusParser.Family> f = scrape();
    PrometheusParser.Family state = f.get(MetricNames.ENCLAVE_CIRCUIT_STATE);
    assertEquals(1.0, state.find(state.name(), "state", "open").get(0).value());
    assertEquals(0.0, state.find(state.name(), "state", "closed").get(0).value());
  }

  @Test
  @Order(6)
  void theExpositionIsReadOnlyAndHasEveryFamilyOperatorsAlertOn() throws Exception {
    HttpResponse<String> r = admin("GET", "/metrics/prometheus");
    assertEquals(200, r.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        r.headers().firstValue("Content-Type").orElseThrow());
    Map<String, PrometheusParser.Family> f = PrometheusParser.parse(r.body());
    for (String family : List.of(MetricNames.RPC_REQUESTS + "_total", MetricNames.STAGE_SECONDS,
        MetricNames.RATE_LIMITED + "_total", MetricNames.ENCLAVE_SHED + "_total",
        MetricNames.ENCLAVE_CIRCUIT_REJECTED + "_total", MetricNames.ENCLAVE_CIRCUIT_OPENED + "_total",
        MetricNames.ENCLAVE_CIRCUIT_STATE, MetricNames.ENCLAVE_IN_FLIGHT, MetricNames.ENCLAVE_QUEUED,
        MetricNames.ENCLAVE_CALLS + "_total", MetricNames.ENCLAVE_STATE,
        MetricNames.KMS_CALLS + "_total", MetricNames.AUDIT_HEAD_SEQ,
        "auth_failures_total")) {
      assertTrue(f.containsKey(family), () -> family + " not in " + f.keySet());
    }
    long head = jdbi.withHandle(h -> h.createQuery("SELECT max(id) FROM audit_log")
        .mapTo(Long.class).one());
    assertTrue(f.get(MetricNames.AUDIT_HEAD_SEQ).samples().get(0).value() <= head);
    assertEquals(405, admin("POST", "/metrics/prometheus").statusCode());
    assertFalse(r.body().contains(app.secret()));
  }

  // ----------------------------------------------------------------------------------- helpers

  private static MetricRegistry metrics() {
    return APP.getEnvironment().metrics();
  }

  private static String circuit(String state) {
    return MetricNames.labeled(MetricNames.ENCLAVE_CIRCUIT_STATE, "state", state);
  }

  private static long gauge(String name) {
    return ((Number) ((Gauge<?>) metrics().getMetrics().get(name)).getValue()).longValue();
  }

  /**
   * Waits until no call holds or waits for the enclave slot: the bootstrapper's one pass at start
   * (a provisioning attempt, if it found the enclave connected) is over.
   */
  private static void awaitBootstrapPass() {
    await(() -> gauge(MetricNames.ENCLAVE_IN_FLIGHT) == 0 && gauge(MetricNames.ENCLAVE_QUEUED) == 0,
        "an idle enclave queue");
  }

  private static List<AuditRow> auditRows(CreatedApp caller) {
    return jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).all()).stream()
        .filter(row -> caller.app().id().equals(row.appId())).toList();
  }

  private static Map<String, PrometheusParser.Family> scrape() throws Exception {
    return PrometheusParser.parse(admin("GET", "/metrics/prometheus").body());
  }

  private static HttpResponse<String> admin(String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getAdminPort()
        + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> task(String query, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + APP.getAdminPort() + "/tasks/app-rate-limit?" + query))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(String method, String path, String body, CreatedApp caller) {
    return HttpRequest.newBuilder(URI.create(api.url(path)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            (caller.app().id() + ":" + caller.secret()).getBytes(
                java.nio.charset.StandardCharsets.UTF_8)))
        .build();
  }

  private static HttpResponse<String> send(String method, String path, String body,
      CreatedApp caller) throws Exception {
    return HTTP.send(request(method, path, body, caller), HttpResponse.BodyHandlers.ofString());
  }

  private static CompletableFuture<HttpResponse<String>> sendAsync(String path) {
    return HTTP.sendAsync(request("GET", path, null, app), HttpResponse.BodyHandlers.ofString());
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
