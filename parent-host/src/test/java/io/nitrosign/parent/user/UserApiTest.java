package io.nitrosign.parent.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.parent.Ids;
import io.nitrosign.parent.ParentHostApplication;
import io.nitrosign.parent.ParentHostConfiguration;
import io.nitrosign.parent.TestApi;
import io.nitrosign.parent.TestApi.Reply;
import io.nitrosign.parent.TestApp;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.quorum.TestKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * /v1/users and the parent's side of users as key quorum members and of
 * /v1/wallets/authenticate, with a real database and app (no enclave: the JWT itself is checked
 * only by the enclave, see UserSessionAuthorizationTest and the devkit's SDK test).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class UserApiTest {

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ISSUER = "https://issuer.test";

  private static Jdbi jdbi;
  private static TestApi api;
  private static CreatedApp appA;
  private static CreatedApp appB;
  private static CreatedApp noIssuer;

  @BeforeAll
  static void createApps() {
    jdbi = Jdbi.create(DB.superuser());
    api = new TestApi(APP, jdbi);
    AppManager apps = new AppManager(jdbi, RANDOM, Clock.systemUTC(), JSON);
    appA = apps.create("app a", false);
    appB = apps.create("app b", false);
    noIssuer = apps.create("no issuer", false);
    jdbi.useTransaction(h -> {
      new UserStore(h).setAppIssuer(appA.app().id(), ISSUER, Instant.now());
      new UserStore(h).setAppIssuer(appB.app().id(), ISSUER, Instant.now());
    });
  }

  private static String user(String sub) {
    return "{\"linked_accounts\":[{\"type\":\"custom_auth\",\"custom_user_id\":\"" + sub + "\"}]}";
  }

  @Test
  void aUserIsCreatedReadListedFoundAndDeletedInPrivysShape() throws Exception {
    Reply r = api.call("POST", "/v1/users", user("alice-1"), appA);
    assertEquals(200, r.status(), r.body());
    JsonNode u = r.json();
    String id = u.get("id").asText();
    assertTrue(Ids.plausible(id));
    assertEquals("custom_auth", u.get("linked_accounts").get(0).get("type").asText());
    assertEquals("alice-1", u.get("linked_accounts").get(0).get("custom_user_id").asText());
    assertTrue(u.get("linked_accounts").get(0).get("latest_verified_at").isNull());
    assertEquals(false, u.get("is_guest").asBoolean());
    assertTrue(u.get("mfa_methods").isArray());
    long created = u.get("created_at").asLong();
    assertTrue(Math.abs(created - Instant.now().getEpochSecond()) < 60, "created_at in seconds");

    assertEquals(r.body(), api.call("GET", "/v1/users/" + id, null, appA).body());
    assertEquals(id, api.call("POST", "/v1/users/custom_auth/id",
        "{\"custom_user_id\":\"alice-1\"}", appA).json().get("id").asText());
    boolean listed = false;
    for (JsonNode n : api.call("GET", "/v1/users?limit=100", null, appA).json().get("data")) {
      listed |= n.get("id").asText().equals(id);
    }
    assertTrue(listed);
    // another app does not see it
    assertEquals(404, api.call("GET", "/v1/users/" + id, null, appB).status());
    assertEquals("user_not_found",
        api.call("GET", "/v1/users/" + id, null, appB).json().get("code").asText());
    // one custom_user_id per app; another app may use the same one
    Reply dup = api.call("POST", "/v1/users", user("alice-1"), appA);
    assertEquals(409, dup.status());
    assertEquals("user_exists", dup.json().get("code").asText());
    assertEquals(200, api.call("POST", "/v1/users", user("alice-1"), appB).status());

    Reply deleted = api.call("DELETE", "/v1/users/" + id, null, appA);
    assertEquals(200, deleted.status());
    assertTrue(deleted.json().get("success").asBoolean());
    assertEquals(404, api.call("GET", "/v1/users/" + id, null, appA).status());
    assertEquals(1, api.audit(appA, "user.create").size() >= 1 ? 1 : 0);
  }

  @Test
  void badUserBodiesAreRefusedWithTheFieldNamed() throws Exception {
    Reply email = api.call("POST", "/v1/users",
        "{\"linked_accounts\":[{\"type\":\"email\",\"address\":\"a@b.c\"}]}", appA);
    assertEquals(400, email.status());
    assertTrue(email.json().get("error").asText().contains("linked_accounts[0]"), email.body());
    assertEquals(400, api.call("POST", "/v1/users", "{\"linked_accounts\":[]}", appA).status());
    assertEquals(400, api.call("POST", "/v1/users", "{\"linked_accounts\":[{\"type\":"
        + "\"custom_auth\",\"custom_user_id\":\"\"}]}", appA).status());
    assertEquals(400, api.call("POST", "/v1/users", user("x") .replace("}]}", "}],\"bogus\":1}"),
        appA).status());
  }

  @Test
  void usersAreKeyQuorumMembersAndCannotBeDeletedWhileTheyAre() throws Exception {
    String id = api.call("POST", "/v1/users", user("carol"), appA).json().get("id").asText();
    Reply q = api.call("POST", "/v1/key_quorums", "{\"user_ids\":[\"" + id + "\"],"
        + "\"public_keys\":[" + JSON.writeValueAsString(TestKeys.p256()) + "],"
        + "\"authorization_threshold\":2}", appA);
    assertEquals(200, q.status(), q.body());
    assertEquals(id, q.json().get("user_ids").get(0).asText());
    assertEquals(2, q.json().get("authorization_threshold").asInt());
    String quorumId = q.json().get("id").asText();
    assertEquals(id, api.call("GET", "/v1/key_quorums/" + quorumId, null, appA).json()
        .get("user_ids").get(0).asText());

    Reply inUse = api.call("DELETE", "/v1/users/" + id, null, appA);
    assertEquals(409, inUse.status());
    assertEquals("user_in_use", inUse.json().get("code").asText());

    // another app's user is unknown; a threshold above users + keys is refused
    String otherAppsUser = api.call("POST", "/v1/users", user("dave"), appB).json().get("id")
        .asText();
    Reply foreign = api.call("POST", "/v1/key_quorums", "{\"user_ids\":[\"" + otherAppsUser
        + "\"]}", appA);
    assertEquals(404, foreign.status());
    assertEquals("user_not_found", foreign.json().get("code").asText());
    assertEquals(400, api.call("POST", "/v1/key_quorums", "{\"user_ids\":[\"" + id + "\"],"
        + "\"authorization_threshold\":2}", appA).status());
  }

  @Test
  void withoutAJwtIssuerUsersCannotOwnOrAuthenticate() throws Exception {
    String id = api.call("POST", "/v1/users", user("erin"), noIssuer).json().get("id").asText();
    Reply q = api.call("POST", "/v1/key_quorums", "{\"user_ids\":[\"" + id + "\"]}", noIssuer);
    assertEquals(400, q.status());
    assertEquals("jwt_not_configured", q.json().get("code").asText());
    Reply w = api.call("POST", "/v1/wallets", "{\"chain_type\":\"ethereum\",\"owner\":{\"user_id\":\""
        + id + "\"}}", noIssuer);
    assertEquals(400, w.status(), w.body());
    assertEquals("jwt_not_configured", w.json().get("code").asText());
    Reply a = api.call("POST", "/v1/wallets/authenticate", "{\"user_jwt\":\"a.b.c\","
        + "\"encryption_type\":\"HPKE\",\"recipient_public_key\":"
        + JSON.writeValueAsString(TestKeys.p256()) + "}", noIssuer);
    assertEquals(400, a.status());
    assertEquals("jwt_not_configured", a.json().get("code").asText());
  }

  @Test
  void authenticateChecksItsBodyBeforeTheEnclaveIsAsked() throws Exception {
    Reply plain = api.call("POST", "/v1/wallets/authenticate", "{\"user_jwt\":\"a.b.c\"}", appA);
    assertEquals(400, plain.status());
    assertEquals("invalid_request", plain.json().get("code").asText());
    Reply badKey = api.call("POST", "/v1/wallets/authenticate", "{\"user_jwt\":\"a.b.c\","
        + "\"encryption_type\":\"HPKE\",\"recipient_public_key\":\"bm90IGEga2V5\"}", appA);
    assertEquals(400, badKey.status());
    // a well-formed request reaches for the enclave, which this test has none of: 503, audited
    Reply noEnclave = api.call("POST", "/v1/wallets/authenticate", "{\"user_jwt\":\"a.b.c\","
        + "\"encryption_type\":\"HPKE\",\"recipient_public_key\":"
        + JSON.writeValueAsString(TestKeys.p256()) + "}", appA);
    assertEquals(503, noEnclave.status(), noEnclave.body());
    assertTrue(api.audit(appA, "user.authenticate").size() >= 3);
  }
}
