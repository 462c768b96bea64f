package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.parent.wallet.WalletShare;
import io.nitrosign.parent.wallet.WalletStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST API end to end with a real database and no enclave listening. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ParentHostApiTest {

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final SecureRandom RANDOM = new SecureRandom();

  private static Jdbi jdbi;
  private static AppManager apps;
  private static CreatedApp appA;
  private static CreatedApp appB;

  @BeforeAll
  static void createApps() {
    jdbi = Jdbi.create(DB.superuser());
    apps = new AppManager(jdbi, RANDOM, Clock.systemUTC(), JSON);
    appA = apps.create("app a", false);
    appB = apps.create("app b", false);
  }

  // ------------------------------------------------------------------------------------ auth

  @Test
  void rightCredentialsListAnEmptyWalletList() throws Exception {
    Reply r = call("GET", "/v1/wallets", null, basic(apps.create("empty", false)));
    assertEquals(200, r.status, r.body);
    assertEquals(0, r.json().get("data").size());
    assertTrue(r.json().get("next_cursor").isNull());
  }

  @Test
  void wrongSecretIsUnauthorized() throws Exception {
    assertUnauthorized(call("GET", "/v1/wallets", null,
        "Basic " + b64(appA.app().id() + ":" + appB.secret())));
  }

  @Test
  void unknownAppIsUnauthorized() throws Exception {
    assertUnauthorized(call("GET", "/v1/wallets", null, "Basic " + b64("nosuchapp0000000000000000:" + appA.secret())));
  }

  @Test
  void missingHeaderIsUnauthorized() throws Exception {
    assertUnauthorized(call("GET", "/v1/wallets", null, null));
  }

  @Test
  void malformedHeadersAreUnauthorized() throws Exception {
    assertUnauthorized(call("GET", "/v1/wallets", null, "Basic !!!not-base64"));
    assertUnauthorized(call("GET", "/v1/wallets", null, "Bearer " + appA.secret()));
    assertUnauthorized(call("GET", "/v1/wallets", null, "Basic " + b64("no-colon-here")));
    assertUnauthorized(call("GET", "/v1/wallets", null, "Basic " + b64(":" + appA.secret())));
  }

  @Test
  void privyAppIdHeaderMustMatchTheBasicUser() throws Exception {
    assertUnauthorized(call("GET", "/v1/wallets", null, basic(appA), "privy-app-id", appB.app().id()));
    assertEquals(200, call("GET", "/v1/wallets", null, basic(appA), "privy-app-id", appA.app().id()).status);
  }

  @Test
  void unknownRoutesUnderV1NeedAuthenticationToo() throws Exception {
    assertUnauthorized(call("GET", "/v1/nothing-here", null, null));
  }

  // ------------------------------------------------------------------------- error plumbing

  @Test
  void jaxRsErrorsUseTheApiErrorShape() throws Exception {
    Reply notFound = call("GET", "/v1/nothing-here", null, basic(appA));
    assertError(notFound, 404, "not_found");
    Reply notAllowed = call("DELETE", "/v1/wallets", null, basic(appA));
    assertError(notAllowed, 405, "method_not_allowed");
  }

  // --------------------------------------------------------------------------------- create

  @Test
  void createWithTheEnclaveDownIs503AndAuditedAsFailed() throws Exception {
    CreatedApp app = apps.create("create-down", false);
    Reply r = call("POST", "/v1/wallets", "{\"chain_type\":\"ethereum\"}", basic(app));
    assertError(r, 503, "enclave_unavailable");
    assertEquals("1", r.header("Retry-After"));
    assertEquals(0, (int) jdbi.withHandle(h -> new WalletStore(h).count(app.app().id())));
    List<AuditRow> rows = auditForApp(app.app().id(), "wallet.create");
    assertEquals(1, rows.size());
    assertEquals("failed", rows.get(0).outcome());
    assertEquals("enclave_unavailable", rows.get(0).errorCode());
  }

  @Test
  void createRejectsBadBodies() throws Exception {
    assertError(call("POST", "/v1/wallets", "{\"chain_type\":", basic(appA)), 400, "invalid_request");
    assertError(call("POST", "/v1/wallets", "", basic(appA)), 400, "invalid_request");
    assertError(call("POST", "/v1/wallets", "[1,2]", basic(appA)), 400, "invalid_request");
    assertError(call("POST", "/v1/wallets", "{\"chain_type\":\"dogecoin\"}", basic(appA)), 400, "unsupported_chain_type");
    Reply wrongType = call("POST", "/v1/wallets", "{\"chain_type\":5}", basic(appA));
    assertError(wrongType, 400, "invalid_request");
    assertTrue(wrongType.json().get("error").asText().contains("chain_type"));
    Reply missing = call("POST", "/v1/wallets", "{}", basic(appA));
    assertError(missing, 400, "invalid_request");
    assertTrue(missing.json().get("error").asText().contains("chain_type"));
    assertError(call("POST", "/v1/wallets", "{\"chain_type\":\"ethereum\",\"extra\":1}", basic(appA)),
        400, "invalid_request");
    assertError(call("POST", "/v1/wallets", "{\"chain_type\":\"ethereum\"} trailing", basic(appA)),
        400, "invalid_request");
    String huge = "{\"chain_type\":\"" + "x".repeat(300 * 1024) + "\"}";
    assertError(call("POST", "/v1/wallets", huge, basic(appA)), 413, "payload_too_large");
  }

  // ------------------------------------------------------------------------- read and list

  @Test
  void walletsAreScopedToTheirApp() throws Exception {
    Wallet w = insertWallet(appA, Instant.now());
    Reply other = call("GET", "/v1/wallets/" + w.id(), null, basic(appB));
    Reply none = call("GET", "/v1/wallets/" + Ids.random(RANDOM), null, basic(appB));
    assertError(other, 404, "wallet_not_found");
    assertError(none, 404, "wallet_not_found");
    assertEquals(none.body, other.body);

    Reply mine = call("GET", "/v1/wallets/" + w.id(), null, basic(appA));
    assertEquals(200, mine.status, mine.body);
    JsonNode j = mine.json();
    assertEquals(w.id(), j.get("id").asText());
    assertEquals(w.address(), j.get("address").asText());
    assertEquals("ethereum", j.get("chain_type").asText());
    // Privy's encoding: the compressed SEC1 key; ours: the uncompressed one beside it
    assertEquals(68, j.get("public_key").asText().length());
    assertTrue(j.get("public_key").asText().matches("0x0[23][0-9a-f]{64}"));
    assertEquals(Hex.prefixed(w.publicKey()), j.get("public_key_uncompressed").asText());
    assertEquals(j.get("public_key_uncompressed").asText().substring(4, 68),
        j.get("public_key").asText().substring(4));
    assertTrue(j.get("policy_ids").isArray() && j.get("policy_ids").isEmpty());
    assertTrue(j.get("additional_signers").isArray() && j.get("additional_signers").isEmpty());
    assertTrue(j.has("owner_id") && j.get("owner_id").isNull());
    assertEquals(w.createdAt().toEpochMilli(), j.get("created_at").asLong());
    assertTrue(j.has("exported_at") && j.get("exported_at").isNull());
    assertTrue(j.has("imported_at") && j.get("imported_at").isNull());
  }

  @Test
  void listPagesThroughEveryWalletExactlyOnceNewestFirst() throws Exception {
    CreatedApp app = apps.create("paging", false);
    Instant base = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<String> expected = new ArrayList<>();
    // Two wallets share a timestamp: the id breaks the tie.
    Instant[] times = {base, base.plusMillis(1), base.plusMillis(2), base.plusMillis(2), base.plusMillis(3)};
    List<Wallet> made = new ArrayList<>();
    for (Instant t : times) {
      made.add(insertWallet(app, t));
    }
    made.sort((x, y) -> x.createdAt().equals(y.createdAt())
        ? y.id().compareTo(x.id()) : y.createdAt().compareTo(x.createdAt()));
    made.forEach(w -> expected.add(w.id()));
    insertWallet(appB, base.plusMillis(5)); // someone else's wallet never shows up

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String path = "/v1/wallets?limit=2" + (cursor == null ? "" : "&cursor=" + cursor);
      Reply r = call("GET", path, null, basic(app));
      assertEquals(200, r.status, r.body);
      r.json().get("data").forEach(w -> seen.add(w.get("id").asText()));
      JsonNode next = r.json().get("next_cursor");
      cursor = next.isNull() ? null : next.asText();
      pages++;
    } while (cursor != null && pages < 10);
    assertEquals(3, pages);
    assertEquals(expected, seen);
    assertEquals(5, new HashSet<>(seen).size());

    Reply filtered = call("GET", "/v1/wallets?chain_type=ethereum&limit=100", null, basic(app));
    assertEquals(5, filtered.json().get("data").size());
  }

  @Test
  void listRejectsBadParameters() throws Exception {
    for (String limit : List.of("0", "101", "abc", "-1")) {
      assertError(call("GET", "/v1/wallets?limit=" + limit, null, basic(appA)), 400, "invalid_request");
    }
    assertError(call("GET", "/v1/wallets?cursor=%21%21", null, basic(appA)), 400, "invalid_request");
    assertError(call("GET", "/v1/wallets?cursor=" + b64("v2:1:abc"), null, basic(appA)), 400, "invalid_request");
    assertError(call("GET", "/v1/wallets?chain_type=dogecoin", null, basic(appA)), 400, "unsupported_chain_type");
  }

  // ------------------------------------------------------------------------------------ rpc

  @Test
  void unknownMethodIsRejectedAndAudited() throws Exception {
    Wallet w = insertWallet(appA, Instant.now());
    Reply r = rpc(appA, w, "{\"method\":\"eth_sendTransaction\",\"params\":{}}");
    assertError(r, 400, "unsupported_method");
    List<AuditRow> rows = auditForWallet(w.id());
    assertEquals(1, rows.size());
    assertEquals("rejected", rows.get(0).outcome());
    assertEquals("unsupported_method", rows.get(0).errorCode());
    assertEquals("wallet.sign", rows.get(0).action());
    assertTrue(rows.get(0).detail().contains("eth_sendTransaction"));
  }

  @Test
  void attestationOptionsAreValidated() throws Exception {
    Wallet w = insertWallet(appA, Instant.now());
    String params = "\"method\":\"personal_sign\",\"params\":{\"message\":\"hi\"}";
    List<String> bad = List.of(
        "{" + params + ",\"attest\":\"yes\"}",
        "{" + params + ",\"attest\":true,\"attestation_mode\":\"slow\"}",
        "{" + params + ",\"attest\":true,\"nonce\":\"0xabc\"}",
        "{" + params + ",\"attest\":true,\"nonce\":\"" + "00".repeat(513) + "\"}",
        "{" + params + ",\"nonce\":\"00\"}",
        "{" + params + ",\"attest\":false,\"attestation_mode\":\"fast\"}");
    for (String body : bad) {
      assertError(rpc(appA, w, body), 400, "invalid_request");
    }
    // well-formed requests for proof get as far as the (absent) enclave, and are audited with the mode
    assertError(rpc(appA, w, "{" + params + ",\"attest\":true,\"attestation_mode\":\"fast\","
        + "\"nonce\":\"0x" + "00".repeat(512) + "\"}"), 503, "enclave_unavailable");
    List<AuditRow> rows = auditForWallet(w.id());
    assertEquals(bad.size() + 1, rows.size());
    assertTrue(rows.stream().anyMatch(row -> row.outcome().equals("failed")
        && row.detail().contains("\"attestation\":\"fast\"")), rows.toString());
  }

  @Test
  void malformedRpcBodiesAreRejectedAndAudited() throws Exception {
    Wallet w = insertWallet(appA, Instant.now());
    List<String> bad = List.of(
        "{not json",
        "{\"method\":\"personal_sign\"}",
        "{\"method\":\"personal_sign\",\"params\":[]}",
        "{\"method\":\"personal_sign\",\"params\":{}}",
        "{\"method\":\"personal_sign\",\"params\":{\"message\":42}}",
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"0xabc\",\"encoding\":\"hex\"}}",
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"zz\",\"encoding\":\"hex\"}}",
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"hi\",\"encoding\":\"base64\"}}",
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"hi\",\"extra\":true}}",
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"" + "a".repeat(64 * 1024 + 1) + "\"}}",
        "{\"method\":7,\"params\":{}}");
    for (String body : bad) {
      Reply r = rpc(appA, w, body);
      assertError(r, 400, "invalid_request");
    }
    List<AuditRow> rows = auditForWallet(w.id());
    assertEquals(bad.size(), rows.size());
    rows.forEach(row -> {
      assertEquals("rejected", row.outcome());
      assertFalse(row.detail().contains("hi"), "audit detail must not carry the message");
    });
    Reply missingMessage = rpc(appA, w, "{\"method\":\"personal_sign\",\"params\":{}}");
    assertTrue(missingMessage.json().get("error").asText().contains("params.message"));
  }

  @Test
  void rawHashSigningIsOffByDefault() throws Exception {
    Wallet w = insertWallet(appA, Instant.now());
    Reply r = rpc(appA, w, "{\"method\":\"secp256k1_sign\",\"params\":{\"hash\":\"0x" + "11".repeat(32) + "\"}}");
    assertError(r, 403, "method_not_allowed_for_app");
    assertEquals("rejected", auditForWallet(w.id()).get(0).outcome());
  }

  @Test
  void signingWithTheEnclaveDownIs503AndAuditedAsFailed() throws Exception {
    Wallet w = insertWallet(appA, Instant.now());
    Reply r = rpc(appA, w, "{\"method\":\"personal_sign\",\"params\":{\"message\":\"hello\",\"encoding\":\"utf-8\"}}");
    assertError(r, 503, "enclave_unavailable");
    assertEquals("1", r.header("Retry-After"));
    List<AuditRow> rows = auditForWallet(w.id());
    assertEquals(1, rows.size());
    assertEquals("failed", rows.get(0).outcome());
    assertEquals("enclave_unavailable", rows.get(0).errorCode());
    assertTrue(rows.get(0).detail().contains("personal_sign"));
    assertFalse(rows.get(0).detail().contains("hello"));

    CreatedApp raw = apps.create("raw signer", true);
    Wallet rw = insertWallet(raw, Instant.now());
    Reply rr = rpc(raw, rw, "{\"method\":\"secp256k1_sign\",\"params\":{\"hash\":\"" + "ab".repeat(32) + "\"}}");
    assertError(rr, 503, "enclave_unavailable");
    assertEquals("failed", auditForWallet(rw.id()).get(0).outcome());
    assertError(rpc(raw, rw, "{\"method\":\"secp256k1_sign\",\"params\":{\"hash\":\"0x1234\"}}"), 400, "invalid_request");
  }

  @Test
  void anotherAppsWalletIsNotFoundAndNotAudited() throws Exception {
    Wallet w = insertWallet(appA, Instant.now());
    Reply r = rpc(appB, w, "{\"method\":\"personal_sign\",\"params\":{\"message\":\"hello\"}}");
    assertError(r, 404, "wallet_not_found");
    assertTrue(auditForWallet(w.id()).isEmpty());
  }

  @Test
  void oversizedRpcBodyIsRejected() throws Exception {
    Wallet w = insertWallet(appA, Instant.now());
    Reply r = rpc(appA, w, "{\"method\":\"personal_sign\",\"params\":{\"message\":\"" + "a".repeat(300 * 1024) + "\"}}");
    assertError(r, 413, "payload_too_large");
    assertEquals("rejected", auditForWallet(w.id()).get(0).outcome());
  }

  // --------------------------------------------------------------------- health and audit

  @Test
  void enclaveHealthCheckIsUnhealthyWhileTheEnclaveIsDown() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + APP.getAdminPort() + "/healthcheck")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode j = JSON.readTree(r.body());
    assertEquals(500, r.statusCode(), r.body());
    assertFalse(j.get("enclave").get("healthy").asBoolean());
    assertTrue(j.get("database").get("healthy").asBoolean());
  }

  @Test
  void auditChainStaysIntact() throws Exception {
    Wallet w = insertWallet(appA, Instant.now());
    rpc(appA, w, "{\"method\":\"nope\",\"params\":{}}");
    rpc(appA, w, "{\"method\":\"personal_sign\",\"params\":{\"message\":\"x\"}}");
    var v = jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).verify());
    assertTrue(v.intact(), v.problem());
  }

  // -------------------------------------------------------------------------------- helpers

  // ------------------------------------------------------------------ import, export, attestation

  @Test
  void exportIsRefusedUnlessTheAppEnabledItAndTheRefusalIsAudited() throws Exception {
    Wallet w = insertWallet(appA, Instant.now());
    String body = "{\"encryption_type\":\"HPKE\",\"recipient_public_key\":\""
        + java.util.Base64.getEncoder().encodeToString(p256Point()) + "\"}";
    Reply r = call("POST", "/v1/wallets/" + w.id() + "/export", body, basic(appA));
    assertEquals(403, r.status(), r.body());
    assertEquals("export_not_allowed", JSON.readTree(r.body()).get("code").asText());
    assertTrue(jdbi.withHandle(h -> new io.nitrosign.parent.audit.AuditStore(h, Clock.systemUTC())
        .forWallet(w.id())).stream().anyMatch(a -> a.action().equals("wallet.export")
            && a.outcome().equals("rejected")));
  }

  @Test
  void exportWithPermissionValidatesTheRecipientAndNeedsTheEnclave() throws Exception {
    CreatedApp exporter = apps.create("exporter", false, true);
    Wallet w = insertWallet(exporter, Instant.now());
    Reply bad = call("POST", "/v1/wallets/" + w.id() + "/export",
        "{\"recipient_public_key\":\"AAAA\"}", basic(exporter));
    assertEquals(400, bad.status(), bad.body());
    Reply down = call("POST", "/v1/wallets/" + w.id() + "/export",
        "{\"recipient_public_key\":\"" + java.util.Base64.getEncoder().encodeToString(p256Point())
            + "\"}", basic(exporter));
    assertEquals(503, down.status(), down.body());
    assertEquals("enclave_unavailable", JSON.readTree(down.body()).get("code").asText());
    Reply foreign = call("POST", "/v1/wallets/" + w.id() + "/export", "{}", basic(appA));
    assertEquals(404, foreign.status());
  }

  @Test
  void importRejectsBadInputBeforeTheEnclave() throws Exception {
    assertEquals(400, call("POST", "/v1/wallets/import/init", "{\"chain_type\":\"dogecoin\"}",
        basic(appA)).status());
    assertEquals(400, call("POST", "/v1/wallets/import/init",
        "{\"chain_type\":\"ethereum\",\"nonce\":\"zz\"}", basic(appA)).status());
    Reply initDown = call("POST", "/v1/wallets/import/init", "{\"chain_type\":\"ethereum\"}",
        basic(appA));
    assertEquals(503, initDown.status(), initDown.body());
    String enc = java.util.Base64.getEncoder().encodeToString(p256Point());
    Reply badId = call("POST", "/v1/wallets/import/submit", "{\"wallet\":{\"wallet_id\":\"x\","
        + "\"chain_type\":\"ethereum\",\"encapsulated_key\":\"" + enc + "\",\"ciphertext\":\"AAAA\"}}",
        basic(appA));
    assertEquals(400, badId.status(), badId.body());
    Reply badB64 = call("POST", "/v1/wallets/import/submit", "{\"wallet\":{\"wallet_id\":\""
        + Ids.random(RANDOM) + "\",\"chain_type\":\"ethereum\",\"encapsulated_key\":\"!!\","
        + "\"ciphertext\":\"AAAA\"}}", basic(appA));
    assertEquals(400, badB64.status(), badB64.body());
    Wallet taken = insertWallet(appA, Instant.now());
    Reply exists = call("POST", "/v1/wallets/import/submit", "{\"wallet\":{\"wallet_id\":\""
        + taken.id() + "\",\"chain_type\":\"ethereum\",\"encapsulated_key\":\"" + enc + "\","
        + "\"ciphertext\":\"AAAA\"}}", basic(appA));
    assertEquals(409, exists.status(), exists.body());
    assertEquals("wallet_exists", JSON.readTree(exists.body()).get("code").asText());
  }

  @Test
  void attestationNeedsCredentialsValidatesTheNonceAndAnswers503WhileDown() throws Exception {
    assertEquals(401, call("GET", "/v1/enclave/attestation", null, null).status());
    assertEquals(400, call("GET", "/v1/enclave/attestation?nonce=xyz", null, basic(appA)).status());
    assertEquals(400, call("GET", "/v1/enclave/attestation?nonce=" + "00".repeat(513), null,
        basic(appA)).status());
    Reply down = call("GET", "/v1/enclave/attestation?nonce=0102", null, basic(appA));
    assertEquals(503, down.status(), down.body());
  }

  @Test
  void attestationTakesUserDataOnlyForAClientRequestAndWithinTheTaggedLimit() throws Exception {
    // the default purpose is the response-key document, whose user_data is the tag alone
    assertEquals(400, call("GET", "/v1/enclave/attestation?nonce=01&user_data=02", null,
        basic(appA)).status());
    assertEquals(400, call("GET", "/v1/enclave/attestation?nonce=01&purpose=fresh_signature",
        null, basic(appA)).status());
    assertEquals(400, call("GET", "/v1/enclave/attestation?purpose=client_request&user_data="
        + "00".repeat(485), null, basic(appA)).status());
    assertEquals(400, call("GET", "/v1/enclave/attestation?purpose=client_request&user_data=zz",
        null, basic(appA)).status());
    // within the limits the request reaches the (absent) enclave
    assertEquals(503, call("GET", "/v1/enclave/attestation?purpose=client_request&user_data="
        + "00".repeat(484), null, basic(appA)).status());
  }

  private static byte[] p256Point() {
    byte[] p = new byte[65];
    RANDOM.nextBytes(p);
    p[0] = 0x04;
    return p;
  }

  private static Wallet insertWallet(CreatedApp app, Instant createdAt) {
    String id = Ids.random(RANDOM);
    byte[] pk = new byte[65];
    RANDOM.nextBytes(pk);
    pk[0] = 0x04;
    byte[] addr = new byte[20];
    RANDOM.nextBytes(addr);
    Wallet w = new Wallet(id, app.app().id(), Wallet.CHAIN_ETHEREUM, Wallet.CURVE_SECP256K1, pk,
        Hex.prefixed(addr), null, 1, createdAt.truncatedTo(ChronoUnit.MICROS));
    List<WalletShare> shares = List.of(
        new WalletShare(id, WalletShare.AUTH, 1, new byte[12], new byte[48]),
        new WalletShare(id, WalletShare.EXEC, 1, new byte[12], new byte[48]));
    jdbi.useTransaction(h -> new WalletStore(h).insert(w, shares));
    return w;
  }

  private static List<AuditRow> auditForWallet(String walletId) {
    return jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).forWallet(walletId));
  }

  private static List<AuditRow> auditForApp(String appId, String action) {
    return jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).all()).stream()
        .filter(r -> appId.equals(r.appId()) && action.equals(r.action())).toList();
  }

  private static Reply rpc(CreatedApp app, Wallet w, String body) throws Exception {
    return call("POST", "/v1/wallets/" + w.id() + "/rpc", body, basic(app));
  }

  private static String basic(CreatedApp app) {
    return "Basic " + b64(app.app().id() + ":" + app.secret());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertUnauthorized(Reply r) throws Exception {
    assertError(r, 401, "unauthorized");
    assertEquals("Basic realm=\"nitrosign\"", r.header("WWW-Authenticate"));
  }

  private static void assertError(Reply r, int status, String code) throws Exception {
    assertEquals(status, r.status, r.body);
    JsonNode j = r.json();
    assertEquals(code, j.get("code").asText(), r.body);
    assertNotNull(j.get("error"));
    assertTrue(j.get("error").isTextual() && !j.get("error").asText().isEmpty());
    assertEquals(Set.of("error", "code"), fieldNames(j), r.body);
    assertFalse(r.body.contains("Exception"), r.body);
  }

  private static Set<String> fieldNames(JsonNode j) {
    Set<String> names = new HashSet<>();
    j.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Reply call(String method, String path, String body, String authorization,
      String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body(), r);
  }

  private record Reply(int status, String body, HttpResponse<String> response) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }
  }

}
