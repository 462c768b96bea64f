package io.nitrosign.parent.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.authz.RequestSigner;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.ParentHostApplication;
import io.nitrosign.parent.ParentHostConfiguration;
import io.nitrosign.parent.TestApp;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.parent.wallet.WalletOwnership;
import io.nitrosign.parent.wallet.WalletOwnershipStore;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * /v1/key_quorums end to end: real database, real app, and the real request authorizer: changes
 * are signed with {@link RequestSigner} exactly as Privy's SDK signs them (url = the base URL the
 * client calls, from the Host header since the test app has no public base URL configured).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class KeyQuorumApiTest {

  /** An authorization key pair as a client holds it. */
  record Key(String publicKey, RequestSigner signer) {
    static Key fresh() {
      RequestSigner.KeyPairText kp = RequestSigner.generate();
      return new Key(kp.publicKey(), RequestSigner.fromPkcs8Base64(kp.privateKey()));
    }
  }

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
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
    Key childKey = Key.fresh();
    String child = create(appA, childKey);
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

    // a nested quorum cannot gain children of its own (asked with its owner's signature)
    String other = create(appA, TestKeys.p256());
    Reply deepen = signed("PATCH", "/v1/key_quorums/" + child, "{\"key_quorum_ids\":[\"" + other
        + "\"]}", appA, childKey);
    assertRefused(deepen, "key_quorum_ids");
  }

  // ---------------------------------------------------------------------------------- read

  @Test
  void anotherAppsQuorumIsAsAbsentAsANonexistentOne() throws Exception {
    Key k = Key.fresh();
    String id = create(appA, k);
    Reply other = call("GET", "/v1/key_quorums/" + id, null, appB);
    Reply none = call("GET", "/v1/key_quorums/" + Ids.random(RANDOM), null, appA);
    assertError(other, 404, "key_quorum_not_found");
    assertError(none, 404, "key_quorum_not_found");
    assertEquals(none.body, other.body);
    assertError(call("GET", "/v1/key_quorums/BAD%20ID", null, appA), 404, "key_quorum_not_found");
    // not found comes before any authorization: unsigned, and signed by the quorum's own key
    assertError(call("PATCH", "/v1/key_quorums/" + id, "{\"display_name\":\"x\"}", appB), 404,
        "key_quorum_not_found");
    assertError(call("DELETE", "/v1/key_quorums/" + id, null, appB), 404, "key_quorum_not_found");
    assertError(signed("PATCH", "/v1/key_quorums/" + id, "{\"display_name\":\"x\"}", appB, k), 404,
        "key_quorum_not_found");
    assertError(signed("DELETE", "/v1/key_quorums/" + id, null, appB, k), 404,
        "key_quorum_not_found");
    assertEquals(0, audit(appB, "key_quorum.update").size() + audit(appB, "key_quorum.delete").size(),
        "nothing is recorded about a quorum that is not found");
    assertTrue(call("GET", "/v1/key_quorums/" + id, null, appA).json().get("display_name").isNull());
  }

  // -------------------------------------------------------------------------------- update

  @Test
  void anUpdateIsAuthorizedByTheQuorumItselfThenReplacesWhatItNames() throws Exception {
    Key k1 = Key.fresh();
    String id = create(appA, k1);
    Key k2 = Key.fresh();
    String path = "/v1/key_quorums/" + id;
    String body = "{\"public_keys\":[\"" + k1.publicKey() + "\",\"" + k2.publicKey()
        + "\"],\"authorization_threshold\":2}";
    // the owner asked is the quorum as it was: k1 alone, 1 of 1
    Reply r = signed("PATCH", path, body, appA, k1);
    assertEquals(200, r.status, r.body);
    assertEquals(2, r.json().get("authorization_threshold").asInt());
    assertEquals(2, r.json().get("authorization_keys").size());

    // the next change is asked of the quorum as it now is: 2 of {k1, k2}
    String rename = "{\"display_name\":\"renamed\"}";
    assertError(signed("PATCH", path, rename, appA, k1), 401, "insufficient_signatures");
    assertError(signed("PATCH", path, rename, appA, k2), 401, "insufficient_signatures");
    Reply renamed = signed("PATCH", path, rename, appA, k2, k1);
    assertEquals(200, renamed.status, renamed.body);
    assertEquals("renamed", renamed.json().get("display_name").asText());
    assertEquals(2, renamed.json().get("authorization_keys").size(), "absent fields are kept");
    assertTrue(audit(appA, "key_quorum.update").stream().anyMatch(a -> a.detail().contains(id)
        && "succeeded".equals(a.outcome())));

    assertRefused(signed("PATCH", path, "{}", appA, k1, k2), "at least one field");
    assertRefused(signed("PATCH", path, "{\"authorization_threshold\":3}", appA, k1, k2),
        "authorization_threshold");
    assertRefused(signed("PATCH", path, "{\"public_keys\":[]}", appA, k1, k2), "member");
  }

  @Test
  void aSignedChangeIsAppliedOnceAndItsReplayIsRefused() throws Exception {
    Key k1 = Key.fresh();
    Key k2 = Key.fresh();
    String id = create(appA, k1);
    String path = "/v1/key_quorums/" + id;
    // add k2, then remove it again; replaying the signed "add k2" must not bring it back
    String add = "{\"public_keys\":[\"" + k1.publicKey() + "\",\"" + k2.publicKey()
        + "\"],\"authorization_threshold\":1}";
    String[] addHeaders = headers("PATCH", path, add, appA, System.currentTimeMillis() + 60_000, k1);
    Reply added = call("PATCH", path, add, appA, addHeaders);
    assertEquals(200, added.status, added.body);
    String remove = "{\"public_keys\":[\"" + k1.publicKey() + "\"]}";
    assertEquals(200, signed("PATCH", path, remove, appA, k1).status);
    assertError(call("PATCH", path, add, appA, addHeaders), 401, "authorization_replayed");
    assertEquals(1, call("GET", path, null, appA).json().get("authorization_keys").size());
    assertTrue(rejections(appA, "key_quorum.update", id).contains("authorization_replayed"));
  }

  @Test
  void refusedAuthorizationsAreTypedAuditedAndChangeNothing() throws Exception {
    Key a = Key.fresh();
    Key b = Key.fresh();
    Key c = Key.fresh();
    String id = createBody(appA, "{\"public_keys\":[\"" + a.publicKey() + "\",\"" + b.publicKey()
        + "\",\"" + c.publicKey() + "\"],\"authorization_threshold\":2}");
    String path = "/v1/key_quorums/" + id;
    JsonNode before = call("GET", path, null, appA).json();
    String body = "{\"display_name\":\"stolen\",\"authorization_threshold\":1}";
    long now = System.currentTimeMillis();

    assertError(call("PATCH", path, body, appA), 401, "missing_authorization_signature");
    assertError(call("PATCH", path, body, appA, "privy-authorization-signature", "",
        "privy-request-expiry", Long.toString(now + 60_000), "privy-app-id", appA.app().id()),
        401, "missing_authorization_signature");
    // signatures by keys that are not members
    assertError(signed("PATCH", path, body, appA, Key.fresh(), Key.fresh()), 401,
        "invalid_authorization_signature");
    // members' signatures over another body than the one sent
    assertError(call("PATCH", path, body, appA, headers("PATCH", path,
        "{\"display_name\":\"harmless\"}", appA, now + 60_000, a, b)), 401,
        "invalid_authorization_signature");
    // members' signatures for another URL, method or app
    assertError(call("PATCH", path, body, appA, headers("PATCH",
        "http://api.example.com" + path, body, appA.app().id(), now + 60_000, a, b)), 401,
        "invalid_authorization_signature");
    assertError(call("PATCH", path, body, appA, headers("POST", path, body, appA, now + 60_000, a, b)),
        401, "invalid_authorization_signature");
    // signed for another app: the app filter refuses the privy-app-id header before anything
    // else (not audited here); signed for no app id and sent without the header: the owner check
    // compares with the authenticated app
    assertError(call("PATCH", path, body, appA, headers("PATCH", url(path), body, appB.app().id(),
        now + 60_000, a, b)), 401, "unauthorized");
    String[] noAppId = Arrays.copyOf(headers("PATCH", path, body, "", now + 60_000, a, b), 4);
    assertError(call("PATCH", path, body, appA, noAppId), 401, "invalid_authorization_signature");
    // expired (beyond the minute of allowed skew)
    assertError(call("PATCH", path, body, appA, headers("PATCH", path, body, appA, now - 120_000, a, b)),
        401, "request_expired");
    // one member of the two needed
    assertError(signed("PATCH", path, body, appA, a), 401, "insufficient_signatures");
    assertError(signed("PATCH", path, body, appA, c, c), 401, "insufficient_signatures");
    assertError(signed("PATCH", path, body, appA, c, Key.fresh()), 401, "insufficient_signatures");

    assertError(call("DELETE", path, null, appA), 401, "missing_authorization_signature");
    assertError(signed("DELETE", path, null, appA, Key.fresh()), 401,
        "invalid_authorization_signature");
    assertError(call("DELETE", path, null, appA, headers("DELETE", path, null, appA, now - 120_000,
        a, b)), 401, "request_expired");
    assertError(signed("DELETE", path, null, appA, b), 401, "insufficient_signatures");

    assertEquals(before, call("GET", path, null, appA).json(), "nothing changed");
    assertEquals(List.of("insufficient_signatures", "insufficient_signatures",
        "insufficient_signatures", "invalid_authorization_signature",
        "invalid_authorization_signature", "invalid_authorization_signature",
        "invalid_authorization_signature", "invalid_authorization_signature",
        "missing_authorization_signature", "missing_authorization_signature", "request_expired"),
        rejections(appA, "key_quorum.update", id));
    assertEquals(List.of("insufficient_signatures", "invalid_authorization_signature",
        "missing_authorization_signature", "request_expired"),
        rejections(appA, "key_quorum.delete", id));
    assertEquals(0, audit(appA, "key_quorum.update").stream()
        .filter(r -> r.detail().contains(id) && "succeeded".equals(r.outcome())).count());

    // the members' signatures still do what they sign
    Reply ok = signed("PATCH", path, body, appA, c, a);
    assertEquals(200, ok.status, ok.body);
    assertEquals("stolen", ok.json().get("display_name").asText());
    assertEquals(200, signed("DELETE", path, null, appA, b).status, "now 1 of 3");
  }

  @Test
  void changingANestedQuorumChangesWhatItsParentNeedsToBeChanged() throws Exception {
    Key oldKey = Key.fresh();
    String child = create(appA, oldKey);
    String parent = createBody(appA, "{\"key_quorum_ids\":[\"" + child + "\"]}");
    // the parent is governed through its member, the child quorum
    assertEquals(200, signed("PATCH", "/v1/key_quorums/" + parent, "{\"display_name\":\"p\"}",
        appA, oldKey).status);
    Key newKey = Key.fresh();
    assertEquals(200, signed("PATCH", "/v1/key_quorums/" + child, "{\"public_keys\":[\""
        + newKey.publicKey() + "\"]}", appA, oldKey).status);
    assertError(signed("PATCH", "/v1/key_quorums/" + parent, "{\"display_name\":\"q\"}", appA,
        oldKey), 401, "invalid_authorization_signature");
    Reply r = signed("PATCH", "/v1/key_quorums/" + parent, "{\"display_name\":\"q\"}", appA, newKey);
    assertEquals(200, r.status, r.body);
    assertEquals("q", r.json().get("display_name").asText());
  }

  // -------------------------------------------------------------------------------- delete

  @Test
  void aDeletedQuorumIsGoneAndTheDeletionIsAudited() throws Exception {
    Key k = Key.fresh();
    String id = create(appA, k);
    Reply r = signed("DELETE", "/v1/key_quorums/" + id, null, appA, k);
    assertEquals(200, r.status, r.body);
    assertTrue(r.json().get("success").asBoolean());
    assertError(call("GET", "/v1/key_quorums/" + id, null, appA), 404, "key_quorum_not_found");
    assertEquals(1, audit(appA, "key_quorum.delete").stream()
        .filter(a -> a.detail().contains(id) && "succeeded".equals(a.outcome())).count());
    // a replay finds nothing to delete
    assertError(signed("DELETE", "/v1/key_quorums/" + id, null, appA, k), 404,
        "key_quorum_not_found");
  }

  @Test
  void aQuorumNestedInAnotherCannotBeDeleted() throws Exception {
    Key k = Key.fresh();
    String child = create(appA, k);
    createBody(appA, "{\"key_quorum_ids\":[\"" + child + "\"]}");
    Reply r = signed("DELETE", "/v1/key_quorums/" + child, null, appA, k);
    assertError(r, 409, "key_quorum_in_use");
    assertTrue(r.json().get("error").asText().contains("nested"));
  }

  @Test
  void aQuorumThatOwnsOrSignsForAWalletCannotBeDeletedAndTheWalletShowsIt() throws Exception {
    Key ownerKey = Key.fresh();
    Key signerKey = Key.fresh();
    String owner = create(appA, ownerKey);
    String signer = create(appA, signerKey);
    Wallet w = insertWallet(appA, new WalletOwnership(owner,
        List.of(new WalletOwnership.Signer(signer, List.of())), List.of()));
    assertError(signed("DELETE", "/v1/key_quorums/" + owner, null, appA, ownerKey), 409,
        "key_quorum_in_use");
    assertError(signed("DELETE", "/v1/key_quorums/" + signer, null, appA, signerKey), 409,
        "key_quorum_in_use");

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

  private static String create(CreatedApp app, Key key) throws Exception {
    return createBody(app, keys(key.publicKey()));
  }

  /** The URL the client calls, as it signs it. */
  private static String url(String path) {
    return "http://127.0.0.1:" + APP.getLocalPort() + path;
  }

  /**
   * The Privy headers of a request signed by {@code keys} as the SDK signs it: {@code url} is a
   * path (signed as {@link #url}) or a full URL; {@code body} null for none.
   */
  private static String[] headers(String method, String url, String body, String appId,
      long expiryMillis, Key... keys) {
    String signedUrl = url.startsWith("/") ? url(url) : url;
    String expiry = Long.toString(expiryMillis);
    String signatures = Arrays.stream(keys).map(k -> k.signer().signRequest(method, signedUrl,
        body == null ? "" : body, appId, null, expiry)).collect(Collectors.joining(","));
    return new String[] {"privy-authorization-signature", signatures,
        "privy-request-expiry", expiry, "privy-app-id", appId};
  }

  private static String[] headers(String method, String url, String body, CreatedApp app,
      long expiryMillis, Key... keys) {
    return headers(method, url, body, app.app().id(), expiryMillis, keys);
  }

  /** The request as a client sends it, signed by {@code keys}, expiring in a minute. */
  private static Reply signed(String method, String path, String body, CreatedApp app, Key... keys)
      throws Exception {
    return call(method, path, body, app,
        headers(method, path, body, app, System.currentTimeMillis() + 60_000, keys));
  }

  /** The error codes of the rejected {@code action}s of quorum {@code id}, sorted. */
  private static List<String> rejections(CreatedApp app, String action, String id) {
    return audit(app, action).stream()
        .filter(r -> r.detail().contains(id) && "rejected".equals(r.outcome()))
        .map(AuditRow::errorCode).sorted().toList();
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
