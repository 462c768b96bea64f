package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole system as separate processes, started by the same {@link LocalStack} code that
 * {@code ./appliance local up} runs: a real PostgreSQL server, the enclave JVM listening on
 * AF_UNIX, the parent host (Dropwizard) talking to both. Nothing here is faked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackEndToEndTest {

  private static Path home;
  private static LocalStack stack;
  private static Http http;
  private static String auth;
  private static String appId;
  private static String walletId;
  private static String walletAddress;
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  @BeforeAll
  static void up() throws Exception {
    home = Files.createTempDirectory("nitrosign-e2e");
    String cp = System.getProperty("java.class.path");
    stack = new LocalStack(new LocalStack.Settings(home, freePort(), freePort(), freePort(),
        freePort(),
        new JavaProgram(cp, JavaProgram.POSTGRES_MAIN),
        new JavaProgram(cp, JavaProgram.ENCLAVE_MAIN),
        new JavaProgram(cp, JavaProgram.PARENT_MAIN)),
        new PrintStream(LOG, true, StandardCharsets.UTF_8));
    Map<String, String> env = stack.up();
    appId = env.get("APP_ID");
    auth = Http.basic(appId, env.get("APP_SECRET"));
    http = new Http(env.get("BASE_URL"));
  }

  @AfterAll
  static void down() throws Exception {
    if (stack != null) {
      stack.down();
    }
    if (home != null) {
      try (Stream<Path> s = Files.walk(home)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void stackEnvHoldsTheCredentials() throws Exception {
    Map<String, String> env = stack.readStackEnv();
    assertEquals(stack.baseUrl(), env.get("BASE_URL"));
    assertEquals(appId, env.get("APP_ID"));
    assertNotNull(env.get("APP_SECRET"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(stack.stackEnv())));
  }

  @Test
  @Order(2)
  void createsAWalletAndSignsAPersonalMessage() throws Exception {
    Http.Reply created = http.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\"}");
    assertEquals(200, created.status(), () -> created.raw().body());
    walletId = created.body().get("id").asText();
    walletAddress = created.body().get("address").asText();
    assertTrue(walletAddress.matches("0x[0-9a-fA-F]{40}"), walletAddress);
    assertEquals("ethereum", created.body().get("chain_type").asText());

    Http.Reply fetched = http.get("/v1/wallets/" + walletId, auth);
    assertEquals(200, fetched.status());
    assertEquals(walletAddress, fetched.body().get("address").asText());

    String message = "Hello from the nitrosign end-to-end test";
    String signature = personalSign(message, "utf-8");
    assertEquals(walletAddress, recover(message, signature));
  }

  @Test
  @Order(3)
  void signsHexEncodedMessagesAndIsDeterministic() throws Exception {
    String hex = "0x" + "deadbeef00ff";
    String first = personalSign(hex, "hex");
    assertEquals(first, personalSign(hex, "hex"), "RFC 6979 signatures are deterministic");
    assertEquals(walletAddress, recover(hex, first));
  }

  @Test
  @Order(4)
  void rejectsBadInputWithTypedErrors() throws Exception {
    Http.Reply noAuth = http.post("/v1/wallets", null, "{\"chain_type\":\"ethereum\"}");
    assertEquals(401, noAuth.status());
    assertEquals("unauthorized", noAuth.body().get("code").asText());

    Http.Reply wrongSecret = http.get("/v1/wallets", Http.basic(appId, "not-the-secret"));
    assertEquals(401, wrongSecret.status());

    Http.Reply unknownMethod = http.post("/v1/wallets/" + walletId + "/rpc", auth,
        "{\"method\":\"eth_frobnicate\",\"params\":{}}");
    assertEquals(400, unknownMethod.status());
    assertEquals("unsupported_method", unknownMethod.body().get("code").asText());

    Http.Reply malformed = http.post("/v1/wallets/" + walletId + "/rpc", auth, "{\"method\":");
    assertEquals(400, malformed.status());
    assertEquals("invalid_request", malformed.body().get("code").asText());
    assertFalse(malformed.raw().body().contains("Exception"), malformed.raw().body());

    JsonNode other = stack.createApp("other-app");
    String otherAuth = Http.basic(other.get("app_id").asText(), other.get("app_secret").asText());
    Http.Reply foreign = http.get("/v1/wallets/" + walletId, otherAuth);
    assertEquals(404, foreign.status());
    assertEquals("wallet_not_found", foreign.body().get("code").asText());
    Http.Reply foreignSign = http.post("/v1/wallets/" + walletId + "/rpc", otherAuth,
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"x\",\"encoding\":\"utf-8\"}}");
    assertEquals(404, foreignSign.status());
  }

  @Test
  @Order(5)
  void answers503WhileTheEnclaveIsDownAndRecoversByItself() throws Exception {
    assertTrue(stack.stopEnclave(), "the enclave was running");
    Http.Reply down = http.post("/v1/wallets/" + walletId + "/rpc", auth,
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"while down\",\"encoding\":\"utf-8\"}}");
    assertEquals(503, down.status(), () -> down.raw().body());
    assertEquals("enclave_unavailable", down.body().get("code").asText());
    Http.Reply createDown = http.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\"}");
    assertEquals(503, createDown.status());

    stack.startEnclaveOnly();
    // The parent host reconnects on its own; no restart of the parent.
    Instant until = Instant.now().plus(Duration.ofSeconds(60));
    Http.Reply after;
    do {
      Thread.sleep(200);
      after = http.post("/v1/wallets/" + walletId + "/rpc", auth,
          "{\"method\":\"personal_sign\",\"params\":{\"message\":\"after restart\",\"encoding\":\"utf-8\"}}");
    } while (after.status() == 503 && Instant.now().isBefore(until));
    assertEquals(200, after.status(), after.raw().body());
    assertEquals(walletAddress,
        recover("after restart", after.body().get("data").get("signature").asText()));
  }

  @Test
  @Order(6)
  void everyAttemptIsAudited() throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement(
            "SELECT action, outcome, count(*) FROM audit_log WHERE wallet_id = ? "
                + "GROUP BY action, outcome")) {
      ps.setString(1, walletId);
      Map<String, Long> counts = new java.util.HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
        }
      }
      assertEquals(1L, counts.get("wallet.create/succeeded"), counts.toString());
      assertTrue(counts.getOrDefault("wallet.sign/succeeded", 0L) >= 4, counts.toString());
      assertTrue(counts.getOrDefault("wallet.sign/failed", 0L) >= 1, counts.toString());
      assertTrue(counts.getOrDefault("wallet.sign/rejected", 0L) >= 2, counts.toString());
    }
  }

  @Test
  @Order(7)
  void noSignatureLeavesWithoutItsAuditRow() throws Exception {
    // Make the database refuse the "succeeded" audit row of a signature (a real constraint in the
    // real server), then ask for one: the enclave signs, the audit append fails, and the parent
    // host must answer 500 without the signature.
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        java.sql.Statement st = c.createStatement()) {
      st.execute("ALTER TABLE audit_log ADD CONSTRAINT e2e_refuse_sign_success "
          + "CHECK (NOT (action = 'wallet.sign' AND outcome = 'succeeded')) NOT VALID");
      try {
        Http.Reply r = http.post("/v1/wallets/" + walletId + "/rpc", auth,
            "{\"method\":\"personal_sign\",\"params\":{\"message\":\"unaudited\",\"encoding\":\"utf-8\"}}");
        assertEquals(500, r.status(), () -> r.raw().body());
        assertEquals("internal_error", r.body().get("code").asText());
        assertFalse(r.raw().body().contains("signature"), r.raw().body());
      } finally {
        st.execute("ALTER TABLE audit_log DROP CONSTRAINT e2e_refuse_sign_success");
      }
    }
    personalSign("audited again", "utf-8");
  }

  @Test
  @Order(8)
  void aSecondUpReusesTheDataAndTheWalletStillSigns() throws Exception {
    stack.down();
    assertFalse(stack.healthy());
    Map<String, String> env = stack.up();
    assertEquals(appId, env.get("APP_ID"), "the demo app is reused");
    String signature = personalSign("after a full restart", "utf-8");
    assertEquals(walletAddress, recover("after a full restart", signature));
    assertTrue(stack.status());
  }

  private static String personalSign(String message, String encoding) throws Exception {
    String body = "{\"method\":\"personal_sign\",\"params\":{\"message\":"
        + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(message)
        + ",\"encoding\":\"" + encoding + "\"}}";
    Http.Reply r = http.post("/v1/wallets/" + walletId + "/rpc", auth, body);
    assertEquals(200, r.status(), () -> r.raw().body());
    assertEquals("personal_sign", r.body().get("method").asText());
    assertEquals("hex", r.body().get("data").get("encoding").asText());
    String sig = r.body().get("data").get("signature").asText();
    assertTrue(sig.matches("0x[0-9a-f]{130}"), sig);
    int v = Integer.parseInt(sig.substring(130), 16);
    assertTrue(v == 27 || v == 28, "v is 27 or 28");
    return sig;
  }

  /** Recovers the signer with ethers.js when available (required in CI). */
  private static String recover(String message, String signature) throws Exception {
    if (!IndependentVerifier.available()) {
      assertFalse(IndependentVerifier.required(),
          "CI must install the independent verifier (npm ci in devkit/src/test/node)");
      assumeTrue(false, "ethers.js not installed; skipping the independent recovery check");
    }
    String recovered = IndependentVerifier.recoverPersonalSign(message, signature);
    assertNotEquals("", recovered);
    return recovered;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
