package io.nitrosign.parent.quorum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.ParentHostApplication;
import io.nitrosign.parent.ParentHostConfiguration;
import io.nitrosign.parent.TestApp;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.authz.RequestAuthorizer;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.parent.wallet.WalletOwnership;
import io.nitrosign.parent.wallet.WalletOwnershipStore;
import io.nitrosign.parent.wallet.WalletShare;
import io.nitrosign.parent.wallet.WalletStore;
import io.nitrosign.proto.v1.KeyQuorum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** /v1/key_quorums end to end: real database, real app, a recording request authorizer. */
@ExtendWith(DropwizardExtensionsSupport.class)
class KeyQuorumApiTest {

  /** One call of the authorizer. */
  record Call(KeyQuorum owner, String method, String path, String body, String signature) {}

  static final List<Call> CALLS = new CopyOnWriteArrayList<>();
  static volatile boolean refuse;

  /** The application with a request authorizer that records its calls (and may refuse). */
  public static final class RecordingApp extends ParentHostApplication {
    @Override
    protected RequestAuthorizer requestAuthorizer(
        io.nitrosign.parent.authz.PrivyRequestAuthorizer privy) {
      return (owner, method, path, body, headers) -> {
        CALLS.add(new Call(owner, method, path, new String(body, StandardCharsets.UTF_8),
            headers.getHeaderString("privy-authorization-signature")));
        if (refuse) {
          throw ApiException.unauthorized("missing or invalid authorization signatures");
        }
      };
    }
  }

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(RecordingApp.class, TestApp.config(DB));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final SecureRandom RANDOM = new SecureRandom();

  private static Jdbi jdbi;
  private static CreatedApp appA;
  private static CreatedApp appB;

  @BeforeAll
  static void createApps() {
    jdbi = Jdbi.create(DB.superuser());
    AppManager apps = new AppManager(jdbi, RANDOM, Clock.systemUTC(), JSON);
    appA = apps.create("app a", false);
    appB = apps.create("app b", false);
  }

  @BeforeEach
  void reset() {
    CALLS.clear();
    refuse = false;
  }

  // ---------------------------------------------------------------------------------- create

  @Test
  void aQuorumOfTwoKeysIsCreatedAndReadBackAsPrivyShowsIt() throws Exception {
    String k1 = TestKeys.p256WithLineBreak();
    String k2 = TestKeys.p256();
    Reply r = call("POST", "/v1/key_quorums", "{\"display_name\":\"Prod key quorum\","
        + "\"authorization_threshold\":2,\"public_keys\":[" + JSON.writeValueAsString(k1) + ","
        + JSON.writeValueAsString(k2) + "]}", appA);
    assertEquals(200, r.status, r.body);
    JsonNode q = r.json();
    String id = q.get("id").asText();
    assertTrue(Ids.plausible(id));
    assertEquals("Prod key quorum", q.get("display_name").asText());
    assertEquals(2, q.get("authorization_threshold").asInt());
    assertEquals(k1.replace("\n", ""), q.get("authorization_keys").get(0).get("public_key").asText());
    assertEquals(k2, q.get("authorization_keys").get(1).get("public_key").asText());
    assertTrue(q.get("authorization_keys").get(0).get("display_name").isNull());
    assertEquals(0, q.get("user_ids").size());
    assertEquals(0, q.get("key_quorum_ids").size());

    Reply got = call("GET", "/v1/key_quorums/" + id, null, appA);
    assertEquals(200, got.status, got.body);
    assertEquals(q, got.json());
    assertEquals(1, audit(appA, "key_quorum.create").stream()
        .filter(a -> a.detail().contains(id)).count());
  }

  @Test
  void theThresholdDefaultsToEveryMember() throws Exception {
    Reply r = call("POST", "/v1/key_quorums", keys(TestKeys.p256(), TestKeys.p256(),
        TestKeys.p256()), appA);
    assertEquals(200, r.status, r.body);
    assertEquals(3, r.json().get("authorization_threshold").asInt());
    assertTrue(r.json().get("display_name").isNull());
  }

