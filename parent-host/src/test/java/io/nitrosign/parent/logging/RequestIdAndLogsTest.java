package io.nitrosign.parent.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.parent.ParentHostApplication;
import io.nitrosign.parent.ParentHostConfiguration;
import io.nitrosign.parent.TestApi;
import io.nitrosign.parent.TestApp;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.wallet.Wallet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TimeZone;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Request ids through the running application (taken from a client's valid X-Request-Id, else
 * made, always returned), and the JSON log lines of real request flows: each names its request,
 * and none carries a body, a secret, a credential or a signature header.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RequestIdAndLogsTest {

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  /** Every event of the root logger, laid out as the production JSON layout writes it. */
  private static final class Capture extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new ArrayList<>();
    final JsonLayout layout = new JsonLayout(TimeZone.getTimeZone("UTC"));

    @Override
    protected synchronized void append(ILoggingEvent e) {
      lines.add(layout.doLayout(e));
    }

    synchronized List<String> lines() {
      return new ArrayList<>(lines);
    }
  }

  private static final Capture CAPTURE = new Capture();
  private static Level rootLevel;
  private static Jdbi jdbi;
  private static TestApi api;
  private static CreatedApp app;

  @BeforeAll
  static void setUp() {
    jdbi = Jdbi.create(DB.superuser());
    api = new TestApi(APP, jdbi);
    app = new AppManager(jdbi, new SecureRandom(), Clock.systemUTC(), JSON).create("logs", false);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    root.setLevel(Level.INFO); // the production level; the parent's own code at DEBUG
    context.getLogger("io.nitrosign").setLevel(Level.DEBUG);
    CAPTURE.setContext(context);
    CAPTURE.start();
    root.addAppender(CAPTURE);
  }

  @AfterAll
  static void tearDown() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(CAPTURE);
    root.setLevel(rootLevel);
    context.getLogger("io.nitrosign").setLevel(null);
  }

  @BeforeEach
  void clear() {
    synchronized (CAPTURE) {
      CAPTURE.lines.clear();
    }
  }

  private static HttpResponse<String> get(String path, String requestId, boolean authenticated)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url(path)));
    if (requestId != null) {
      b.header(RequestIdFilter.HEADER, requestId);
    }
    if (authenticated) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (app.app().id() + ":" + app.secret()).getBytes(StandardCharsets.UTF_8)));
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String idOf(HttpResponse<String> r) {
    return r.headers().firstValue(RequestIdFilter.HEADER).orElseThrow();
  }

  @Test
  void aValidClientIdIsKeptAndReturnedOtherwiseOneIsMade() throws Exception {
    String longest = "r".repeat(RequestIdFilter.MAX_CHARS);
    assertEquals("client-req-42", idOf(get("/v1/wallets", "client-req-42", true)));
    assertEquals(longest, idOf(get("/v1/wallets", longest, true)));
    assertEquals("a:b/c=d_~!", idOf(get("/v1/wallets", "a:b/c=d_~!", true)));
    // errors carry it too, before authentication
    assertEquals("unauthenticated-1", idOf(get("/v1/wallets", "unauthenticated-1", false)));

    String made = idOf(get("/v1/wallets", null, true));
    assertTrue(made.matches(UUID), made);
    assertNotEquals(made, idOf(get("/v1/wallets", null, true)));
    for (String bad : List.of(longest + "r", "has space", "tab\there", "")) {
      String replaced = idOf(get("/v1/wallets", bad, true));
      assertTrue(replaced.matches(UUID), bad + " -> " + replaced);
    }
    // what an HTTP client cannot send as such (it would replace the character itself)
    for (String bad : List.of("caf\u00e9", "nul\u0000", "del\u007f", "line\nbreak")) {
      assertEquals(null, RequestIdFilter.ofClient(bad), bad);
    }
  }

  @Test
  void everyLogLineOfARequestIsJsonAndNamesTheRequest() throws Exception {
    // no enclave listens: 503, which the parent logs as a failed request
    HttpResponse<String> r = get("/v1/enclave/attestation?nonce=00", "trace-me-1", true);
    assertEquals(503, r.statusCode());
    List<JsonNode> lines = new ArrayList<>();
    for (String line : CAPTURE.lines()) {
      assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
      lines.add(JSON.readTree(line));
    }
    JsonNode failed = lines.stream().filter(l -> l.path("message").asText()
        .equals("request failed: status=503 code=enclave_unavailable")).findFirst().orElseThrow();
    assertEquals("trace-me-1", failed.get("request_id").asText());
    assertEquals("WARN", failed.get("level").asText());
    assertEquals("io.nitrosign.parent.api.ApiExceptionMapper", failed.get("logger").asText());
    assertTrue(failed.hasNonNull("timestamp") && failed.hasNonNull("thread"));
  }

  @Test
  void noLogLineOfARequestFlowHoldsABodyASecretOrASignature() throws Exception {
    String bodyMarker = "BODY-MARKER-7f3a";
    String wrongSecret = "WRONG-SECRET-MARKER-c0ffee";
    String signatureMarker = "SIGNATURE-MARKER-d00d";
    Wallet w = jdbi.inTransaction(h ->
        TestApi.insertWallet(h, app.app().id(), Wallet.CHAIN_ETHEREUM, null));
    String[] traced = {"flow-sign", "flow-create", "flow-bad-login", "flow-patch", "flow-import"};

    // a signature request (the enclave is down: 503 after policy, audited, logged)
    assertEquals(503, api.call("POST", "/v1/wallets/" + w.id() + "/rpc",
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"" + bodyMarker + "\"}}", app,
        RequestIdFilter.HEADER, traced[0]).status());
    // a malformed creation, a wrong secret, a signed PATCH, a key import
    api.call("POST", "/v1/wallets", "{\"chain_type\":\"" + bodyMarker + "\"}", app,
        RequestIdFilter.HEADER, traced[1]);
    HttpResponse<String> badLogin = HTTP.send(HttpRequest.newBuilder(
        URI.create(api.url("/v1/wallets"))).header(RequestIdFilter.HEADER, traced[2])
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (app.app().id() + ":" + wrongSecret).getBytes(StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, badLogin.statusCode());
    api.call("PATCH", "/v1/wallets/" + w.id(), "{\"owner\":{\"public_key\":\"" + bodyMarker
        + "\"}}", app, "privy-authorization-signature", signatureMarker,
        RequestIdFilter.HEADER, traced[3]);
    api.call("POST", "/v1/wallets/import/submit", "{\"wallet\":{\"ciphertext\":\"" + bodyMarker
        + "\"}}", app, RequestIdFilter.HEADER, traced[4]);

    List<String> lines = CAPTURE.lines();
    String basic = Base64.getEncoder().encodeToString(
        (app.app().id() + ":" + app.secret()).getBytes(StandardCharsets.UTF_8));
    for (String line : lines) {
      JSON.readTree(line); // each is one JSON object
      for (String secret : List.of(app.secret(), basic, wrongSecret, bodyMarker,
          signatureMarker, "personal_sign\\\",\\\"params")) {
        assertFalse(line.contains(secret), () -> "log line holds " + secret + ": " + line);
      }
    }
    // not vacuous: the signing request was logged, under its id
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"request_id\":\"flow-sign\"")),
        () -> String.join("", lines));
  }

  @Test
  void theLayoutEscapesEverythingAndNamesExceptionsWithoutTheirMessages() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger logger = context.getLogger("layout-test");
    org.slf4j.MDC.put(RequestIdFilter.MDC_KEY, "id-\"quoted\"");
    try {
      logger.warn("line one\nline \"two\" \\ \u0001 {}", "arg",
          new IllegalStateException("secret-in-message", new java.io.IOException("inner")));
    } finally {
      org.slf4j.MDC.remove(RequestIdFilter.MDC_KEY);
    }
    String line = CAPTURE.lines().stream().filter(l -> l.contains("layout-test")).findFirst()
        .orElseThrow();
    assertEquals(line.length() - 1, line.indexOf('\n'));
    JsonNode json = JSON.readTree(line);
    assertEquals("line one\nline \"two\" \\ \u0001 arg", json.get("message").asText());
    assertEquals("id-\"quoted\"", json.get("request_id").asText());
    assertEquals("java.lang.IllegalStateException", json.get("exception").get(0).asText());
    assertEquals("java.io.IOException", json.get("exception").get(1).asText());
    assertFalse(line.contains("secret-in-message"));
    assertFalse(line.contains("at io.nitrosign")); // no stack trace
  }

  @Test
  void theConfigurationSelectsTheLayoutWithTypeJson() throws Exception {
    String yaml = String.join("\n",
        "database:",
        "  driverClass: org.postgresql.Driver",
        "  url: jdbc:postgresql://localhost/none",
        "enclave:",
        "  address: unix:/tmp/none.sock",
        "logging:",
        "  level: INFO",
        "  appenders:",
        "    - type: console",
        "      layout:",
        "        type: json",
        "");
    ParentHostConfiguration c = new io.dropwizard.configuration.YamlConfigurationFactory<>(
        ParentHostConfiguration.class, io.dropwizard.jersey.validation.Validators.newValidator(),
        io.dropwizard.jackson.Jackson.newObjectMapper(), "dw")
        .build(path -> new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
            "config.yml");
    io.dropwizard.logging.common.AppenderFactory<ILoggingEvent> appender =
        ((io.dropwizard.logging.common.DefaultLoggingFactory) c.getLoggingFactory())
            .getAppenders().get(0);
    Object layout = ((io.dropwizard.logging.common.AbstractAppenderFactory<?>) appender)
        .getLayout();
    assertTrue(layout instanceof JsonLayoutFactory, String.valueOf(layout));
    assertTrue(((JsonLayoutFactory) layout).build((LoggerContext) LoggerFactory
        .getILoggerFactory(), TimeZone.getTimeZone("UTC")) instanceof JsonLayout);
  }
}
