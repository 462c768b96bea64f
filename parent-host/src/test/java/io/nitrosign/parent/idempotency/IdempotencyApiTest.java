package io.nitrosign.parent.idempotency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.wallet.Wallet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code privy-idempotency-key} end to end: two parent hosts on one real PostgreSQL database (as a
 * deployment runs them), real apps, requests over HTTP. Key quorums, policies and condition sets
 * live only in the database, so they show "one result" directly; wallet creation and signing
 * reach the enclave, which is down here (the devkit's end-to-end test signs for real): their 5xx
 * answers show the release of a key and their 4xx rejections the stored refusals.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class IdempotencyApiTest {

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> HOST_A =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final DropwizardAppExtension<ParentHostConfiguration> HOST_B =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Jdbi jdbi;
  private static AppManager apps;
  private static TestApi api;

  @BeforeAll
  static void setUp() {
    jdbi = Jdbi.create(DB.superuser());
    apps = new AppManager(jdbi, RANDOM, Clock.systemUTC(), JSON);
    api = new TestApi(HOST_A, jdbi);
  }

  /** A reply with its exact bytes and headers. */
  private record Raw(int status, byte[] body, HttpResponse<byte[]> response) {
    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  private static Raw post(DropwizardAppExtension<?> host, String path, String body,
      CreatedApp caller, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + host.getLocalPort() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .header("Content-Type", "application/json")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (caller.app().id() + ":" + caller.secret()).getBytes(StandardCharsets.UTF_8)));
    if (key != null) {
      b.header(IdempotencyFilter.HEADER, key);
    }
    HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Raw(r.statusCode(), r.body(), r);
  }

  private static Raw post(String path, String body, CreatedApp caller, String key)
      throws Exception {
    return post(HOST_A, path, body, caller, key);
  }

  private static String quorumBody(String name) {
    return "{\"display_name\":\"" + name + "\",\"authorization_threshold\":1,\"public_keys\":[\""
        + TestApi.Key.fresh().publicKey() + "\"]}";
  }

  private static int count(String table, CreatedApp app) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table
        + " WHERE app_id = :app").bind("app", app.app().id()).mapTo(Integer.class).one());
  }

  private static List<AuditRow> audit(CreatedApp app, String action) {
    return api.audit(app, action);
  }

  private static void assertError(Raw r, int status, String code) throws Exception {
    assertEquals(status, r.status(), r.text());
    assertEquals(code, r.json().get("code").asText(), r.text());
  }

  private static String key() {
    return "key-" + UUID.randomUUID();
  }

  // ------------------------------------------------------------------------------ replays

  @Test
  void theSameKeyAndBodyReplayTheStoredBytesAndCreateOneQuorum() throws Exception {
    CreatedApp app = apps.create("replay", false);
    String body = quorumBody("replayed");
    String key = key();
    Raw first = post("/v1/key_quorums", body, app, key);
    assertEquals(200, first.status(), first.text());
    assertNull(first.header(IdempotencyFilter.REPLAYED));
    Raw second = post("/v1/key_quorums", body, app, key);
    Raw third = post(HOST_B, "/v1/key_quorums", body, app, key);
    for (Raw again : List.of(second, third)) {
      assertEquals(200, again.status(), again.text());
      assertArrayEquals(first.body(), again.body(), again.text());
      assertEquals(first.header("Content-Type"), again.header("Content-Type"));
      assertEquals("true", again.header(IdempotencyFilter.REPLAYED));
    }
    assertEquals(1, count("key_quorums", app));
    assertEquals(1, audit(app, "key_quorum.create").size());
    // what is kept: the hash of the request, and the response exactly as sent
    jdbi.useHandle(h -> {
      byte[] stored = h.createQuery("SELECT response_body FROM idempotency_keys"
              + " WHERE app_id = :app AND idempotency_key = :key")
          .bind("app", app.app().id()).bind("key", key).mapTo(byte[].class).one();
      assertArrayEquals(first.body(), stored);
    });
  }

  @Test
  void withoutAKeyEveryRequestRuns() throws Exception {
    CreatedApp app = apps.create("no key", false);
    String body = quorumBody("twice");
    Raw a = post("/v1/key_quorums", body, app, null);
    Raw b = post("/v1/key_quorums", body, app, null);
    assertEquals(200, a.status(), a.text());
    assertEquals(200, b.status(), b.text());
    assertNotEquals(a.json().get("id"), b.json().get("id"));
    assertEquals(2, count("key_quorums", app));
  }

  @Test
  void theKeyWithAnotherBodyOrPathIs400AndChangesNothing() throws Exception {
    CreatedApp app = apps.create("reuse", false);
    String key = key();
    Raw first = post("/v1/key_quorums", quorumBody("first"), app, key);
    assertEquals(200, first.status(), first.text());
    assertError(post("/v1/key_quorums", quorumBody("second"), app, key), 400,
        "idempotency_key_reused");
    assertError(post(HOST_B, "/v1/key_quorums", quorumBody("second"), app, key), 400,
        "idempotency_key_reused");
    assertError(post("/v1/condition_sets", "{\"name\":\"allowlist\"}", app, key), 400,
        "idempotency_key_reused");
    assertEquals(1, count("key_quorums", app));
    assertEquals(0, count("condition_sets", app));
    assertEquals(1, audit(app, "key_quorum.create").size());
  }

  @Test
  void keysAreScopedToTheirApp() throws Exception {
    CreatedApp a = apps.create("scope a", false);
    CreatedApp b = apps.create("scope b", false);
    String key = key();
    String body = quorumBody("same key, two apps");
    Raw ra = post("/v1/key_quorums", body, a, key);
    Raw rb = post("/v1/key_quorums", body, b, key);
    assertEquals(200, ra.status(), ra.text());
    assertEquals(200, rb.status(), rb.text());
    assertNull(rb.header(IdempotencyFilter.REPLAYED));
    assertNotEquals(ra.json().get("id"), rb.json().get("id"));
    assertEquals(1, count("key_quorums", a));
    assertEquals(1, count("key_quorums", b));
    // and a reused key in one app is not reused in the other
    assertError(post("/v1/key_quorums", quorumBody("other"), a, key), 400,
        "idempotency_key_reused");
  }

  @Test
  void policiesConditionSetsAndAggregationsReplayToo() throws Exception {
    CreatedApp app = apps.create("policy kinds", false);
    String policy = "{\"version\":\"1.0\",\"name\":\"p\",\"chain_type\":\"ethereum\",\"rules\":[]}";
    String set = "{\"name\":\"allowlist\"}";
    String aggregation = "{\"name\":\"cap\",\"method\":\"eth_signTransaction\","
        + "\"metric\":{\"field_source\":\"ethereum_transaction\",\"field\":\"value\","
        + "\"function\":\"sum\"},\"window\":{\"type\":\"rolling\",\"seconds\":3600}}";
    for (String[] call : List.of(new String[] {"/v1/policies", policy, "policies"},
        new String[] {"/v1/condition_sets", set, "condition_sets"},
        new String[] {"/v1/aggregations", aggregation, "aggregations"})) {
      String key = key();
      Raw first = post(call[0], call[1], app, key);
      assertEquals(200, first.status(), call[0] + ": " + first.text());
      Raw again = post(HOST_B, call[0], call[1], app, key);
      assertArrayEquals(first.body(), again.body(), call[0]);
      assertEquals(1, count(call[2], app), call[0]);
    }
  }

  // ---------------------------------------------------------------------------- concurrency

  @Test
  void twentyConcurrentRequestsWithOneKeyOnTwoHostsMakeOneQuorum() throws Exception {
    CreatedApp app = apps.create("concurrent", false);
    String body = quorumBody("raced");
    String key = key();
    int n = 20;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Raw>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        DropwizardAppExtension<?> host = i % 2 == 0 ? HOST_A : HOST_B;
        answers.add(pool.submit(() -> {
          start.await();
          // as the SDK does: a 409 idempotency_key_in_progress is retried (bounded here)
          Raw r = null;
          for (int attempt = 0; attempt < 20; attempt++) {
            r = post(host, "/v1/key_quorums", body, app, key);
            if (r.status() != 409) {
              break;
            }
            assertEquals("idempotency_key_in_progress", r.json().get("code").asText());
            assertEquals("true", r.header(IdempotencyFilter.SHOULD_RETRY));
            assertEquals("1", r.header("Retry-After"));
          }
          return r;
        }));
      }
      start.countDown();
      Set<String> bodies = new HashSet<>();
      int replayed = 0;
      for (Future<Raw> f : answers) {
        Raw r = f.get();
        assertEquals(200, r.status(), r.text());
        bodies.add(r.text());
        if ("true".equals(r.header(IdempotencyFilter.REPLAYED))) {
          replayed++;
        }
      }
      assertEquals(1, bodies.size(), bodies::toString);
      assertEquals(n - 1, replayed);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, count("key_quorums", app));
    assertEquals(1, audit(app, "key_quorum.create").size());
  }

  @Test
  void aRequestWaitingOnAKeyStillInProgressGets409WithRetryAfter() throws Exception {
    CreatedApp app = apps.create("in progress", false);
    String body = quorumBody("held");
    String key = key();
    Raw first = post("/v1/key_quorums", body, app, key);
    assertEquals(200, first.status(), first.text());
    // as if the first attempt were still running on another host
    setInProgress(app, key, "0 seconds", true);
    Raw r = post(HOST_B, "/v1/key_quorums", body, app, key);
    assertError(r, 409, "idempotency_key_in_progress");
    assertEquals("true", r.header(IdempotencyFilter.SHOULD_RETRY));
    assertEquals("1", r.header("Retry-After"));
    assertEquals(1, count("key_quorums", app));
  }

  @Test
  void anAttemptLostMidRequestIsNeverRunAgain() throws Exception {
    CreatedApp app = apps.create("lost", false);
    String body = quorumBody("lost");
    String key = key();
    assertEquals(200, post("/v1/key_quorums", body, app, key).status());
    // as if its parent host had died after creating the quorum, before storing the answer: its
    // lease lapsed a moment ago (no renewal for 3 seconds), which is all it takes
    setInProgress(app, key, "4 seconds", false);
    Raw r = post("/v1/key_quorums", body, app, key);
    assertError(r, 409, "idempotency_key_outcome_unknown");
    assertEquals("false", r.header(IdempotencyFilter.SHOULD_RETRY));
    assertEquals(1, count("key_quorums", app));
    assertEquals(1, audit(app, "key_quorum.create").size());
  }

  /**
   * Turns the key's stored answer back into an attempt that started {@code age} ago, whose host
   * still renews its lease ({@code alive}) or stopped doing so a second ago.
   */
  private static void setInProgress(CreatedApp app, String key, String age, boolean alive) {
    assertEquals(1, (int) jdbi.withHandle(h -> h.createUpdate("UPDATE idempotency_keys"
            + " SET state = 'in_progress', completed_at = NULL, response_status = NULL,"
            + " response_content_type = NULL, response_body = NULL,"
            + " created_at = now() - CAST(:age AS interval),"
            + " lease_until = now() + CAST(:lease AS interval)"
            + " WHERE app_id = :app AND idempotency_key = :key")
        .bind("age", age).bind("lease", alive ? "1 hour" : "-1 second")
        .bind("app", app.app().id()).bind("key", key).execute()));
  }

  // ------------------------------------------------------------------ final and not final

  @Test
  void a5xxReleasesTheKeySoTheRetryRunsAgain() throws Exception {
    CreatedApp app = apps.create("enclave down", false);
    String key = key();
    String body = "{\"chain_type\":\"ethereum\"}";
    for (int i = 1; i <= 2; i++) {
      Raw r = post("/v1/wallets", body, app, key);
      assertError(r, 503, "enclave_unavailable");
      assertEquals("true", r.header(IdempotencyFilter.SHOULD_RETRY));
      assertNull(r.header(IdempotencyFilter.REPLAYED));
      assertEquals(0, count("idempotency_keys", app));
      // it ran each time: one failed audit row per attempt
      assertEquals(i, audit(app, "wallet.create").size());
    }
  }

  @Test
  void aRejectedSigningRequestIsStoredAndReplayedWithoutASecondAuditRow() throws Exception {
    CreatedApp app = apps.create("rejected rpc", false);
    Wallet w = jdbi.withHandle(h -> TestApi.insertWallet(h, app.app().id(), "ethereum", null));
    String path = "/v1/wallets/" + w.id() + "/rpc";
    String body = "{\"method\":\"eth_no_such_method\",\"params\":{}}";
    String key = key();
    Raw first = post(path, body, app, key);
    assertError(first, 400, "unsupported_method");
    Raw again = post(HOST_B, path, body, app, key);
    assertEquals(400, again.status());
    assertArrayEquals(first.body(), again.body());
    assertEquals(first.header("Content-Type"), again.header("Content-Type"));
    assertEquals("true", again.header(IdempotencyFilter.REPLAYED));
    assertEquals(1, audit(app, "wallet.sign").size());
  }

  @Test
  void aSigningRequestTheEnclaveCouldNotAnswerRunsAgainOnRetry() throws Exception {
    CreatedApp app = apps.create("rpc down", false);
    Wallet w = jdbi.withHandle(h -> TestApi.insertWallet(h, app.app().id(), "ethereum", null));
    String path = "/v1/wallets/" + w.id() + "/rpc";
    String body = "{\"method\":\"personal_sign\",\"params\":{\"message\":\"hi\","
        + "\"encoding\":\"utf-8\"}}";
    String key = key();
    for (int i = 1; i <= 2; i++) {
      Raw r = post(path, body, app, key);
      assertError(r, 503, "enclave_unavailable");
      assertEquals("true", r.header(IdempotencyFilter.SHOULD_RETRY));
      assertEquals(i, audit(app, "wallet.sign").size());
    }
  }

  @Test
  void aSigningAttemptWhoseHostDiedIsTakenOverByTheRetryAndRunsAgain() throws Exception {
    CreatedApp app = apps.create("taken over", false);
    Wallet w = jdbi.withHandle(h -> TestApi.insertWallet(h, app.app().id(), "ethereum", null));
    String path = "/v1/wallets/" + w.id() + "/rpc";
    String body = "{\"method\":\"eth_no_such_method\",\"params\":{}}";
    String key = key();
    // an attempt that got as far as the enclave on a host that then died: its lease lapsed
    String lost = "lost-" + UUID.randomUUID();
    jdbi.useHandle(h -> {
      h.createUpdate("INSERT INTO idempotency_keys (app_id, idempotency_key, request_hash, state,"
              + " attempt, created_at, expires_at, lease_until, host) VALUES (:app, :key, :hash,"
              + " 'in_progress', :lost, now() - interval '5 seconds', now() + interval '1 day',"
              + " now() - interval '1 second', 'dead-host')")
          .bind("app", app.app().id()).bind("key", key).bind("lost", lost)
          .bind("hash", IdempotencyFilter.requestHash("POST", path,
              body.getBytes(StandardCharsets.UTF_8))).execute();
      h.createUpdate("INSERT INTO sign_requests (attempt, app_id, idempotency_key,"
              + " key_created_at, wallet_id, method, state, host, created_at, updated_at)"
              + " SELECT attempt, app_id, idempotency_key, created_at, :w, 'eth_no_such_method',"
              + " 'signing', host, created_at, now() FROM idempotency_keys WHERE attempt = :lost")
          .bind("w", w.id()).bind("lost", lost).execute();
    });
    Raw r = post(HOST_B, path, body, app, key);
    // it ran again (and, here, was refused: a final answer, stored)
    assertError(r, 400, "unsupported_method");
    assertNull(r.header(IdempotencyFilter.REPLAYED));
    List<String> states = jdbi.withHandle(h -> h.createQuery("SELECT state || '/'"
            + " || coalesce(error_code, '') FROM sign_requests WHERE idempotency_key = :key"
            + " ORDER BY created_at").bind("key", key).mapTo(String.class).list());
    assertEquals(List.of("failed/attempt_lost", "rejected/unsupported_method"), states);
    List<AuditRow> rows = audit(app, "wallet.sign");
    assertEquals(2, rows.size());
    assertEquals("attempt_lost", rows.get(0).errorCode());
    JsonNode lostDetail = JSON.readTree(rows.get(0).detail());
    assertEquals("signing", lostDetail.get("lost_in").asText());
    assertEquals(key, lostDetail.get("idempotency_key").asText());
    assertEquals("unsupported_method", rows.get(1).errorCode());
    // and the answer is now the key's
    Raw again = post(path, body, app, key);
    assertArrayEquals(r.body(), again.body());
    assertEquals("true", again.header(IdempotencyFilter.REPLAYED));
  }

  // ----------------------------------------------------------------------- keys and expiry

  @Test
  void malformedKeysAre400() throws Exception {
    CreatedApp app = apps.create("bad keys", false);
    String body = quorumBody("bad key");
    assertError(post("/v1/key_quorums", body, app, ""), 400, "invalid_idempotency_key");
    assertError(post("/v1/key_quorums", body, app, "k".repeat(257)), 400,
        "invalid_idempotency_key");
    assertEquals(200, post("/v1/key_quorums", body, app, "k".repeat(256)).status());
    assertEquals(200, post("/v1/key_quorums", quorumBody("printable"), app,
        " !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~").status());
    assertFalse(IdempotencyFilter.validKey("tab\tkey"));
    assertFalse(IdempotencyFilter.validKey("caf\u00e9"));
    assertFalse(IdempotencyFilter.validKey("del\u007f"));
    assertEquals(2, count("key_quorums", app));
  }

  @Test
  void anExpiredKeyIsANewKeyAndTheSweepDeletesIt() throws Exception {
    CreatedApp app = apps.create("expiry", false);
    String key = key();
    Raw first = post("/v1/key_quorums", quorumBody("day one"), app, key);
    assertEquals(200, first.status(), first.text());
    jdbi.useHandle(h -> {
      Object ttl = h.createQuery("SELECT expires_at - created_at FROM idempotency_keys"
              + " WHERE app_id = :app AND idempotency_key = :key")
          .bind("app", app.app().id()).bind("key", key).mapTo(String.class).one();
      assertEquals("1 day", ttl.toString());
    });
    expire(app, key);
    // after 24 hours the key is free: another body runs
    Raw later = post("/v1/key_quorums", quorumBody("day two"), app, key);
    assertEquals(200, later.status(), later.text());
    assertNull(later.header(IdempotencyFilter.REPLAYED));
    assertNotEquals(first.json().get("id"), later.json().get("id"));
    assertEquals(2, count("key_quorums", app));

    expire(app, key);
    // the sweep, as the service role runs it
    try (Connection c = DB.asServiceRole()) {
      int deleted = new IdempotencyStore(Jdbi.create(c)).sweep();
      assertTrue(deleted >= 1, "deleted " + deleted);
    }
    assertEquals(0, count("idempotency_keys", app));
  }

  private static void expire(CreatedApp app, String key) {
    assertEquals(1, (int) jdbi.withHandle(h -> h.createUpdate("UPDATE idempotency_keys"
            + " SET created_at = created_at - interval '25 hours',"
            + " expires_at = expires_at - interval '25 hours'"
            + " WHERE app_id = :app AND idempotency_key = :key")
        .bind("app", app.app().id()).bind("key", key).execute()));
  }
}
