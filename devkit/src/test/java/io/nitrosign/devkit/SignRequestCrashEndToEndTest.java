package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.authz.RequestSigner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 14's sign-request state machine against real crashes: the parent host halts (as
 * {@code kill -9} would: {@code Runtime.halt}, {@code io.nitrosign.parent.FaultInjection}) at each
 * step of a signing request with an idempotency key, the supervisor starts it again, and the
 * client retries with the same key. Each time: the retry ends in 200 with a signature that ethers
 * verifies, the audit export holds exactly one succeeded row for the key with exactly that
 * signature, the lost attempt is recorded ({@code attempt_lost}, with the step it was lost in) when
 * it died before its commit, a death after the commit is answered from the stored answer, byte for
 * byte, and the chain verifies. The same for an owner-signed request cut off after the enclave
 * answered it (the enclave's remembered answer).
 */
class SignRequestCrashEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private static Path home;
  private static LocalStack stack;
  private static Http http;
  private static String auth;
  private static String walletId;
  private static String address;
  private static String appId;
  private static Path faults;
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  @BeforeAll
  static void up() throws Exception {
    home = Files.createTempDirectory("nitrosign-crash");
    stack = new LocalStack(TestStacks.settings(home),
        new PrintStream(LOG, true, StandardCharsets.UTF_8)).supervised();
    Map<String, String> env = stack.up();
    assertTrue(IndependentVerifier.available(), IndependentVerifier::problem);
    faults = Files.createDirectories(home.resolve("faults"));
    stack.restartParent(List.of("-Dnitrosign.faults.dir=" + faults));
    appId = env.get("APP_ID");
    auth = Http.basic(appId, env.get("APP_SECRET"));
    http = new Http(env.get("BASE_URL"));
    Http.Reply w = http.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\"}");
    assertEquals(200, w.status(), () -> w.raw().body());
    walletId = w.body().get("id").asText();
    address = w.body().get("address").asText();
  }

  @AfterAll
  static void down() throws Exception {
    TestStacks.downAndDelete(stack, home);
  }


  @ParameterizedTest(name = "the parent host dies at {0}")
  @CsvSource({
      "sign.received, received",
      "sign.authorized, authorized",
      "sign.signing, signing",
      "sign.signed, signing",
      "sign.committed, ''"})
  void aRetryAfterACrashAtAnyStepReleasesExactlyOneSignature(String point, String lostIn)
      throws Exception {
    String key = "crash-" + point + "-" + UUID.randomUUID();
    String message = "crash test at " + point + " " + UUID.randomUUID();
    String body = "{\"method\":\"personal_sign\",\"params\":{\"message\":\"" + message
        + "\",\"encoding\":\"utf-8\"}}";
    crashAndRetry(walletId, address, point, lostIn, key, message, body,
        Map.of("privy-idempotency-key", key));
  }

  /**
   * An owned wallet's request, signed by its owner with the key: the parent host dies after the
   * enclave answered, so the enclave has accepted that signed request once already. The retry
   * (the same signed request) is answered by the enclave with its first answer.
   */
  @Test
  void anOwnerSignedRequestCutOffAfterTheEnclaveAnsweredCompletesOnRetry() throws Exception {
    RequestSigner.KeyPairText pair = RequestSigner.generate();
    RequestSigner owner = RequestSigner.fromPkcs8Base64(pair.privateKey());
    Http.Reply w = http.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\",\"owner\":"
        + "{\"public_key\":\"" + pair.publicKey() + "\"}}");
    assertEquals(200, w.status(), () -> w.raw().body());
    String owned = w.body().get("id").asText();
    String key = "crash-owned-" + UUID.randomUUID();
    String message = "owned crash test " + UUID.randomUUID();
    String body = "{\"method\":\"personal_sign\",\"params\":{\"message\":\"" + message
        + "\",\"encoding\":\"utf-8\"}}";
    String path = "/v1/wallets/" + owned + "/rpc";
    String expiry = Long.toString(System.currentTimeMillis() + 600_000);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("privy-app-id", appId);
    headers.put("privy-request-expiry", expiry);
    headers.put("privy-idempotency-key", key);
    headers.put("privy-authorization-signature", owner.signRequest("POST",
        http.baseUrl() + path, body, appId, key, expiry));
    crashAndRetry(owned, w.body().get("address").asText(), "sign.signed", "signing", key,
        message, body, headers);
  }

  private static void crashAndRetry(String walletId, String address, String point,
      String lostIn, String key, String message, String body, Map<String, String> headers)
      throws Exception {
    Path armed = faults.resolve(point + ".armed");
    Files.writeString(armed, "");

    Http.Reply first = null;
    try {
      first = http.send("POST", "/v1/wallets/" + walletId + "/rpc", auth, body, headers);
    } catch (IOException e) {
      // the parent host died with the request: no answer at all, as the clients see it
    }
    Http.Reply lostReply = first;
    assertNull(first, () -> "the parent host should have died at " + point + ", answered "
        + lostReply.status() + " " + lostReply.raw().body());
    assertFalse(Files.exists(armed), "halted at " + point);

    Http.Reply r = retryUntilFinal("/v1/wallets/" + walletId + "/rpc", body, headers);
    assertEquals(200, r.status(), () -> r.raw().body());
    String signature = r.body().get("data").get("signature").asText();
    assertEquals(address.toLowerCase(),
        IndependentVerifier.recoverPersonalSign(message, signature).toLowerCase(),
        "ethers recovers the wallet's address");
    boolean replayed = r.raw().headers().firstValue("idempotent-replayed").isPresent();
    assertEquals(lostIn.isEmpty(), replayed,
        "only a death after the commit is answered from the stored answer");

    // the audit export: one succeeded row for the key, with the signature the client holds
    List<JsonNode> rows = export(key);
    List<JsonNode> succeeded = rows.stream()
        .filter(n -> "succeeded".equals(n.get("outcome").asText())).toList();
    assertEquals(1, succeeded.size(), rows::toString);
    assertEquals(signature, succeeded.get(0).get("signature").asText());
    List<JsonNode> lost = rows.stream().filter(n -> "attempt_lost".equals(
        n.path("error_code").asText(null))).toList();
    if (lostIn.isEmpty()) {
      assertEquals(0, lost.size(), rows::toString);
    } else {
      assertEquals(1, lost.size(), rows::toString);
    }
    // the state machine: the lost attempt and the one that succeeded
    List<String> states = states(key);
    if (lostIn.isEmpty()) {
      assertEquals(List.of("succeeded/"), states);
    } else {
      assertEquals(List.of("failed/attempt_lost:" + lostIn, "succeeded/"),
          withLostIn(states, lostIn, rows), states::toString);
    }
    LocalAudit.Result verify = LocalAudit.run(home, "verify");
    assertEquals(0, verify.code(), verify.out() + verify.err());
  }

  /** The states of the key's attempts in order; the lost one annotated with where it was lost. */
  private static List<String> withLostIn(List<String> states, String lostIn, List<JsonNode> rows) {
    List<String> out = new ArrayList<>();
    for (String s : states) {
      if (s.equals("failed/attempt_lost")) {
        JsonNode row = rows.stream().filter(n -> "attempt_lost".equals(
            n.path("error_code").asText(null))).findFirst().orElseThrow();
        out.add(s + ":" + row.path("detail").path("lost_in").asText(
            row.path("lost_in").asText("?")));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** Retries with the same key, as a client would, until a final answer (or the deadline). */
  private static Http.Reply retryUntilFinal(String path, String body, Map<String, String> headers)
      throws Exception {
    Instant until = Instant.now().plus(DEADLINE);
    while (true) {
      Http.Reply r = null;
      try {
        r = http.send("POST", path, auth, body, headers);
      } catch (IOException e) {
        // the parent host is coming back
      }
      if (r != null && r.status() < 500 && r.status() != 409 && r.status() != 429) {
        return r;
      }
      if (Instant.now().isAfter(until)) {
        Http.Reply last = r;
        throw new AssertionError("no final answer within " + DEADLINE + "; last: "
            + (last == null ? "no connection" : last.status() + " " + last.raw().body()));
      }
      Thread.sleep(250);
    }
  }

  private static List<String> states(String key) throws Exception {
    String password = Files.readString(home.resolve("db-service-password")).strip();
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), LocalStack.SERVICE_ROLE,
        password);
        PreparedStatement s = c.prepareStatement("SELECT state, error_code FROM sign_requests"
            + " WHERE idempotency_key = ? ORDER BY created_at, updated_at")) {
      s.setString(1, key);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1) + "/" + (rs.getString(2) == null ? "" : rs.getString(2)));
        }
      }
      return out;
    }
  }


  /** The export's rows that carry {@code key}. */
  private static List<JsonNode> export(String key) throws Exception {
    LocalAudit.Result export = LocalAudit.run(home, "export");
    assertEquals(0, export.code(), export.err());
    List<JsonNode> rows = new ArrayList<>();
    for (String line : export.out().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      if (key.equals(n.path("idempotency_key").asText(null))) {
        rows.add(n);
      }
    }
    assertNotNull(rows);
    return rows;
  }
}
