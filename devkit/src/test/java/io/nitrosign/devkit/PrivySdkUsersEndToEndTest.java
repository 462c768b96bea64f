package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nitrosign.devkit.jwt.DevIssuer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Users and JWT authorization through Privy's official Node SDK against the running system:
 * devkit/src/test/node/privy-sdk-users.mjs creates a custom_auth user and a wallet it owns, signs
 * with {@code authorization_context.user_jwts} (the SDK exchanges each JWT for a session key the
 * enclave minted after checking the JWT against the devkit issuer's JWKS, fetched over TLS), and
 * checks the signatures with ethers.js. The JWTs are minted here with the stack's own devkit
 * issuer ({@link DevIssuer}, the keys in the stack's {@code jwt/}), or with keys and claims the
 * enclave must refuse, and passed to the script by environment.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PrivySdkUsersEndToEndTest {

  private static SharedStack shared;
  private static NodeScript script;
  private static String subA;
  private static String subB;

  @BeforeAll
  static void runTheSdkWithUserJwts() throws Exception {
    shared = SharedStack.get();
    DevIssuer issuer = DevIssuer.load(shared.stack().jwtDir());
    subA = "sdk-user-a-" + UUID.randomUUID();
    subB = "sdk-user-b-" + UUID.randomUUID();
    long now = Instant.now().getEpochSecond();

    Map<String, String> env = new LinkedHashMap<>();
    env.put("USER_SUB_A", subA);
    env.put("USER_JWT_A", issuer.mint(subA, Duration.ofMinutes(10), DevIssuer.Alg.ES256));
    env.put("USER_JWT_A_RS256", issuer.mint(subA, Duration.ofMinutes(10), DevIssuer.Alg.RS256));
    // expired five minutes ago: beyond the enclave's 60 s of skew
    env.put("USER_JWT_A_EXPIRED", issuer.mint(subA, Duration.ofMinutes(-5), DevIssuer.Alg.ES256));
    // a key the issuer's JWKS does not have, under its own kid
    var stranger = DevIssuer.generate(DevIssuer.Alg.ES256);
    env.put("USER_JWT_UNKNOWN_KID", DevIssuer.sign(DevIssuer.Alg.ES256,
        DevIssuer.thumbprint(stranger.getPublic()), stranger.getPrivate(),
        claims(DevIssuer.ISSUER, subA, now + 600)));
    // the same stranger's key, but naming the issuer's real ES256 kid: the signature must fail
    env.put("USER_JWT_FORGED", DevIssuer.sign(DevIssuer.Alg.ES256,
        issuer.kid(DevIssuer.Alg.ES256), stranger.getPrivate(),
        claims(DevIssuer.ISSUER, subA, now + 600)));
    // signed by the devkit issuer's own key, but claiming another issuer
    env.put("USER_JWT_WRONG_ISSUER", issuer.mint(DevIssuer.Alg.ES256,
        claims("https://accounts.example.com", subA, now + 600)));
    env.put("USER_SUB_B", subB);
    env.put("USER_JWT_B", issuer.mint(subB, Duration.ofMinutes(10), DevIssuer.Alg.RS256));
    script = NodeScript.run(shared.baseUrl(), shared.appId(), shared.appSecret(),
        "privy-sdk-users.mjs", env);
    // the JWTs are bearer credentials: never printed (the subjects may be)
    env.forEach((name, value) -> assertFalse(name.startsWith("USER_JWT")
        && script.output().contains(value), () -> name + " must never be printed"));
  }

  private static Map<String, Object> claims(String iss, String sub, long exp) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", iss);
    c.put("aud", DevIssuer.AUDIENCE);
    c.put("sub", sub);
    c.put("iat", Instant.now().getEpochSecond());
    c.put("exp", exp);
    return c;
  }

  private static JsonNode step(String name) {
    return script.step(name);
  }

  private static void assertRefused(String name, int status, String code) {
    JsonNode n = step(name);
    assertEquals(status, n.get("status").asInt(), n::toString);
    assertEquals(code, n.get("code").asText(), n::toString);
    List<String> shape = new ArrayList<>();
    n.get("error_shape").forEach(k -> shape.add(k.asText()));
    assertTrue(shape.contains("error") && shape.contains("code"), n::toString);
  }

  @Test
  void every_sdk_step_runs_and_the_script_exits_cleanly() {
    assertEquals(0, script.exitCode(), () -> "script output:\n" + script.output());
    assertEquals(List.of("create_user", "create_user_wallet", "sign_message_with_user_jwt",
        "sign_transaction_with_rs256_user_jwt", "refused_without_user_jwt", "refused_expired_jwt",
        "refused_jwt_of_a_key_not_in_the_jwks", "refused_jwt_forged_under_the_issuers_kid",
        "refused_jwt_of_another_issuer", "refused_another_users_jwt",
        "create_quorum_with_user_member", "quorum_user_and_key_sign", "quorum_key_alone_refused"),
        new ArrayList<>(script.steps().keySet()), script.output());
  }

  @Test
  void a_custom_auth_user_is_created_and_found_by_its_custom_user_id() {
    JsonNode u = step("create_user");
    assertTrue(u.get("id").asText().length() > 0, u::toString);
    assertEquals("custom_auth", u.get("account_type").asText());
    assertTrue(u.get("custom_user_id_matches").asBoolean(), u::toString);
    assertEquals(u.get("id").asText(), u.get("found_id").asText());
  }

  @Test
  void a_wallet_owned_by_the_user_has_an_owner_id() {
    JsonNode w = step("create_user_wallet");
    // GET /v1/wallets?user_id= lists exactly the user's wallet
    assertEquals(1, w.get("listed_by_user").size(), w::toString);
    assertEquals(w.get("id").asText(), w.get("listed_by_user").get(0).asText());
    assertTrue(w.get("address").asText().matches("0x[0-9a-fA-F]{40}"), w::toString);
    assertTrue(w.get("owner_id").isTextual() && !w.get("owner_id").asText().isEmpty(),
        w::toString);
  }

  @Test
  void the_users_es256_jwt_signs_a_message_that_ethers_recovers_to_the_wallet() {
    JsonNode s = step("sign_message_with_user_jwt");
    assertEquals(s.get("address").asText(), s.get("recovered").asText());
    assertEquals("hex", s.get("encoding").asText());
  }

  @Test
  void the_users_rs256_jwt_signs_a_transaction_that_ethers_attributes_to_the_wallet() {
    JsonNode t = step("sign_transaction_with_rs256_user_jwt");
    assertEquals(t.get("address").asText(), t.get("from").asText());
    assertEquals(2, t.get("type").asInt());
    assertEquals("11155111", t.get("chain_id").asText());
    assertEquals(3, t.get("nonce").asInt());
    assertEquals("10000000000000000", t.get("value").asText());
  }

  @Test
  void without_a_jwt_the_users_wallet_refuses_as_missing_authorization() {
    assertRefused("refused_without_user_jwt", 401, "missing_authorization_signature");
  }

  @Test
  void an_expired_jwt_is_refused_as_expired() {
    assertRefused("refused_expired_jwt", 401, "jwt_expired");
  }

  @Test
  void a_jwt_signed_by_a_key_not_in_the_issuers_jwks_is_refused_as_an_unknown_key() {
    assertRefused("refused_jwt_of_a_key_not_in_the_jwks", 401, "jwt_unknown_key");
  }

  @Test
  void a_jwt_forged_under_the_issuers_kid_is_refused_as_invalid() {
    assertRefused("refused_jwt_forged_under_the_issuers_kid", 401, "invalid_jwt");
  }

  @Test
  void a_jwt_of_another_issuer_is_refused_as_the_wrong_issuer() {
    assertRefused("refused_jwt_of_another_issuer", 401, "jwt_wrong_issuer");
  }

  @Test
  void another_users_valid_jwt_does_not_sign_for_this_users_wallet() {
    assertRefused("refused_another_users_jwt", 401, "invalid_authorization_signature");
  }

  @Test
  void a_user_counts_as_a_key_quorum_member_with_their_jwt() {
    JsonNode q = step("create_quorum_with_user_member");
    List<String> users = new ArrayList<>();
    q.get("user_ids").forEach(u -> users.add(u.asText()));
    assertEquals(List.of(q.get("user_b").asText()), users);
    assertEquals(2, q.get("threshold").asInt());
    assertEquals(q.get("quorum_id").asText(), q.get("wallet_owner_id").asText());
    JsonNode s = step("quorum_user_and_key_sign");
    assertEquals(s.get("address").asText(), s.get("recovered").asText());
    assertRefused("quorum_key_alone_refused", 401, "insufficient_signatures");
  }

  @Test
  void every_authentication_is_audited_with_its_outcome() throws Exception {
    // good JWTs: A's ES256 and RS256, B's (used for the refusal and the quorum: one exchange,
    // the SDK caches the session key); refused: expired, unknown kid, forged, other issuer.
    // At least: other classes on the shared stack's app may authenticate too.
    Map<String, Long> counts = new HashMap<>();
    try (Connection c = DriverManager.getConnection(shared.stack().jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement("SELECT outcome, error_code FROM audit_log"
            + " WHERE app_id = ? AND action = 'user.authenticate'")) {
      ps.setString(1, shared.appId());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.merge(rs.getString(1) + "/" + rs.getString(2), 1L, Long::sum);
        }
      }
    }
    assertTrue(counts.getOrDefault("rejected/jwt_expired", 0L) >= 1, counts::toString);
    assertTrue(counts.getOrDefault("rejected/jwt_unknown_key", 0L) >= 1, counts::toString);
    assertTrue(counts.getOrDefault("rejected/invalid_jwt", 0L) >= 1, counts::toString);
    assertTrue(counts.getOrDefault("rejected/jwt_wrong_issuer", 0L) >= 1, counts::toString);
    assertTrue(counts.getOrDefault("succeeded/null", 0L) >= 3, counts::toString);
  }
}
