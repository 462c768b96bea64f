package io.nitrosign.parent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.parent.ParentHostApplication;
import io.nitrosign.parent.ParentHostConfiguration;
import io.nitrosign.parent.TestApi.Reply;
import io.nitrosign.parent.TestApi;
import io.nitrosign.parent.TestApp;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.WalletAuthority;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Policy enforcement through the REST API with a real database and no enclave listening: what a
 * denial answers (403 policy_denied with the deciding policy and rule, no null fields) and audits
 * (one rejected row with the decision), the dry run (decision and decoded payload, no enclave, no
 * owner signature, no reservation, audited as wallet.dry_run), and that an allowed request whose
 * signature fails leaves no reservation behind. Policies are written and attached through the
 * API (a PATCH of policy_ids alone needs no enclave); only the owned wallet, whose PATCH needs its
 * owner's signature, gets its policy in the database.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PolicyEnforcementApiTest {

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TO = "0x000000000000000000000000000000000000dEaD";

  private static Jdbi jdbi;
  private static CreatedApp app;
  private static TestApi api;

  @BeforeAll
  static void createApp() {
    jdbi = Jdbi.create(DB.superuser());
    api = new TestApi(APP, jdbi);
    app = new AppManager(jdbi, RANDOM, Clock.systemUTC(), JSON).create("policies", false);
  }

  // ------------------------------------------------------------------------------------ deny

  @Test
  void aDenyingRuleAnswers403WithThePolicyAndRuleAndAuditsTheDecision() throws Exception {
    String policy = policy("""
        {"version":"1.0","name":"no dead drops","chain_type":"ethereum","rules":[
          {"name":"anything else","method":"eth_signTransaction","conditions":[],"action":"ALLOW"},
          {"name":"never to 0xdead","method":"eth_signTransaction","conditions":[
            {"field_source":"ethereum_transaction","field":"to","operator":"eq",
             "value":"0x000000000000000000000000000000000000dead"}],"action":"DENY"}]}""");
    Wallet w = wallet(null, policy);
    Reply r = rpc(w, transfer("1000", false));
    assertEquals(403, r.status(), r.body());
    JsonNode j = r.json();
    assertEquals("policy_denied", j.get("code").asText());
    assertEquals(policy, j.get("policy_id").asText());
    assertEquals("never to 0xdead", j.get("rule_name").asText());
    assertTrue(j.get("rule_id").isTextual() && !j.get("rule_id").asText().isEmpty());
    assertTrue(j.get("reason").isTextual() && !j.get("reason").asText().isEmpty());
    assertTrue(j.get("error").asText().contains("never to 0xdead"), r.body());
    assertEquals(Set.of("error", "code", "policy_id", "rule_id", "rule_name", "reason"),
        fieldNames(j), r.body());
    assertFalse(r.body().contains("null"), r.body());

    List<AuditRow> rows = audit(w.id(), "wallet.sign");
    assertEquals(1, rows.size(), "one row for the denial");
    AuditRow row = rows.get(0);
    assertEquals("wallet.sign", row.action());
    assertEquals("rejected", row.outcome());
    assertEquals("policy_denied", row.errorCode());
    JsonNode detail = JSON.readTree(row.detail());
    assertEquals("eth_signTransaction", detail.get("method").asText());
    assertEquals("deny", detail.get("policy").get("decision").asText());
    assertEquals(j.get("rule_id").asText(), detail.get("policy").get("rule_id").asText());
    assertEquals(policy, detail.get("policy").get("policy_id").asText());
    assertEquals("1000", detail.get("decoded").get("value").asText());
  }

  @Test
  void aDefaultDenyNamesNoRuleAndLeavesTheRuleFieldsOut() throws Exception {
    String policy = policy("""
        {"version":"1.0","name":"messages only","chain_type":"ethereum","rules":[
          {"name":"sign messages","method":"personal_sign","conditions":[],"action":"ALLOW"}]}""");
    Wallet w = wallet(null, policy);
    Reply r = rpc(w, transfer("1", false));
    assertEquals(403, r.status(), r.body());
    JsonNode j = r.json();
    assertEquals("policy_denied", j.get("code").asText());
    assertFalse(j.has("rule_id"), r.body());
    assertFalse(j.has("rule_name"), r.body());
    assertTrue(j.get("reason").asText().length() > 0, r.body());
    assertFalse(r.body().contains("null"), r.body());
    AuditRow row = audit(w.id(), "wallet.sign").get(0);
    assertEquals("policy_denied", row.errorCode());
    JsonNode decision = JSON.readTree(row.detail()).get("policy");
    assertEquals("deny", decision.get("decision").asText());
    assertTrue(decision.get("policies").toString().contains(policy), row.detail());
  }

  // --------------------------------------------------------------------------------- dry run

  @Test
  void aDryRunAnswersTheDecisionAndTheDecodedPayloadWithoutTheEnclave() throws Exception {
    String policy = policy("""
        {"version":"1.0","name":"small transfers","chain_type":"ethereum","rules":[
          {"name":"up to 1 ETH","method":"eth_signTransaction","conditions":[
            {"field_source":"ethereum_transaction","field":"value","operator":"lte",
             "value":"1000000000000000000"}],"action":"ALLOW"}]}""");
    Wallet w = wallet(null, policy);
    // no enclave is listening: anything but a dry run would be 503
    Reply allowed = rpc(w, transfer("1000000000000000000", true));
    assertEquals(200, allowed.status(), allowed.body());
    JsonNode a = allowed.json();
    assertEquals(Set.of("method", "dry_run", "decision", "decoded"), fieldNames(a));
    assertEquals("eth_signTransaction", a.get("method").asText());
    assertTrue(a.get("dry_run").asBoolean());
    assertEquals("allow", a.get("decision").get("decision").asText());
    assertEquals("up to 1 ETH", a.get("decision").get("rule_name").asText());
    assertEquals("1000000000000000000", a.get("decoded").get("value").asText());
    assertEquals(TO, a.get("decoded").get("to").asText());

    Reply denied = rpc(w, transfer("1000000000000000001", true));
    assertEquals(200, denied.status(), denied.body());
    assertEquals("deny", denied.json().get("decision").get("decision").asText());

    List<AuditRow> rows = audit(w.id(), "wallet.dry_run");
    assertEquals(2, rows.size());
    for (AuditRow row : rows) {
      assertEquals("wallet.dry_run", row.action());
      assertEquals("succeeded", row.outcome());
      assertTrue(JSON.readTree(row.detail()).get("policy").has("decision"), row.detail());
    }
  }

  @Test
  void aDryRunOfAWalletWithoutPoliciesSaysSo() throws Exception {
    Wallet w = wallet(null, null);
    Reply r = rpc(w, transfer("5", true));
    assertEquals(200, r.status(), r.body());
    assertEquals(JSON.readTree("{\"decision\":\"allow\",\"reason\":\"wallet has no policies\"}"),
        r.json().get("decision"));
  }

  @Test
  void aDryRunOfAnOwnedWalletNeedsNoOwnerSignature() throws Exception {
    String policy = policy("""
        {"version":"1.0","name":"all","chain_type":"ethereum","rules":[
          {"name":"all","method":"*","conditions":[],"action":"ALLOW"}]}""");
    byte[] owner = WalletAuthority.newBuilder().setVersion(1).setAppId(app.app().id())
        .setChainType("ethereum").setOwner(KeyQuorum.newBuilder().setThreshold(1)
            .addPublicKeys(ByteString.copyFrom(new byte[91]))).build().toByteArray();
    Wallet w = wallet(owner, policy);
    Reply dry = rpc(w, transfer("7", true));
    assertEquals(200, dry.status(), dry.body());
    assertEquals("allow", dry.json().get("decision").get("decision").asText());
    Reply real = rpc(w, transfer("7", false));
    assertEquals(401, real.status(), real.body());
    assertEquals("missing_authorization_signature", real.json().get("code").asText());
  }

  @Test
  void dryRunMustBeABooleanAndCannotAskForAnAttestation() throws Exception {
    Wallet w = wallet(null, null);
    Reply notBoolean = rpc(w, transfer("1", false).replaceFirst("\\{", "{\"dry_run\":\"yes\","));
    assertEquals(400, notBoolean.status(), notBoolean.body());
    assertEquals("invalid_request", notBoolean.json().get("code").asText());
    Reply attested = rpc(w, transfer("1", true).replaceFirst("\\{", "{\"attest\":true,"));
    assertEquals(400, attested.status(), attested.body());
    assertEquals("invalid_request", attested.json().get("code").asText());
  }

  // ------------------------------------------------------------------------- spending limits

  @Test
  void aSpendingLimitsDryRunReservesNothingAndAFailedSignatureLeavesNoReservation()
      throws Exception {
    Reply agg = api.call("POST", "/v1/aggregations", """
        {"name":"value per hour","method":"eth_signTransaction",
         "metric":{"field_source":"ethereum_transaction","field":"value","function":"sum"},
         "window":{"type":"rolling","seconds":3600}}""", app);
    assertEquals(200, agg.status(), agg.body());
    String aggregation = agg.json().get("id").asText();
    String policy = policy("""
        {"version":"1.0","name":"cap","chain_type":"ethereum","rules":[
          {"name":"under 100 wei an hour","method":"eth_signTransaction","conditions":[
            {"field_source":"reference","field":"aggregation.%s","operator":"lte",
             "value":"100"}],"action":"ALLOW"}]}""".formatted(aggregation));
    Wallet w = wallet(null, policy);
    assertEquals("allow", rpc(w, transfer("100", true)).json().get("decision").get("decision")
        .asText());
    assertEquals("deny", rpc(w, transfer("101", true)).json().get("decision").get("decision")
        .asText());
    assertEquals(0, ledgerEntries(w.id()), "a dry run reserves nothing");

    // allowed, but no enclave is listening: the reservation is released
    Reply failed = rpc(w, transfer("60", false));
    assertEquals(503, failed.status(), failed.body());
    assertEquals(0, ledgerEntries(w.id()), "a failed signature does not count");
    List<AuditRow> signs = audit(w.id(), "wallet.sign");
    assertEquals(1, signs.size());
    AuditRow row = signs.get(0);
    assertEquals("wallet.sign", row.action());
    assertEquals("failed", row.outcome());
    assertEquals("allow", JSON.readTree(row.detail()).get("policy").get("decision").asText());
    // so the whole cap is still there
    assertEquals("allow", rpc(w, transfer("100", true)).json().get("decision").get("decision")
        .asText());
  }

  // --------------------------------------------------------------------------------- helpers

  private static String transfer(String value, boolean dryRun) {
    return "{" + (dryRun ? "\"dry_run\":true," : "") + "\"method\":\"eth_signTransaction\","
        + "\"params\":{\"transaction\":{\"chain_id\":1,\"nonce\":0,\"value\":\"" + value + "\","
        + "\"gas_limit\":21000,\"max_priority_fee_per_gas\":1,\"max_fee_per_gas\":2,"
        + "\"to\":\"" + TO + "\"}}}";
  }

  private static String policy(String body) throws Exception {
    Reply r = api.call("POST", "/v1/policies", body, app);
    assertEquals(200, r.status(), r.body());
    return r.json().get("id").asText();
  }

  /** An Ethereum wallet of the app (random key, no enclave), with {@code policy} attached. */
  private static Wallet wallet(byte[] owner, String policy) throws Exception {
    Wallet w = jdbi.inTransaction(h ->
        TestApi.insertWallet(h, app.app().id(), Wallet.CHAIN_ETHEREUM, owner));
    String id = w.id();
    if (policy != null && owner == null) {
      Reply r = api.call("PATCH", "/v1/wallets/" + id, "{\"policy_ids\":[\"" + policy + "\"]}", app);
      assertEquals(200, r.status(), r.body());
    } else if (policy != null) {
      jdbi.useHandle(h -> h.execute("INSERT INTO wallet_policies (wallet_id, policy_id, position)"
          + " VALUES (?, ?, 0)", id, policy));
    }
    return w;
  }

  /** The wallet's audit rows of {@code action} (attaching a policy writes wallet.update). */
  private static List<AuditRow> audit(String walletId, String action) {
    return jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).forWallet(walletId))
        .stream().filter(r -> r.action().equals(action)).toList();
  }

  private static int ledgerEntries(String walletId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM policy_spend_entries"
        + " WHERE wallet_id = :w").bind("w", walletId).mapTo(Integer.class).one());
  }

  private static Reply rpc(Wallet w, String body) throws Exception {
    return api.call("POST", "/v1/wallets/" + w.id() + "/rpc", body, app);
  }

  private static Set<String> fieldNames(JsonNode j) {
    Set<String> names = new HashSet<>();
    j.fieldNames().forEachRemaining(names::add);
    return names;
  }

}
