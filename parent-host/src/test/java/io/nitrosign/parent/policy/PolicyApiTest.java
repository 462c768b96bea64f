package io.nitrosign.parent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
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
import io.nitrosign.policy.Action;
import io.nitrosign.policy.Aggregation;
import io.nitrosign.policy.Policy;
import io.nitrosign.policy.Values;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.WalletAuthority;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * /v1/policies, /v1/condition_sets and /v1/aggregations end to end: the real application on a
 * real database, the real policy parser, the real request authorizer (owner signatures made with
 * {@link RequestSigner} as Privy's SDK makes them), and wallets' {@code policy_ids}. There is no
 * enclave here: wallets are inserted as the enclave would have had them created, and the
 * {@code PATCH /v1/wallets/{id}} that changes only {@code policy_ids} needs none.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PolicyApiTest {

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  static final String A = "0x1111111111111111111111111111111111111111";
  static final String B = "0x2222222222222222222222222222222222222222";
  static final String TOKEN = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
  static final String ERC20_ABI = "[{\"type\":\"function\",\"name\":\"transfer\","
      + "\"stateMutability\":\"nonpayable\",\"inputs\":[{\"name\":\"to\",\"type\":\"address\"},"
      + "{\"name\":\"amount\",\"type\":\"uint256\"}],\"outputs\":[{\"name\":\"\",\"type\":\"bool\"}]}]";

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

  // ------------------------------------------------------------------------------ policies

  static String toRule(String name, String to) {
    return "{\"name\":\"" + name + "\",\"method\":\"eth_signTransaction\",\"action\":\"ALLOW\","
        + "\"conditions\":[{\"field_source\":\"ethereum_transaction\",\"field\":\"to\","
        + "\"operator\":\"eq\",\"value\":\"" + to + "\"}]}";
  }

  static String policyBody(String name, String... rules) {
    return "{\"version\":\"1.0\",\"name\":\"" + name + "\",\"chain_type\":\"ethereum\","
        + "\"rules\":[" + String.join(",", rules) + "]}";
  }

  @Test
  void aPolicyRoundTripsInPrivysShapes() throws Exception {
    String usdc = "{\"name\":\"USDC to A up to 1000\",\"method\":\"eth_signTransaction\","
        + "\"action\":\"ALLOW\",\"conditions\":["
        + "{\"field_source\":\"ethereum_transaction\",\"field\":\"to\",\"operator\":\"eq\","
        + "\"value\":\"" + TOKEN + "\"},"
        + "{\"field_source\":\"ethereum_calldata\",\"field\":\"transfer.to\",\"operator\":\"eq\","
        + "\"value\":\"" + A + "\",\"abi\":" + ERC20_ABI + "},"
        + "{\"field_source\":\"ethereum_calldata\",\"field\":\"transfer.amount\","
        + "\"operator\":\"lte\",\"value\":\"1000000000\",\"abi\":" + ERC20_ABI + "}]}";
    String deny = "{\"name\":\"Block B\",\"method\":\"*\",\"action\":\"DENY\",\"conditions\":["
        + "{\"field_source\":\"ethereum_transaction\",\"field\":\"to\",\"operator\":\"in\","
        + "\"value\":[\"" + B + "\"]}]}";
    Reply created = api.call("POST", "/v1/policies", policyBody("hot wallet", usdc, deny), appA);
    assertEquals(200, created.status(), created.body());
    JsonNode p = created.json();
    assertEquals(Set.of("id", "name", "chain_type", "version", "owner_id", "created_at", "rules"),
        names(p));
    String id = p.get("id").asText();
    assertTrue(Ids.plausible(id));
    assertEquals("hot wallet", p.get("name").asText());
    assertEquals("ethereum", p.get("chain_type").asText());
    assertEquals("1.0", p.get("version").asText());
    assertTrue(p.get("owner_id").isNull());
    assertTrue(Math.abs(p.get("created_at").asLong() - System.currentTimeMillis()) < 600_000);
    assertEquals(2, p.get("rules").size());
    JsonNode r0 = p.get("rules").get(0);
    assertEquals(Set.of("id", "name", "method", "conditions", "action"), names(r0));
    assertEquals("eth_signTransaction", r0.get("method").asText());
    assertEquals("ALLOW", r0.get("action").asText());
    assertEquals(JSON.readTree(usdc).get("conditions"), r0.get("conditions"),
        "conditions are returned as written, ABI included");
    assertEquals("DENY", p.get("rules").get(1).get("action").asText());

    assertEquals(p, api.call("GET", "/v1/policies/" + id, null, appA).json());
    assertError(api.call("GET", "/v1/policies/" + id, null, appB), 404, "policy_not_found");
    JsonNode listed = api.call("GET", "/v1/policies", null, appA).json();
    assertTrue(listed.has("next_cursor"));
    assertTrue(contains(listed.get("data"), id));
    assertFalse(contains(api.call("GET", "/v1/policies", null, appB).json().get("data"), id));

    // PATCH name: rules (and their ids) kept
    Reply renamed = api.call("PATCH", "/v1/policies/" + id, "{\"name\":\"renamed\"}", appA);
    assertEquals(200, renamed.status(), renamed.body());
    assertEquals("renamed", renamed.json().get("name").asText());
    assertEquals(p.get("rules"), renamed.json().get("rules"));

    // rules one by one
    String ruleId = r0.get("id").asText();
    JsonNode gotRule = api.call("GET", "/v1/policies/" + id + "/rules/" + ruleId, null, appA).json();
    assertEquals(r0, gotRule);
    Reply added = api.call("POST", "/v1/policies/" + id + "/rules", toRule("to A", A), appA);
    assertEquals(200, added.status(), added.body());
    assertEquals(Set.of("id", "name", "method", "conditions", "action"), names(added.json()));
    String addedId = added.json().get("id").asText();
    Reply changed = api.call("PATCH", "/v1/policies/" + id + "/rules/" + addedId, toRule("to B", B),
        appA);
    assertEquals(200, changed.status(), changed.body());
    assertEquals(addedId, changed.json().get("id").asText());
    assertEquals(B, changed.json().get("conditions").get(0).get("value").asText());
    JsonNode three = api.call("GET", "/v1/policies/" + id, null, appA).json().get("rules");
    assertEquals(List.of(ruleId, p.get("rules").get(1).get("id").asText(), addedId),
        ids(three), "a new rule goes last; an updated one keeps its place");
    Reply removed = api.call("DELETE", "/v1/policies/" + id + "/rules/" + addedId, null, appA);
    assertEquals(200, removed.status(), removed.body());
    assertTrue(removed.json().get("success").asBoolean());
    assertError(api.call("GET", "/v1/policies/" + id + "/rules/" + addedId, null, appA), 404,
        "policy_rule_not_found");

    // PATCH rules: replaced, new ids
    Reply replaced = api.call("PATCH", "/v1/policies/" + id, "{\"rules\":[" + toRule("only A", A)
        + "]}", appA);
    assertEquals(200, replaced.status(), replaced.body());
    assertEquals(1, replaced.json().get("rules").size());
    assertEquals("only A", replaced.json().get("rules").get(0).get("name").asText());
    assertFalse(List.of(ruleId, addedId).contains(
        replaced.json().get("rules").get(0).get("id").asText()));

    Reply deleted = api.call("DELETE", "/v1/policies/" + id, null, appA);
    assertEquals(200, deleted.status(), deleted.body());
    assertEquals(JSON.readTree("{\"success\":true}"), deleted.json());
    assertError(api.call("GET", "/v1/policies/" + id, null, appA), 404, "policy_not_found");

    assertEquals(1, succeeded(appA, "policy.create", id));
    assertEquals(5, succeeded(appA, "policy.update", id), "rename, 3 rule changes, rules");
    assertEquals(1, succeeded(appA, "policy.delete", id));
  }

  @Test
  void malformedPoliciesAre400NamingThePath() throws Exception {
    String okRule = toRule("ok", A);
    assertInvalid(api.call("POST", "/v1/policies", policyBody("p", okRule,
        "{\"name\":\"r\",\"method\":\"eth_signTransaction\",\"action\":\"ALLOW\",\"conditions\":["
            + "{\"field_source\":\"ethereum_transaction\",\"field\":\"color\",\"operator\":\"eq\","
            + "\"value\":\"red\"}]}"), appA), "invalid_policy", "rules[1].conditions[0].field");
    assertInvalid(api.call("POST", "/v1/policies", policyBody("p",
        "{\"name\":\"r\",\"method\":\"eth_signTransaction\",\"action\":\"ALLOW\",\"conditions\":["
            + "{\"field_source\":\"ethereum_transaction\",\"field\":\"value\",\"operator\":\"lte\","
            + "\"value\":\"a lot\"}]}"), appA), "invalid_policy", "rules[0].conditions[0].value");
    assertInvalid(api.call("POST", "/v1/policies", policyBody("p",
        "{\"name\":\"r\",\"method\":\"eth_signTransaction\",\"action\":\"ALLOW\",\"conditions\":["
            + "{\"field_source\":\"ethereum_calldata\",\"field\":\"transfer.to\",\"operator\":\"eq\","
            + "\"value\":\"" + A + "\",\"abi\":[{\"type\":\"function\",\"name\":\"transfer\","
            + "\"inputs\":[{\"name\":\"to\",\"type\":\"addr3ss\"}]}]}]}"), appA),
        "invalid_policy", "rules[0].conditions[0].abi[0].inputs[0].type");
    assertInvalid(api.call("POST", "/v1/policies", policyBody("p", okRule,
        okRule.replace("ALLOW", "MAYBE")), appA), "invalid_policy", "rules[1].action");
    assertInvalid(api.call("POST", "/v1/policies", policyBody("p", okRule).replace("\"1.0\"",
        "\"2.0\""), appA), "invalid_policy", "version");
    assertInvalid(api.call("POST", "/v1/policies", policyBody("p", okRule).replace("ethereum",
        "dogecoin"), appA), "invalid_policy", "chain_type");
    assertInvalid(api.call("POST", "/v1/policies", policyBody("p", okRule,
        okRule.replace("\"eq\"", "\"in_condition_set\"").replace(A, Ids.random(RANDOM))), appA),
        "invalid_policy", "rules[1].conditions[0].value");
    assertInvalid(api.call("POST", "/v1/policies", policyBody("p",
        "{\"name\":\"r\",\"method\":\"eth_signTransaction\",\"action\":\"ALLOW\",\"conditions\":["
            + "{\"field_source\":\"reference\",\"field\":\"aggregation." + Ids.random(RANDOM)
            + "\",\"operator\":\"lte\",\"value\":\"1\"}]}"), appA),
        "invalid_policy", "rules[0].conditions[0].field");
    // a condition set of another app is as unknown as none
    String otherAppsSet = createSet(appB, "b's set");
    assertInvalid(api.call("POST", "/v1/policies", policyBody("p",
        okRule.replace("\"eq\"", "\"in_condition_set\"").replace(A, otherAppsSet)), appA),
        "invalid_policy", "rules[0].conditions[0].value");
    // the rule endpoints name paths inside the rule
    String id = createPolicy(appA, policyBody("p", okRule));
    assertInvalid(api.call("POST", "/v1/policies/" + id + "/rules", okRule.replace("\"to\"",
        "\"too\""), appA), "invalid_policy", "conditions[0].field");
    assertInvalid(api.call("PATCH", "/v1/policies/" + id, "{\"nmae\":\"x\"}", appA),
        "invalid_policy", "nmae");
    // condition sets and aggregations
    String set = createSet(appA, "s");
    assertInvalid(api.call("POST", "/v1/condition_sets/" + set + "/condition_set_items",
        "[{\"value\":\"" + A + "\"},{\"value\":\"\"}]", appA), "invalid_condition_set",
        "[1].value");
    assertInvalid(api.call("POST", "/v1/condition_sets", "{\"name\":\"\"}", appA),
        "invalid_condition_set", "name");
    assertInvalid(api.call("POST", "/v1/aggregations", aggregationBody("cap").replace("3600", "60"),
        appA), "invalid_aggregation", "window.seconds");
    assertInvalid(api.call("POST", "/v1/aggregations", aggregationBody("cap").replace("\"sum\"",
        "\"avg\""), appA), "invalid_aggregation", "metric.function");
    JsonNode unchanged = api.call("GET", "/v1/policies/" + id, null, appA).json();
    assertEquals(1, unchanged.get("rules").size(), "the refused rule was not added");
    assertEquals("p", unchanged.get("name").asText());
  }

  @Test
  void anInvalidRuleInAPatchChangesNothing() throws Exception {
    String id = createPolicy(appA, policyBody("before", toRule("r1", A), toRule("r2", B)));
    JsonNode before = api.call("GET", "/v1/policies/" + id, null, appA).json();
    int revision = revision(id);
    String bad = "{\"name\":\"bad\",\"method\":\"eth_signTransaction\",\"action\":\"ALLOW\","
        + "\"conditions\":[{\"field_source\":\"ethereum_transaction\",\"field\":\"to\","
        + "\"operator\":\"between\",\"value\":\"" + A + "\"}]}";
    Reply r = api.call("PATCH", "/v1/policies/" + id, "{\"name\":\"after\",\"rules\":["
        + toRule("n1", B) + "," + bad + "]}", appA);
    assertInvalid(r, "invalid_policy", "rules[1].conditions[0].operator");
    assertEquals(before, api.call("GET", "/v1/policies/" + id, null, appA).json());
    assertEquals(revision, revision(id));
    // an owner that does not exist comes after valid rules: still nothing written
    Reply owner = api.call("PATCH", "/v1/policies/" + id, "{\"name\":\"after\",\"rules\":["
        + toRule("n1", B) + "],\"owner_id\":\"" + Ids.random(RANDOM) + "\"}", appA);
    assertError(owner, 404, "key_quorum_not_found");
    assertInvalid(api.call("PATCH", "/v1/policies/" + id + "/rules/"
        + before.get("rules").get(0).get("id").asText(), bad, appA), "invalid_policy",
        "conditions[0].operator");
    assertEquals(before, api.call("GET", "/v1/policies/" + id, null, appA).json());
    assertEquals(revision, revision(id));
    assertEquals(0, succeeded(appA, "policy.update", id));
    assertEquals(3, api.audit(appA, "policy.update").stream().filter(a -> a.detail().contains(id)
        && "rejected".equals(a.outcome())).count());
  }

  // ------------------------------------------------------------------------------- owners

  @Test
  void anOwnedPolicyChangesOnlyWithItsOwnersSignatures() throws Exception {
    Key owner = Key.fresh();
    Reply created = api.call("POST", "/v1/policies", policyBody("owned", toRule("r", A))
        .replace("{\"version\"", "{\"owner\":{\"public_key\":\"" + owner.publicKey()
            + "\"},\"version\""), appA);
    assertEquals(200, created.status(), created.body());
    String id = created.json().get("id").asText();
    String ownerId = created.json().get("owner_id").asText();
    assertTrue(Ids.plausible(ownerId), "owner: {public_key} becomes a 1-of-1 key quorum");
    JsonNode quorum = api.call("GET", "/v1/key_quorums/" + ownerId, null, appA).json();
    assertEquals(owner.publicKey(), quorum.get("authorization_keys").get(0).get("public_key")
        .asText());
    String path = "/v1/policies/" + id;
    String rename = "{\"name\":\"renamed\"}";

    assertError(api.call("PATCH", path, rename, appA), 401, "missing_authorization_signature");
    assertError(api.signed("PATCH", path, rename, appA, Key.fresh()), 401,
        "invalid_authorization_signature");
    assertError(api.call("DELETE", path, null, appA), 401, "missing_authorization_signature");
    String ruleId = created.json().get("rules").get(0).get("id").asText();
    assertError(api.call("DELETE", path + "/rules/" + ruleId, null, appA), 401,
        "missing_authorization_signature");
    assertError(api.call("POST", path + "/rules", toRule("more", B), appA), 401,
        "missing_authorization_signature");
    assertEquals("owned", api.call("GET", path, null, appA).json().get("name").asText());

    String[] headers = api.headers("PATCH", path, rename, appA, System.currentTimeMillis() + 60_000,
        owner);
    Reply ok = api.call("PATCH", path, rename, appA, headers);
    assertEquals(200, ok.status(), ok.body());
    assertEquals("renamed", ok.json().get("name").asText());
    assertEquals(ownerId, ok.json().get("owner_id").asText());
    assertError(api.call("PATCH", path, rename, appA, headers), 401, "authorization_replayed");
    Reply rule = api.signed("POST", path + "/rules", toRule("more", B), appA, owner);
    assertEquals(200, rule.status(), rule.body());

    // the owner quorum cannot go while it owns the policy
    assertError(api.signed("DELETE", "/v1/key_quorums/" + ownerId, null, appA, owner), 409,
        "key_quorum_in_use");
    // the owner gives the policy away (owner: null), then the app alone changes it
    Reply released = api.signed("PATCH", path, "{\"owner\":null}", appA, owner);
    assertEquals(200, released.status(), released.body());
    assertTrue(released.json().get("owner_id").isNull());
    assertEquals(200, api.call("DELETE", path, null, appA).status());
    assertTrue(api.rejections(appA, "policy.update", id).containsAll(List.of(
        "missing_authorization_signature", "invalid_authorization_signature",
        "authorization_replayed")));
  }

  @Test
  void anOwnedConditionSetAndAggregationChangeOnlyWithTheOwnersSignatures() throws Exception {
    Key owner = Key.fresh();
    String ownerId = createBody("/v1/key_quorums", "{\"public_keys\":[\"" + owner.publicKey()
        + "\"]}", appA);
    Reply set = api.call("POST", "/v1/condition_sets", "{\"name\":\"owned\",\"owner_id\":\""
        + ownerId + "\"}", appA);
    assertEquals(200, set.status(), set.body());
    assertEquals(ownerId, set.json().get("owner_id").asText());
    String setId = set.json().get("id").asText();
    String items = "/v1/condition_sets/" + setId + "/condition_set_items";
    String body = "[{\"value\":\"" + A + "\"}]";
    assertError(api.call("POST", items, body, appA), 401, "missing_authorization_signature");
    assertError(api.call("PATCH", "/v1/condition_sets/" + setId, "{\"name\":\"x\"}", appA), 401,
        "missing_authorization_signature");
    Reply added = api.signed("POST", items, body, appA, owner);
    assertEquals(200, added.status(), added.body());
    String itemId = added.json().get(0).get("id").asText();
    assertError(api.call("DELETE", items + "/" + itemId, null, appA), 401,
        "missing_authorization_signature");
    assertEquals(200, api.signed("DELETE", items + "/" + itemId, null, appA, owner).status());

    Reply agg = api.call("POST", "/v1/aggregations", aggregationBody("owned cap")
        .replace("{\"name\"", "{\"owner_id\":\"" + ownerId + "\",\"name\""), appA);
    assertEquals(200, agg.status(), agg.body());
    String aggId = agg.json().get("id").asText();
    assertError(api.call("DELETE", "/v1/aggregations/" + aggId, null, appA), 401,
        "missing_authorization_signature");
    assertEquals(200, api.signed("DELETE", "/v1/aggregations/" + aggId, null, appA, owner).status());
    assertEquals(200, api.signed("DELETE", "/v1/condition_sets/" + setId, null, appA, owner).status());
  }

  // ------------------------------------------------------------------- in use, references

  @Test
  void referencedConditionSetsAndAggregationsAndAttachedPoliciesCannotBeDeleted()
      throws Exception {
    String set = createSet(appA, "allowlist");
    String agg = createBody("/v1/aggregations", aggregationBody("daily cap"), appA);
    String rule = "{\"name\":\"allowlisted under the cap\",\"method\":\"eth_signTransaction\","
        + "\"action\":\"ALLOW\",\"conditions\":["
        + "{\"field_source\":\"ethereum_transaction\",\"field\":\"to\","
        + "\"operator\":\"in_condition_set\",\"value\":\"" + set + "\"},"
        + "{\"field_source\":\"reference\",\"field\":\"aggregation." + agg + "\","
        + "\"operator\":\"lte\",\"value\":\"1000000000000000000\"}]}";
    String policy = createPolicy(appA, policyBody("capped", rule));
    assertError(api.call("DELETE", "/v1/condition_sets/" + set, null, appA), 409,
        "condition_set_in_use");
    assertError(api.call("DELETE", "/v1/aggregations/" + agg, null, appA), 409,
        "aggregation_in_use");

    Wallet w = insertWallet(appA, "ethereum", null);
    Reply attached = api.call("PATCH", "/v1/wallets/" + w.id(), "{\"policy_ids\":[\"" + policy
        + "\"]}", appA);
    assertEquals(200, attached.status(), attached.body());
    assertEquals(List.of(policy), strings(attached.json().get("policy_ids")));
    assertEquals(List.of(policy), strings(api.call("GET", "/v1/wallets/" + w.id(), null, appA)
        .json().get("policy_ids")));
    assertError(api.call("DELETE", "/v1/policies/" + policy, null, appA), 409, "policy_in_use");
    // the foreign key holds even if the check were skipped
    assertTrue(Changes.foreignKeyViolation(org.junit.jupiter.api.Assertions.assertThrows(
        RuntimeException.class, () -> jdbi.useHandle(h ->
            h.createUpdate("DELETE FROM policies WHERE id = :id").bind("id", policy).execute()))));

    // detach, then everything can go, in order
    Reply detached = api.call("PATCH", "/v1/wallets/" + w.id(), "{\"policy_ids\":[]}", appA);
    assertEquals(200, detached.status(), detached.body());
    assertEquals(200, api.call("DELETE", "/v1/policies/" + policy, null, appA).status());
    assertEquals(200, api.call("DELETE", "/v1/aggregations/" + agg, null, appA).status());
    assertEquals(200, api.call("DELETE", "/v1/condition_sets/" + set, null, appA).status());
  }

  @Test
  void aWalletTakesOnlyPoliciesOfItsAppAndChainType() throws Exception {
    String solana = createPolicy(appA, "{\"version\":\"1.0\",\"name\":\"sol\","
        + "\"chain_type\":\"solana\",\"rules\":[]}");
    String eth = createPolicy(appA, policyBody("eth", toRule("r", A)));
    String othersEth = createPolicy(appB, policyBody("b's", toRule("r", A)));

    // refused before any enclave call (there is none here)
    Reply wrongChain = api.call("POST", "/v1/wallets", "{\"chain_type\":\"ethereum\","
        + "\"policy_ids\":[\"" + solana + "\"]}", appA);
    assertError(wrongChain, 400, "invalid_request");
    assertTrue(wrongChain.json().get("error").asText().contains("policy_ids[0]"));
    assertTrue(wrongChain.json().get("error").asText().contains("solana"));

    Wallet w = insertWallet(appA, "ethereum", null);
    String path = "/v1/wallets/" + w.id();
    assertError(api.call("PATCH", path, "{\"policy_ids\":[\"" + eth + "\",\"" + solana + "\"]}",
        appA), 400, "invalid_request");
    assertError(api.call("PATCH", path, "{\"policy_ids\":[\"" + othersEth + "\"]}", appA), 400,
        "invalid_request");
    assertError(api.call("PATCH", path, "{\"policy_ids\":[\"" + eth + "\",\"" + eth + "\"]}", appA),
        400, "invalid_request");
    assertError(api.call("PATCH", path, "{\"policy_ids\":[\"" + Ids.random(RANDOM) + "\"]}", appA),
        400, "invalid_request");
    assertError(api.call("PATCH", path, "{\"policy_ids\":\"" + eth + "\"}", appA), 400,
        "invalid_request");
    assertEquals(0, api.call("GET", path, null, appA).json().get("policy_ids").size());

    Reply ok = api.call("PATCH", path, "{\"policy_ids\":[\"" + eth + "\"]}", appA);
    assertEquals(200, ok.status(), ok.body());
    assertEquals(List.of(eth), strings(ok.json().get("policy_ids")));
    assertTrue(api.audit(appA, "wallet.update").stream().anyMatch(a -> w.id().equals(a.walletId())
        && "succeeded".equals(a.outcome()) && a.detail().contains(eth)));
  }

  @Test
  void anOwnedWalletsPoliciesChangeOnlyWithTheOwnersSignatures() throws Exception {
    Key owner = Key.fresh();
    Wallet w = insertWallet(appA, "ethereum", owner);
    String eth = createPolicy(appA, policyBody("eth", toRule("r", A)));
    String path = "/v1/wallets/" + w.id();
    String body = "{\"policy_ids\":[\"" + eth + "\"]}";
    assertError(api.call("PATCH", path, body, appA), 401, "missing_authorization_signature");
    assertError(api.signed("PATCH", path, body, appA, Key.fresh()), 401,
        "invalid_authorization_signature");
    assertEquals(0, api.call("GET", path, null, appA).json().get("policy_ids").size());
    String[] headers = api.headers("PATCH", path, body, appA, System.currentTimeMillis() + 60_000,
        owner);
    Reply ok = api.call("PATCH", path, body, appA, headers);
    assertEquals(200, ok.status(), ok.body());
    assertEquals(List.of(eth), strings(ok.json().get("policy_ids")));
    assertError(api.call("PATCH", path, body, appA, headers), 401, "authorization_replayed");
  }

  // ------------------------------------------------------------------------ condition sets

  @Test
  void aConditionSetOfFiveThousandItemsIsLookedUpByIndex() throws Exception {
    Reply created = api.call("POST", "/v1/condition_sets", "{\"name\":\"withdrawal allowlist\"}",
        appA);
    assertEquals(200, created.status(), created.body());
    assertEquals(Set.of("id", "name", "owner_id", "created_at"), names(created.json()));
    String id = created.json().get("id").asText();
    assertEquals(created.json(), api.call("GET", "/v1/condition_sets/" + id, null, appA).json());
    String items = "/v1/condition_sets/" + id + "/condition_set_items";

    List<String> values = new ArrayList<>();
    for (int i = 1; i <= 5000; i++) {
      values.add("0x" + String.format(Locale.ROOT, "%040x", i * 7919L));
    }
    // one checksummed (mixed-case) address: stored as given, looked up case-insensitively
    String checksummed = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    values.set(4999, checksummed);
    for (int i = 0; i < values.size(); i += 100) {
      String batch = values.subList(i, i + 100).stream()
          .map(v -> "{\"value\":\"" + v + "\"}").collect(Collectors.joining(",", "[", "]"));
      Reply r = api.call("POST", items, batch, appA);
      assertEquals(200, r.status(), r.body());
      assertEquals(100, r.json().size());
      assertEquals(Set.of("id", "condition_set_id", "value", "created_at"),
          names(r.json().get(0)));
      assertEquals(id, r.json().get(0).get("condition_set_id").asText());
      assertEquals(values.get(i), r.json().get(0).get("value").asText());
    }
    // pages of 100, oldest first, until next_cursor is null
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Reply page = api.call("GET", items + (cursor == null ? "" : "?cursor=" + cursor), null, appA);
      assertEquals(200, page.status(), page.body());
      assertEquals(Set.of("items", "next_cursor"), names(page.json()));
      page.json().get("items").forEach(n -> seen.add(n.get("value").asText()));
      cursor = page.json().get("next_cursor").isNull() ? null
          : page.json().get("next_cursor").asText();
      pages++;
    } while (cursor != null && pages < 100);
    assertEquals(values, seen);
    assertEquals(50, pages);

    jdbi.useHandle(h -> {
      PolicyStore store = new PolicyStore(h);
      assertTrue(store.inConditionSet(id, Values.normalizeItem(values.get(0))));
      assertTrue(store.inConditionSet(id, Values.normalizeItem(values.get(2500))));
      assertTrue(store.inConditionSet(id, checksummed.toLowerCase(Locale.ROOT)));
      assertTrue(store.inConditionSet(id, Values.normalizeItem(checksummed.toUpperCase(Locale.ROOT)
          .replace("0X", "0x"))));
      assertFalse(store.inConditionSet(id, A));
      assertFalse(store.inConditionSet(Ids.random(RANDOM), Values.normalizeItem(values.get(0))));
      // an index lookup, not a scan
      String plan = String.join("\n", h.createQuery("EXPLAIN SELECT EXISTS (SELECT 1 FROM"
              + " condition_set_items WHERE condition_set_id = :set AND value_norm = :value)")
          .bind("set", id).bind("value", A).mapTo(String.class).list());
      assertTrue(plan.contains("Index"), plan);
    });

    // a value already in the set (in any letter case) and a batch over 100 are refused
    assertInvalid(api.call("POST", items, "[{\"value\":\"" + A + "\"},{\"value\":\""
        + checksummed.toLowerCase(Locale.ROOT) + "\"}]", appA), "invalid_condition_set",
        "[1].value");
    assertInvalid(api.call("POST", items, "[{\"value\":\"" + A + "\"},{\"value\":\"" + A + "\"}]",
        appA), "invalid_condition_set", "[1].value");
    String tooMany = java.util.stream.IntStream.range(0, 101).mapToObj(i -> "{\"value\":\"v" + i
        + "\"}").collect(Collectors.joining(",", "[", "]"));
    assertInvalid(api.call("POST", items, tooMany, appA), "invalid_condition_set", "");
    assertEquals(5000, itemCount(id));

    // one item: read and delete
    JsonNode first = api.call("GET", items + "?limit=1", null, appA).json().get("items").get(0);
    assertEquals(first, api.call("GET", items + "/" + first.get("id").asText(), null, appA).json());
    assertEquals(200, api.call("DELETE", items + "/" + first.get("id").asText(), null, appA).status());
    assertError(api.call("GET", items + "/" + first.get("id").asText(), null, appA), 404,
        "condition_set_item_not_found");

    // PUT replaces every item
    Reply put = api.call("PUT", items, "[{\"value\":\"" + A + "\"},{\"value\":\"" + B + "\"}]", appA);
    assertEquals(200, put.status(), put.body());
    assertEquals(2, put.json().size());
    assertEquals(2, itemCount(id));
    jdbi.useHandle(h -> assertFalse(new PolicyStore(h).inConditionSet(id,
        Values.normalizeItem(values.get(2500)))));

    // rename; another app sees nothing
    Reply renamed = api.call("PATCH", "/v1/condition_sets/" + id, "{\"name\":\"renamed\"}", appA);
    assertEquals(200, renamed.status(), renamed.body());
    assertEquals("renamed", renamed.json().get("name").asText());
    assertError(api.call("GET", "/v1/condition_sets/" + id, null, appB), 404,
        "condition_set_not_found");
    assertError(api.call("GET", items, null, appB), 404, "condition_set_not_found");
    assertTrue(contains(api.call("GET", "/v1/condition_sets", null, appA).json().get("data"), id));
    assertEquals(200, api.call("DELETE", "/v1/condition_sets/" + id, null, appA).status());
    assertEquals(0, itemCount(id));
    assertEquals(53, succeeded(appA, "condition_set.update", id),
        "50 batches, one item deleted, one replacement, one rename");
    assertEquals(3, api.rejections(appA, "condition_set.update", id).size());
    assertEquals(1, succeeded(appA, "condition_set.delete", id));
  }

  // ---------------------------------------------------------------------------- aggregations

  static String aggregationBody(String name) {
    return "{\"name\":\"" + name + "\",\"method\":\"eth_signTransaction\","
        + "\"metric\":{\"field_source\":\"ethereum_transaction\",\"field\":\"value\","
        + "\"function\":\"sum\"},\"window\":{\"type\":\"rolling\",\"seconds\":3600}}";
  }

  @Test
  void anAggregationRoundTripsInPrivysShape() throws Exception {
    Reply created = api.call("POST", "/v1/aggregations", aggregationBody("ETH out per hour"), appA);
    assertEquals(200, created.status(), created.body());
    JsonNode a = created.json();
    assertEquals(Set.of("id", "name", "method", "metric", "window", "owner_id", "created_at"),
        names(a));
    String id = a.get("id").asText();
    assertEquals(JSON.readTree(aggregationBody("x")).get("metric"), a.get("metric"));
    assertEquals(3600, a.get("window").get("seconds").asInt());
    assertEquals("rolling", a.get("window").get("type").asText());
    assertEquals(a, api.call("GET", "/v1/aggregations/" + id, null, appA).json());
    assertTrue(contains(api.call("GET", "/v1/aggregations", null, appA).json().get("data"), id));
    assertError(api.call("GET", "/v1/aggregations/" + id, null, appB), 404, "aggregation_not_found");

    jdbi.useHandle(h -> {
      PolicyStore store = new PolicyStore(h);
      Aggregation parsed = store.aggregation(appA.app().id(), id).orElseThrow();
      assertEquals("eth_signTransaction", parsed.method());
      assertEquals(3600, parsed.windowSeconds());
      assertEquals("value", parsed.metric().field());
      assertSame(parsed, store.aggregation(appA.app().id(), id).orElseThrow(), "parsed once");
      assertTrue(store.aggregation(appB.app().id(), id).isEmpty());
      assertTrue(store.aggregationsOf(appA.app().id()).stream().anyMatch(x -> x.id().equals(id)));
    });
    assertEquals(200, api.call("DELETE", "/v1/aggregations/" + id, null, appA).status());
    assertError(api.call("GET", "/v1/aggregations/" + id, null, appA), 404, "aggregation_not_found");
    assertEquals(1, succeeded(appA, "aggregation.create", id));
    assertEquals(1, succeeded(appA, "aggregation.delete", id));
  }

  // ------------------------------------------------------------------- the read side, cache

  @Test
  void theSigningPathReadsAWalletsPoliciesInOrderParsedOncePerRevision() throws Exception {
    String first = createPolicy(appA, policyBody("first", toRule("to A", A)));
    String second = createPolicy(appA, policyBody("second", toRule("to B", B)));
    Wallet w = insertWallet(appA, "ethereum", null);
    String signer = createBody("/v1/key_quorums", "{\"public_keys\":[\""
        + Key.fresh().publicKey() + "\"]}", appA);
    jdbi.useTransaction(h -> new WalletOwnershipStore(h).save(w.id(), new WalletOwnership(null,
        List.of(new WalletOwnership.Signer(signer, List.of(first))), List.of(second, first))));
    JsonNode view = api.call("GET", "/v1/wallets/" + w.id(), null, appA).json();
    assertEquals(List.of(second, first), strings(view.get("policy_ids")));
    assertEquals(List.of(first), strings(view.get("additional_signers").get(0)
        .get("override_policy_ids")));

    PolicyCache cache = new PolicyCache(100);
    List<Policy> policies = jdbi.withHandle(h -> new PolicyStore(h, cache)
        .policiesOfWallet(w.id()));
    assertEquals(List.of(second, first), policies.stream().map(Policy::id).toList());
    Policy p = policies.get(1);
    assertEquals("first", p.name());
    assertEquals("ethereum", p.chainType());
    assertEquals("1.0", p.version());
    assertEquals(1, p.rules().size());
    assertEquals(Action.ALLOW, p.rules().get(0).action());
    assertEquals("eth_signTransaction", p.rules().get(0).method());
    assertEquals(A, p.rules().get(0).conditions().get(0).values().get(0));
    List<Policy> again = jdbi.withHandle(h -> new PolicyStore(h, cache)
        .policiesOfWallet(w.id()));
    assertSame(p, again.get(1), "the cached parse");
    assertEquals(2, cache.size());
    assertEquals(List.of(first), jdbi.withHandle(h -> new PolicyStore(h, cache)
        .policies(List.of(first, Ids.random(RANDOM)))).stream().map(Policy::id).toList());

    // a change bumps the revision: the next read parses the new policy
    assertEquals(200, api.call("PATCH", "/v1/policies/" + first, "{\"name\":\"first, renamed\","
        + "\"rules\":[" + toRule("to B", B) + "]}", appA).status());
    Policy changed = jdbi.withHandle(h -> new PolicyStore(h, cache).policiesOfWallet(w.id()))
        .get(1);
    assertNotEquals(p, changed);
    assertEquals("first, renamed", changed.name());
    assertEquals(B, changed.rules().get(0).conditions().get(0).values().get(0));
    assertEquals(List.of(), jdbi.withHandle(h -> new PolicyStore(h, cache)
        .policiesOfWallet(insertWallet(appA, "ethereum", null).id())));
  }

  @Test
  void theCacheIsBounded() {
    PolicyCache cache = new PolicyCache(10);
    for (int i = 0; i < 100; i++) {
      cache.put("p" + i, 1, new Policy("p" + i, "1.0", "n", "ethereum", List.of()));
      assertTrue(cache.size() <= 10, "size " + cache.size());
    }
    Policy newer = new Policy("q", "1.0", "n2", "ethereum", List.of());
    cache.put("q", 2, newer);
    cache.put("q", 1, new Policy("q", "1.0", "n1", "ethereum", List.of()));
    assertSame(newer, cache.policy("q", 2), "an older revision never replaces a newer one");
    assertNull(cache.policy("q", 1));
    assertNull(cache.policy("q", 3));
  }

  // ------------------------------------------------------------------------------- helpers

  private static String createPolicy(CreatedApp app, String body) throws Exception {
    return createBody("/v1/policies", body, app);
  }

  private static String createSet(CreatedApp app, String name) throws Exception {
    return createBody("/v1/condition_sets", "{\"name\":\"" + name + "\"}", app);
  }

  private static String createBody(String path, String body, CreatedApp app) throws Exception {
    Reply r = api.call("POST", path, body, app);
    assertEquals(200, r.status(), r.body());
    return r.json().get("id").asText();
  }

  private static int revision(String policyId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT revision FROM policies WHERE id = :id")
        .bind("id", policyId).mapTo(Integer.class).one());
  }

  private static int itemCount(String setId) {
    return jdbi.withHandle(h -> new ConditionSetStore(h).itemCount(setId));
  }

  /**
   * A wallet as the enclave would have created it: app-owned ({@code owner} null) or owned by a
   * 1-of-1 quorum of {@code owner}'s key.
   */
  private static Wallet insertWallet(CreatedApp app, String chainType, Key owner) {
    WalletAuthority.Builder a = WalletAuthority.newBuilder().setVersion(1)
        .setAppId(app.app().id()).setChainType(chainType);
    if (owner != null) {
      a.setOwner(KeyQuorum.newBuilder().setThreshold(1)
          .addPublicKeys(ByteString.copyFrom(owner.spki())));
    }
    byte[] authority = a.build().toByteArray();
    return jdbi.inTransaction(h -> TestApi.insertWallet(h, app.app().id(), chainType, authority));
  }

  private static long succeeded(CreatedApp app, String action, String id) {
    return api.audit(app, action).stream()
        .filter(r -> r.detail().contains(id) && "succeeded".equals(r.outcome())).count();
  }

  private static Set<String> names(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("id").asText()));
    return out;
  }

  private static boolean contains(JsonNode data, String id) {
    for (JsonNode n : data) {
      if (n.get("id").asText().equals(id)) {
        return true;
      }
    }
    return false;
  }

  /** 400 {@code code}, the error naming {@code path}, and the body's {@code path} field. */
  private static void assertInvalid(Reply r, String code, String path) throws Exception {
    assertEquals(400, r.status(), r.body());
    JsonNode j = r.json();
    assertEquals(code, j.get("code").asText(), r.body());
    assertNotNull(j.get("path"), r.body());
    assertEquals(path, j.get("path").asText(), r.body());
    assertTrue(j.get("error").asText().contains(path), r.body());
    assertEquals(Set.of("error", "code", "path"), names(j), r.body());
    assertFalse(r.body().contains("Exception"), r.body());
  }

  private static void assertError(Reply r, int status, String code) throws Exception {
    assertEquals(status, r.status(), r.body());
    JsonNode j = r.json();
    assertEquals(code, j.get("code").asText(), r.body());
    assertNotNull(j.get("error"));
    assertFalse(r.body().contains("Exception"), r.body());
  }
}
