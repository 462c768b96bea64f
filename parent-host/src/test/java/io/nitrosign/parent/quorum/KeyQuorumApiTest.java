package io.nitrosign.parent.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.ParentHostApplication;
import io.nitrosign.parent.ParentHostConfiguration;
import io.nitrosign.parent.TestApi.Key;
import io.nitrosign.parent.TestApi.Reply;
import io.nitrosign.parent.TestApi;
import io.nitrosign.parent.TestApp;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.parent.wallet.WalletOwnership;
import io.nitrosign.parent.wallet.WalletOwnershipStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private static Jdbi jdbi;
  private static TestApi api;
  private static CreatedApp appA;
  private static CreatedApp appB;

  @BeforeAll
  static void createApps() {
    jdbi = Jdbi.create(DB.superuser());
    api = new TestApi(APP, jdbi);
    AppManager apps = new AppManager(jdbi, RANDOM, Clock.systemUTC(), JSON);
    appA = apps.create("app a", false);
    appB = apps.create("app b", false);
  }

  // ---------------------------------------------------------------------------------- create

  @Test
  void aQuorumOfTwoKeysIsCreatedAndReadBackAsPrivyShowsIt() throws Exception {
    String k1 = TestKeys.p256WithLineBreak();
    String k2 = TestKeys.p256();
    Reply r = api.call("POST", "/v1/key_quorums", "{\"display_name\":\"Prod key quorum\","
        + "\"authorization_threshold\":2,\"public_keys\":[" + JSON.writeValueAsString(k1) + ","
        + JSON.writeValueAsString(k2) + "]}", appA);
    assertEquals(200, r.status(), r.body());
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

    Reply got = api.call("GET", "/v1/key_quorums/" + id, null, appA);
    assertEquals(200, got.status(), got.body());
    assertEquals(q, got.json());
    assertEquals(1, api.audit(appA, "key_quorum.create").stream()
        .filter(a -> a.detail().contains(id)).count());
  }

  @Test
  void theThresholdDefaultsToEveryMember() throws Exception {
    Reply r = api.call("POST", "/v1/key_quorums", keys(TestKeys.p256(), TestKeys.p256(),
        TestKeys.p256()), appA);
    assertEquals(200, r.status(), r.body());
    assertEquals(3, r.json().get("authorization_threshold").asInt());
    assertTrue(r.json().get("display_name").isNull());
  }

  @Test
  void aKeyOnAnotherCurveIsRefusedNamingItsIndex() throws Exception {
    String p384 = Base64.getEncoder().encodeToString(TestKeys.spki("secp384r1"));
    Reply r = api.call("POST", "/v1/key_quorums", keys(TestKeys.p256(), p384), appA);
    assertError(r, 400, "invalid_request");
    assertEquals("public_keys[1] is not a P-256 public key (base64 DER SubjectPublicKeyInfo)",
        r.json().get("error").asText());
    assertError(api.call("POST", "/v1/key_quorums", keys("not base64!"), appA), 400, "invalid_request");
    assertError(api.call("POST", "/v1/key_quorums", keys(Base64.getEncoder().encodeToString(
        new byte[91])), appA), 400, "invalid_request");
    String ed25519 = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=";
    assertError(api.call("POST", "/v1/key_quorums", keys(ed25519), appA), 400, "invalid_request");
  }

  @Test
  void badBodiesAreRefusedWithTheFieldNamed() throws Exception {
    String k = TestKeys.p256();
    assertRefused(api.call("POST", "/v1/key_quorums", "{}", appA), "public_keys");
    assertRefused(api.call("POST", "/v1/key_quorums", "{\"public_keys\":[]}", appA), "public_keys");
    assertRefused(api.call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\"],"
        + "\"authorization_threshold\":2}", appA), "authorization_threshold");
    assertRefused(api.call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\"],"
        + "\"authorization_threshold\":0}", appA), "authorization_threshold");
    assertRefused(api.call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\"],"
        + "\"authorization_threshold\":1.5}", appA), "authorization_threshold");
    assertRefused(api.call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\",\"" + k
        + "\"]}", appA), "public_keys[1]");
    assertRefused(api.call("POST", "/v1/key_quorums", "{\"public_keys\":\"" + k + "\"}", appA),
        "public_keys");
    assertRefused(api.call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\"],"
        + "\"display_name\":\"" + "x".repeat(51) + "\"}", appA), "display_name");
    assertRefused(api.call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + k + "\"],"
        + "\"owner\":{}}", appA), "owner");
    // user members need the app's JWT issuer (UserApiTest covers users that exist)
    Reply users = api.call("POST", "/v1/key_quorums", "{\"user_ids\":[\"did:privy:abc\"]}", appA);
    assertEquals(400, users.status());
    assertEquals("jwt_not_configured", users.json().get("code").asText());
    assertTrue(users.json().get("error").asText().contains("user_ids"));
    StringBuilder many = new StringBuilder("{\"public_keys\":[");
    for (int i = 0; i < 33; i++) {
      many.append(i == 0 ? "" : ",").append('"').append(TestKeys.p256()).append('"');
    }
    assertRefused(api.call("POST", "/v1/key_quorums", many + "]}", appA), "public_keys");
    assertEquals(0, api.audit(appB, "key_quorum.create").size());
  }

  @Test
  void thirtyTwoKeysAreAllowed() throws Exception {
    String[] ks = new String[32];
    for (int i = 0; i < ks.length; i++) {
      ks[i] = TestKeys.p256();
    }
    Reply r = api.call("POST", "/v1/key_quorums", keys(ks), appA);
    assertEquals(200, r.status(), r.body());
    assertEquals(32, r.json().get("authorization_keys").size());
  }

  // ------------------------------------------------------------------------------ nesting

  @Test
  void quorumsNestOneLevelDeepWithinTheSameApp() throws Exception {
    Key childKey = Key.fresh();
    String child = create(appA, childKey);
    Reply parent = api.call("POST", "/v1/key_quorums", "{\"public_keys\":[\"" + TestKeys.p256()
        + "\"],\"key_quorum_ids\":[\"" + child + "\"],\"authorization_threshold\":2}", appA);
    assertEquals(200, parent.status(), parent.body());
    assertEquals(child, parent.json().get("key_quorum_ids").get(0).asText());
    String parentId = parent.json().get("id").asText();

    Reply grand = api.call("POST", "/v1/key_quorums", "{\"key_quorum_ids\":[\"" + parentId + "\"]}", appA);
    assertRefused(grand, "key_quorum_ids[0]");
    assertTrue(grand.json().get("error").asText().contains("one level"));

    assertError(api.call("POST", "/v1/key_quorums", "{\"key_quorum_ids\":[\"" + child + "\"]}", appB),
        404, "key_quorum_not_found");
    assertError(api.call("POST", "/v1/key_quorums", "{\"key_quorum_ids\":[\"" + Ids.random(RANDOM)
        + "\"]}", appA), 404, "key_quorum_not_found");

    // a nested quorum cannot gain children of its own (asked with its owner's signature)
    String other = create(appA, TestKeys.p256());
    Reply deepen = api.signed("PATCH", "/v1/key_quorums/" + child, "{\"key_quorum_ids\":[\"" + other
        + "\"]}", appA, childKey);
    assertRefused(deepen, "key_quorum_ids");
  }

  // ---------------------------------------------------------------------------------- read

  @Test
  void anotherAppsQuorumIsAsAbsentAsANonexistentOne() throws Exception {
    Key k = Key.fresh();
    String id = create(appA, k);
    Reply other = api.call("GET", "/v1/key_quorums/" + id, null, appB);
    Reply none = api.call("GET", "/v1/key_quorums/" + Ids.random(RANDOM), null, appA);
    assertError(other, 404, "key_quorum_not_found");
    assertError(none, 404, "key_quorum_not_found");
    assertEquals(none.body(), other.body());
    assertError(api.call("GET", "/v1/key_quorums/BAD%20ID", null, appA), 404, "key_quorum_not_found");
    // not found comes before any authorization: unsigned, and signed by the quorum's own key
    assertError(api.call("PATCH", "/v1/key_quorums/" + id, "{\"display_name\":\"x\"}", appB), 404,
        "key_quorum_not_found");
    assertError(api.call("DELETE", "/v1/key_quorums/" + id, null, appB), 404, "key_quorum_not_found");
    assertError(api.signed("PATCH", "/v1/key_quorums/" + id, "{\"display_name\":\"x\"}", appB, k), 404,
        "key_quorum_not_found");
    assertError(api.signed("DELETE", "/v1/key_quorums/" + id, null, appB, k), 404,
        "key_quorum_not_found");
    assertEquals(0, api.audit(appB, "key_quorum.update").size() + api.audit(appB, "key_quorum.delete").size(),
        "nothing is recorded about a quorum that is not found");
    assertTrue(api.call("GET", "/v1/key_quorums/" + id, null, appA).json().get("display_name").isNull());
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
    Reply r = api.signed("PATCH", path, body, appA, k1);
    assertEquals(200, r.status(), r.body());
    assertEquals(2, r.json().get("authorization_threshold").asInt());
    assertEquals(2, r.json().get("authorization_keys").size());

    // the next change is asked of the quorum as it now is: 2 of {k1, k2}
    String rename = "{\"display_name\":\"renamed\"}";
    assertError(api.signed("PATCH", path, rename, appA, k1), 401, "insufficient_signatures");
    assertError(api.signed("PATCH", path, rename, appA, k2), 401, "insufficient_signatures");
    Reply renamed = api.signed("PATCH", path, rename, appA, k2, k1);
    assertEquals(200, renamed.status(), renamed.body());
    assertEquals("renamed", renamed.json().get("display_name").asText());
    assertEquals(2, renamed.json().get("authorization_keys").size(), "absent fields are kept");
    assertTrue(api.audit(appA, "key_quorum.update").stream().anyMatch(a -> a.detail().contains(id)
        && "succeeded".equals(a.outcome())));

    assertRefused(api.signed("PATCH", path, "{}", appA, k1, k2), "at least one field");
    assertRefused(api.signed("PATCH", path, "{\"authorization_threshold\":3}", appA, k1, k2),
        "authorization_threshold");
    assertRefused(api.signed("PATCH", path, "{\"public_keys\":[]}", appA, k1, k2), "member");
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
    String[] addHeaders = api.headers("PATCH", path, add, appA, System.currentTimeMillis() + 60_000, k1);
    Reply added = api.call("PATCH", path, add, appA, addHeaders);
    assertEquals(200, added.status(), added.body());
    String remove = "{\"public_keys\":[\"" + k1.publicKey() + "\"]}";
    assertEquals(200, api.signed("PATCH", path, remove, appA, k1).status());
    assertError(api.call("PATCH", path, add, appA, addHeaders), 401, "authorization_replayed");
    assertEquals(1, api.call("GET", path, null, appA).json().get("authorization_keys").size());
    assertTrue(api.rejections(appA, "key_quorum.update", id).contains("authorization_replayed"));
  }

  @Test
  void refusedAuthorizationsAreTypedAuditedAndChangeNothing() throws Exception {
    Key a = Key.fresh();
    Key b = Key.fresh();
    Key c = Key.fresh();
    String id = createBody(appA, "{\"public_keys\":[\"" + a.publicKey() + "\",\"" + b.publicKey()
        + "\",\"" + c.publicKey() + "\"],\"authorization_threshold\":2}");
    String path = "/v1/key_quorums/" + id;
    JsonNode before = api.call("GET", path, null, appA).json();
    String body = "{\"display_name\":\"stolen\",\"authorization_threshold\":1}";
    long now = System.currentTimeMillis();

    assertError(api.call("PATCH", path, body, appA), 401, "missing_authorization_signature");
    assertError(api.call("PATCH", path, body, appA, "privy-authorization-signature", "",
        "privy-request-expiry", Long.toString(now + 60_000), "privy-app-id", appA.app().id()),
        401, "missing_authorization_signature");
    // signatures by keys that are not members
    assertError(api.signed("PATCH", path, body, appA, Key.fresh(), Key.fresh()), 401,
        "invalid_authorization_signature");
    // members' signatures over another body than the one sent
    assertError(api.call("PATCH", path, body, appA, api.headers("PATCH", path,
        "{\"display_name\":\"harmless\"}", appA, now + 60_000, a, b)), 401,
        "invalid_authorization_signature");
    // members' signatures for another URL, method or app
    assertError(api.call("PATCH", path, body, appA, api.headers("PATCH",
        "http://api.example.com" + path, body, appA.app().id(), now + 60_000, a, b)), 401,
        "invalid_authorization_signature");
    assertError(api.call("PATCH", path, body, appA, api.headers("POST", path, body, appA, now + 60_000, a, b)),
        401, "invalid_authorization_signature");
    // signed for another app: the app filter refuses the privy-app-id header before anything
    // else (not audited here); signed for no app id and sent without the header: the owner check
    // compares with the authenticated app
    assertError(api.call("PATCH", path, body, appA, api.headers("PATCH", api.url(path), body, appB.app().id(),
        now + 60_000, a, b)), 401, "unauthorized");
    String[] noAppId = Arrays.copyOf(api.headers("PATCH", path, body, "", now + 60_000, a, b), 4);
    assertError(api.call("PATCH", path, body, appA, noAppId), 401, "invalid_authorization_signature");
    // expired (beyond the minute of allowed skew)
    assertError(api.call("PATCH", path, body, appA, api.headers("PATCH", path, body, appA, now - 120_000, a, b)),
        401, "request_expired");
    // one member of the two needed
    assertError(api.signed("PATCH", path, body, appA, a), 401, "insufficient_signatures");
    assertError(api.signed("PATCH", path, body, appA, c, c), 401, "insufficient_signatures");
    assertError(api.signed("PATCH", path, body, appA, c, Key.fresh()), 401, "insufficient_signatures");

    assertError(api.call("DELETE", path, null, appA), 401, "missing_authorization_signature");
    assertError(api.signed("DELETE", path, null, appA, Key.fresh()), 401,
        "invalid_authorization_signature");
    assertError(api.call("DELETE", path, null, appA, api.headers("DELETE", path, null, appA, now - 120_000,
        a, b)), 401, "request_expired");
    assertError(api.signed("DELETE", path, null, appA, b), 401, "insufficient_signatures");

    assertEquals(before, api.call("GET", path, null, appA).json(), "nothing changed");
    assertEquals(List.of("insufficient_signatures", "insufficient_signatures",
        "insufficient_signatures", "invalid_authorization_signature",
        "invalid_authorization_signature", "invalid_authorization_signature",
        "invalid_authorization_signature", "invalid_authorization_signature",
        "missing_authorization_signature", "missing_authorization_signature", "request_expired"),
        api.rejections(appA, "key_quorum.update", id));
    assertEquals(List.of("insufficient_signatures", "invalid_authorization_signature",
        "missing_authorization_signature", "request_expired"),
        api.rejections(appA, "key_quorum.delete", id));
    assertEquals(0, api.audit(appA, "key_quorum.update").stream()
        .filter(r -> r.detail().contains(id) && "succeeded".equals(r.outcome())).count());

    // the members' signatures still do what they sign
    Reply ok = api.signed("PATCH", path, body, appA, c, a);
    assertEquals(200, ok.status(), ok.body());
    assertEquals("stolen", ok.json().get("display_name").asText());
    assertEquals(200, api.signed("DELETE", path, null, appA, b).status(), "now 1 of 3");
  }

  @Test
  void changingANestedQuorumChangesWhatItsParentNeedsToBeChanged() throws Exception {
    Key oldKey = Key.fresh();
    String child = create(appA, oldKey);
    String parent = createBody(appA, "{\"key_quorum_ids\":[\"" + child + "\"]}");
    // the parent is governed through its member, the child quorum
    assertEquals(200, api.signed("PATCH", "/v1/key_quorums/" + parent, "{\"display_name\":\"p\"}",
        appA, oldKey).status());
    Key newKey = Key.fresh();
    assertEquals(200, api.signed("PATCH", "/v1/key_quorums/" + child, "{\"public_keys\":[\""
        + newKey.publicKey() + "\"]}", appA, oldKey).status());
    assertError(api.signed("PATCH", "/v1/key_quorums/" + parent, "{\"display_name\":\"q\"}", appA,
        oldKey), 401, "invalid_authorization_signature");
    Reply r = api.signed("PATCH", "/v1/key_quorums/" + parent, "{\"display_name\":\"q\"}", appA, newKey);
    assertEquals(200, r.status(), r.body());
    assertEquals("q", r.json().get("display_name").asText());
  }

  // -------------------------------------------------------------------------------- delete

  @Test
  void aDeletedQuorumIsGoneAndTheDeletionIsAudited() throws Exception {
    Key k = Key.fresh();
    String id = create(appA, k);
    Reply r = api.signed("DELETE", "/v1/key_quorums/" + id, null, appA, k);
    assertEquals(200, r.status(), r.body());
    assertTrue(r.json().get("success").asBoolean());
    assertError(api.call("GET", "/v1/key_quorums/" + id, null, appA), 404, "key_quorum_not_found");
    assertEquals(1, api.audit(appA, "key_quorum.delete").stream()
        .filter(a -> a.detail().contains(id) && "succeeded".equals(a.outcome())).count());
    // a replay finds nothing to delete
    assertError(api.signed("DELETE", "/v1/key_quorums/" + id, null, appA, k), 404,
        "key_quorum_not_found");
  }

  @Test
  void aQuorumNestedInAnotherCannotBeDeleted() throws Exception {
    Key k = Key.fresh();
    String child = create(appA, k);
    createBody(appA, "{\"key_quorum_ids\":[\"" + child + "\"]}");
    Reply r = api.signed("DELETE", "/v1/key_quorums/" + child, null, appA, k);
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
    assertError(api.signed("DELETE", "/v1/key_quorums/" + owner, null, appA, ownerKey), 409,
        "key_quorum_in_use");
    assertError(api.signed("DELETE", "/v1/key_quorums/" + signer, null, appA, signerKey), 409,
        "key_quorum_in_use");

    Reply got = api.call("GET", "/v1/wallets/" + w.id(), null, appA);
    assertEquals(200, got.status(), got.body());
    assertEquals(owner, got.json().get("owner_id").asText());
    assertEquals(signer, got.json().get("additional_signers").get(0).get("signer_id").asText());
    assertEquals(0, got.json().get("additional_signers").get(0).get("override_policy_ids").size());
    assertEquals(0, got.json().get("policy_ids").size());
    JsonNode listed = api.call("GET", "/v1/wallets", null, appA).json().get("data");
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

  private static String createBody(CreatedApp app, String body) throws Exception {
    Reply r = api.call("POST", "/v1/key_quorums", body, app);
    assertEquals(200, r.status(), r.body());
    return r.json().get("id").asText();
  }

  private static Wallet insertWallet(CreatedApp app, WalletOwnership ownership) {
    return jdbi.inTransaction(h -> {
      Wallet w = TestApi.insertWallet(h, app.app().id(), Wallet.CHAIN_ETHEREUM, null);
      new WalletOwnershipStore(h).save(w.id(), ownership);
      return w;
    });
  }

  private static void assertRefused(Reply r, String named) throws Exception {
    assertError(r, 400, "invalid_request");
    assertTrue(r.json().get("error").asText().contains(named), r.body());
  }

  private static void assertError(Reply r, int status, String code) throws Exception {
    assertEquals(status, r.status(), r.body());
    JsonNode j = r.json();
    assertEquals(code, j.get("code").asText(), r.body());
    assertNotNull(j.get("error"));
    Set<String> names = new HashSet<>();
    j.fieldNames().forEachRemaining(names::add);
    assertEquals(Set.of("error", "code"), names, r.body());
    assertFalse(r.body().contains("Exception"), r.body());
  }
}