  @Test
  void aKeyOnAnotherCurveIsRefusedNamingItsIndex() throws Exception {
    String p384 = Base64.getEncoder().encodeToString(TestKeys.spki("secp384r1"));
    Reply r = call("POST", "/v1/key_quorums", keys(TestKeys.p256(), p384), appA);
    assertError(r, 400, "invalid_request");
    assertEquals("public_keys[1] is not a P-256 public key (base64 DER SubjectPublicKeyInfo)",
        r.json().get("error").asText());
    assertError(call("POST", "/v1/key_quorums", keys("not base64!"), appA), 400, "invalid_request");
    assertError(call("POST", "/v1/key_quorums", keys(Base64.getEncoder().encodeToString(
        new byte[91])), appA), 400, "invalid_request");
    String ed25519 = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=";
    assertError(call("POST", "/v1/key_quorums", keys(ed25519), appA), 400, "invalid_request");
  }

  @Test
  void badBodiesAreRefusedWithTheFieldNamed() throws Exception {
    String k = TestKeys.p256();
    assertRefused(call("POST", "/v1/key_quorums", "{}", appA), "public_keys");
    assertRefused(call("POST", "/v1/key_quorums", "{\"public_keys\":[]}", appA), "public_keys");
    assertRefused(call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\"],"
        + "\"authorization_threshold\":2}", appA), "authorization_threshold");
    assertRefused(call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\"],"
        + "\"authorization_threshold\":0}", appA), "authorization_threshold");
    assertRefused(call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\"],"
        + "\"authorization_threshold\":1.5}", appA), "authorization_threshold");
    assertRefused(call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\",\"" + k
        + "\"]}", appA), "public_keys[1]");
    assertRefused(call("POST", "/v1/key_quorums", "{\"public_keys\":\"" + k + "\"}", appA),
        "public_keys");
    assertRefused(call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\"],"
        + "\"display_name\":\"" + "x".repeat(51) + "\"}", appA), "display_name");
    assertRefused(call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\"],"
        + "\"owner\":{}}", appA), "owner");
    Reply users = call("POST", "/v1/key_quorums", "{\"user_ids\":[\"did:privy:abc\"]}", appA);
    assertRefused(users, "user_ids");
    assertTrue(users.json().get("error").asText().contains("not supported yet"));
    StringBuilder many = new StringBuilder("{\"public_keys\":[");
    for (int i = 0; i < 33; i++) {
      many.append(i == 0 ? "" : ",").append('"').append(TestKeys.p256()).append('"');
    }
    assertRefused(call("POST", "/v1/key_quorums", many + "]}", appA), "public_keys");
    assertEquals(0, audit(appB, "key_quorum.create").size());
  }

  @Test
  void thirtyTwoKeysAreAllowed() throws Exception {
    String[] ks = new String[32];
    for (int i = 0; i < ks.length; i++) {
      ks[i] = TestKeys.p256();
    }
    Reply r = call("POST", "/v1/key_quorums", keys(ks), appA);
    assertEquals(200, r.status, r.body);
    assertEquals(32, r.json().get("authorization_keys").size());
  }

  // ------------------------------------------------------------------------------ nesting

  @Test
  void quorumsNestOneLevelDeepWithinTheSameApp() throws Exception {
    String child = create(appA, TestKeys.p256());
    Reply parent = call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + TestKeys.p256()
        + "\"],\"key_quorum_ids\":[\"" + child + "\"],\"authorization_threshold\":2}", appA);
    assertEquals(200, parent.status, parent.body);
    assertEquals(child, parent.json().get("key_quorum_ids").get(0).asText());
    String parentId = parent.json().get("id").asText();

    Reply grand = call("POST", "/v1/key_quorums", "{\"key_quorum_ids\":[\"" + parentId + "\"]}", appA);
    assertRefused(grand, "key_quorum_ids[0]");
    assertTrue(grand.json().get("error").asText().contains("one level"));

    assertError(call("POST", "/v1/key_quorums", "{\"key_quorum_ids\":[\"" + child + "\"]}", appB),
        404, "key_quorum_not_found");
    assertError(call("POST", "/v1/key_quorums", "{\"key_quorum_ids\":[\"" + Ids.random(RANDOM)
        + "\"]}", appA), 404, "key_quorum_not_found");

    // a nested quorum cannot gain children of its own
    String other = create(appA, TestKeys.p256());
    Reply deepen = call("PATCH", "/v1/key_quorums/" + child, "{\"key_quorum_ids\":[\"" + other
        + "\"]}", appA);
    assertRefused(deepen, "key_quorum_ids");
  }

  // ---------------------------------------------------------------------------------- read

  @Test
  void anotherAppsQuorumIsAsAbsentAsANonexistentOne() throws Exception {
    String id = create(appA, TestKeys.p256());
    Reply other = call("GET", "/v1/key_quorums/" + id, null, appB);
    Reply none = call("GET", "/v1/key_quorums/" + Ids.random(RANDOM), null, appA);
    assertError(other, 404, "key_quorum_not_found");
    assertError(none, 404, "key_quorum_not_found");
    assertEquals(none.body, other.body);
    assertError(call("GET", "/v1/key_quorums/BAD%20ID", null, appA), 404, "key_quorum_not_found");
    assertError(call("PATCH", "/v1/key_quorums/" + id, "{\"display_name\":\"x\"}", appB), 404,
        "key_quorum_not_found");
    assertError(call("DELETE", "/v1/key_quorums/" + id, null, appB), 404, "key_quorum_not_found");
    assertTrue(CALLS.isEmpty(), "no authorization is asked for a quorum that is not found");
  }

  // -------------------------------------------------------------------------------- update

  @Test
  void anUpdateIsAuthorizedByTheQuorumItselfThenReplacesWhatItNames() throws Exception {
    String k1 = TestKeys.p256();
    String id = create(appA, k1);
    String k2 = TestKeys.p256();
    String body = "{\"public_keys\":[\"" + k1 + "\",\"" + k2 + "\"],\"authorization_threshold\":2}";
    Reply r = call("PATCH", "/v1/key_quorums/" + id, body, appA,
        "privy-authorization-signature", "sig1");
    assertEquals(200, r.status, r.body);
    assertEquals(2, r.json().get("authorization_threshold").asInt());
    assertEquals(2, r.json().get("authorization_keys").size());

    assertEquals(1, CALLS.size());
    Call c = CALLS.get(0);
    assertEquals("PATCH", c.method());
    assertEquals("/v1/key_quorums/" + id, c.path());
    assertEquals(body, c.body());
    assertEquals("sig1", c.signature());
    // the owner asked is the quorum as it was: one key, 1 of 1
    assertEquals(id, c.owner().getId());
    assertEquals(1, c.owner().getThreshold());
    assertEquals(1, c.owner().getPublicKeysCount());
    assertArrayEquals(Base64.getDecoder().decode(k1), c.owner().getPublicKeys(0).toByteArray());

    // the next change is asked of the quorum as it now is
    Reply rename = call("PATCH", "/v1/key_quorums/" + id, "{\"display_name\":\"renamed\"}", appA);
    assertEquals(200, rename.status, rename.body);
    assertEquals("renamed", rename.json().get("display_name").asText());
    assertEquals(2, rename.json().get("authorization_keys").size(), "absent fields are kept");
    assertEquals(2, CALLS.get(1).owner().getThreshold());
    assertEquals(2, CALLS.get(1).owner().getPublicKeysCount());
    assertTrue(audit(appA, "key_quorum.update").stream().anyMatch(a -> a.detail().contains(id)
        && "succeeded".equals(a.outcome())));

    assertRefused(call("PATCH", "/v1/key_quorums/" + id, "{}", appA), "at least one field");
    assertRefused(call("PATCH", "/v1/key_quorums/" + id, "{\"authorization_threshold\":3}", appA),
        "authorization_threshold");
    assertRefused(call("PATCH", "/v1/key_quorums/" + id, "{\"public_keys\":[]}", appA), "member");
  }

  @Test
  void aRefusedAuthorizationLeavesTheQuorumAsItWasAndIsAudited() throws Exception {
    String id = create(appA, TestKeys.p256());
    refuse = true;
    assertError(call("PATCH", "/v1/key_quorums/" + id, "{\"display_name\":\"stolen\"}", appA),
        401, "unauthorized");
    assertError(call("DELETE", "/v1/key_quorums/" + id, null, appA), 401, "unauthorized");
    Reply got = call("GET", "/v1/key_quorums/" + id, null, appA);
    assertEquals(200, got.status);
    assertTrue(got.json().get("display_name").isNull());
    List<AuditRow> rejected = audit(appA, "key_quorum.update").stream()
        .filter(a -> a.detail().contains(id)).toList();
    assertEquals(1, rejected.size());
    assertEquals("rejected", rejected.get(0).outcome());
    assertEquals("unauthorized", rejected.get(0).errorCode());
    assertEquals(1, audit(appA, "key_quorum.delete").stream()
        .filter(a -> a.detail().contains(id) && "rejected".equals(a.outcome())).count());
  }

  @Test
  void changingANestedQuorumChangesWhatItsParentNeedsToBeChanged() throws Exception {
    String child = create(appA, TestKeys.p256());
    String parent = createBody(appA, "{\"key_quorum_ids\":[\"" + child + "\"]}");
    String newKey = TestKeys.p256();
    assertEquals(200, call("PATCH", "/v1/key_quorums/" + child, "{\"public_keys\":[\"" + newKey
        + "\"]}", appA).status);
    assertEquals(200, call("PATCH", "/v1/key_quorums/" + parent, "{\"display_name\":\"p\"}",
        appA).status);
    KeyQuorum owner = CALLS.get(CALLS.size() - 1).owner();
    assertEquals(parent, owner.getId());
    assertEquals(child, owner.getQuorums(0).getId());
    assertArrayEquals(Base64.getDecoder().decode(newKey),
        owner.getQuorums(0).getPublicKeys(0).toByteArray());
  }

  // -------------------------------------------------------------------------------- delete

  @Test
  void aDeletedQuorumIsGoneAndTheDeletionIsAudited() throws Exception {
    String id = create(appA, TestKeys.p256());
    Reply r = call("DELETE", "/v1/key_quorums/" + id, null, appA);
    assertEquals(200, r.status, r.body);
    assertTrue(r.json().get("success").asBoolean());
    assertEquals("DELETE", CALLS.get(0).method());
    assertEquals("", CALLS.get(0).body());
    assertError(call("GET", "/v1/key_quorums/" + id, null, appA), 404, "key_quorum_not_found");
    assertEquals(1, audit(appA, "key_quorum.delete").stream()
        .filter(a -> a.detail().contains(id) && "succeeded".equals(a.outcome())).count());
  }

  @Test
  void aQuorumNestedInAnotherCannotBeDeleted() throws Exception {
    String child = create(appA, TestKeys.p256());
    createBody(appA, "{\"key_quorum_ids\":[\"" + child + "\"]}");
    Reply r = call("DELETE", "/v1/key_quorums/" + child, null, appA);
    assertError(r, 409, "key_quorum_in_use");
    assertTrue(r.json().get("error").asText().contains("nested"));
  }

  @Test
  void aQuorumThatOwnsOrSignsForAWalletCannotBeDeletedAndTheWalletShowsIt() throws Exception {
    String owner = create(appA, TestKeys.p256());
    String signer = create(appA, TestKeys.p256());
    Wallet w = insertWallet(appA, new WalletOwnership(owner,
        List.of(new WalletOwnership.Signer(signer, List.of())), List.of()));
    assertError(call("DELETE", "/v1/key_quorums/" + owner, null, appA), 409, "key_quorum_in_use");
    assertError(call("DELETE", "/v1/key_quorums/" + signer, null, appA), 409, "key_quorum_in_use");

    Reply got = call("GET", "/v1/wallets/" + w.id(), null, appA);
    assertEquals(200, got.status, got.body);
    assertEquals(owner, got.json().get("owner_id").asText());
    assertEquals(signer, got.json().get("additional_signers").get(0).get("signer_id").asText());
    assertEquals(0, got.json().get("additional_signers").get(0).get("override_policy_ids").size());
    assertEquals(0, got.json().get("policy_ids").size());
    JsonNode listed = call("GET", "/v1/wallets", null, appA).json().get("data");
    boolean found = false;
    for (JsonNode x : listed) {
      if (x.get("id").asText().equals(w.id())) {
        found = true;
        assertEquals(owner, x.get("owner_id").asText());
      }
    }
    assertTrue(found);
  }

  // ------------------------------------------------------------------------------- helpers

  private static String keys(String... keys) throws Exception {
    return "{\"public_keys\":" + JSON.writeValueAsString(List.of(keys)) + "}";
  }

  private static String create(CreatedApp app, String key) throws Exception {
    return createBody(app, keys(key));
  }

  private static String createBody(CreatedApp app, String body) throws Exception {
    Reply r = call("POST", "/v1/key_quorums", body, app);
    assertEquals(200, r.status, r.body);
    return r.json().get("id").asText();
  }

  private static Wallet insertWallet(CreatedApp app, WalletOwnership ownership) {
    String id = Ids.random(RANDOM);
    byte[] pk = new byte[65];
    RANDOM.nextBytes(pk);
    pk[0] = 0x04;
    byte[] addr = new byte[20];
    RANDOM.nextBytes(addr);
    Wallet w = new Wallet(id, app.app().id(), Wallet.CHAIN_ETHEREUM, Wallet.CURVE_SECP256K1, pk,
        Hex.prefixed(addr), null, 1, Instant.now().truncatedTo(ChronoUnit.MICROS));
    List<WalletShare> shares = List.of(
        new WalletShare(id, WalletShare.AUTH, 1, new byte[12], new byte[48]),
        new WalletShare(id, WalletShare.EXEC, 1, new byte[12], new byte[48]));
    jdbi.useTransaction(h -> {
      new WalletStore(h).insert(w, shares);
      new WalletOwnershipStore(h).save(id, ownership);
    });
    return w;
  }

  private static List<AuditRow> audit(CreatedApp app, String action) {
    return jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).all()).stream()
        .filter(r -> app.app().id().equals(r.appId()) && action.equals(r.action())).toList();
  }

  private static Reply call(String method, String path, String body, CreatedApp app,
      String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
        (app.app().id() + ":" + app.secret()).getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private record Reply(int status, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  private static void assertRefused(Reply r, String named) throws Exception {
    assertError(r, 400, "invalid_request");
    assertTrue(r.json().get("error").asText().contains(named), r.body);
  }

  private static void assertError(Reply r, int status, String code) throws Exception {
    assertEquals(status, r.status, r.body);
    JsonNode j = r.json();
    assertEquals(code, j.get("code").asText(), r.body);
    assertNotNull(j.get("error"));
    Set<String> names = new HashSet<>();
    j.fieldNames().forEachRemaining(names::add);
    assertEquals(Set.of("error", "code"), names, r.body);
    assertFalse(r.body.contains("Exception"), r.body);
  }
}
