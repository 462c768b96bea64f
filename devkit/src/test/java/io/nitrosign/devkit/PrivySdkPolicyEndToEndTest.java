package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Policies through Privy's official Node SDK against the running system (issue 11, item 8):
 * devkit/src/test/node/privy-sdk-policies.mjs creates a condition set of 2,000 addresses,
 * policies and an aggregation, attaches them to wallets, and signs; allowed transactions come back
 * signed and are checked with ethers.js (Ethereum) and noble-curves (Solana Ed25519); refused ones
 * are 403 {@code policy_denied} with the appliance's explanation. Each step prints one JSON line,
 * asserted here. Without Node.js and the packages there is nothing to check: the test fails.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PrivySdkPolicyEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static SharedStack shared;
  private static NodeScript script;

  @BeforeAll
  static void runTheSdkAgainstTheStack() throws Exception {
    shared = SharedStack.get();
    script = NodeScript.run(shared, "privy-sdk-policies.mjs");
  }

  /** The result line of {@code name}; fails when the step is missing or failed unexpectedly. */
  private static JsonNode step(String name) {
    return script.step(name);
  }

  /** A 403 policy_denied with an explanation; returns it. */
  private static JsonNode denied(String name) {
    JsonNode n = step(name);
    assertEquals(403, n.get("status").asInt(), n::toString);
    assertEquals("policy_denied", n.get("code").asText(), n::toString);
    assertTrue(n.get("has_error").asBoolean(), n::toString);
    assertTrue(n.get("reason").isTextual() && !n.get("reason").asText().isBlank(), n::toString);
    return n;
  }

  /** A denial by default: no rule allowed; the reason says so and names the policy consulted. */
  private static void deniedByDefault(String name, String policyId) {
    JsonNode n = denied(name);
    assertTrue(n.get("rule_id").isNull(), n::toString);
    assertTrue(n.get("reason").asText().contains(policyId), n::toString);
  }

  @Test
  void every_sdk_step_runs_and_the_script_exits_cleanly() {
    assertEquals(0, script.exitCode(), () -> "script output:\n" + script.output());
    assertEquals(List.of("create_condition_set", "create_policy", "create_wallet_with_policy",
        "allowlisted_recipient_signed", "recipient_not_in_allowlist_denied",
        "value_over_ceiling_denied", "erc20_transfer_signed",
        "erc20_transfer_to_other_recipient_denied", "erc20_transfer_amount_over_limit_denied",
        "typed_data_on_mainnet_signed", "typed_data_on_another_chain_denied",
        "deny_wins_over_allow", "method_without_rule_denied", "dry_run_explains_without_signing",
        "inside_time_window_signed", "outside_time_window_denied", "create_aggregation",
        "spending_within_limit_signed", "spending_limit_reached_denied",
        "owned_policy_update_without_signature_refused", "owned_policy_update_with_owner_signature",
        "solana_policy_and_wallet", "solana_transfer_to_recipient_signed",
        "solana_transfer_to_stranger_denied", "solana_transfer_over_lamports_denied",
        "spl_transfer_checked_of_allowed_mint_signed", "spl_transfer_checked_of_other_mint_denied"),
        new ArrayList<>(script.steps().keySet()), script.output());
  }

  @Test
  void condition_sets_and_policies_have_privys_shapes() {
    JsonNode cs = step("create_condition_set");
    assertEquals("withdrawal allowlist", cs.get("name").asText());
    assertEquals(100, cs.get("items_on_first_page").asInt(), cs::toString);
    for (String f : List.of("id", "name", "owner_id", "created_at")) {
      assertTrue(cs.get("keys").toString().contains('"' + f + '"'), cs::toString);
    }
    for (String f : List.of("id", "condition_set_id", "value", "created_at")) {
      assertTrue(cs.get("item_keys").toString().contains('"' + f + '"'), cs::toString);
    }
    JsonNode p = step("create_policy");
    assertEquals("ethereum", p.get("chain_type").asText());
    assertEquals("1.0", p.get("version").asText());
    assertEquals(5, p.get("rules").asInt());
    for (String f : List.of("id", "name", "chain_type", "version", "owner_id", "created_at", "rules")) {
      assertTrue(p.get("keys").toString().contains('"' + f + '"'), p::toString);
    }
    for (String f : List.of("id", "name", "method", "conditions", "action")) {
      assertTrue(p.get("rule_keys").toString().contains('"' + f + '"'), p::toString);
    }
    assertEquals(p.get("id").asText(), step("create_wallet_with_policy").get("policy_ids").get(0).asText());
  }

  @Test
  void an_allowlisted_recipient_under_the_ceiling_is_signed_and_ethers_attributes_it() {
    JsonNode s = step("allowlisted_recipient_signed");
    assertEquals(s.get("address").asText().toLowerCase(), s.get("from").asText().toLowerCase());
    assertEquals("0x1111111111111111111111111111111111111111", s.get("to").asText().toLowerCase());
  }

  @Test
  void recipients_outside_the_allowlist_and_values_over_the_ceiling_are_denied_by_default() {
    String policy = step("create_policy").get("id").asText();
    deniedByDefault("recipient_not_in_allowlist_denied", policy);
    deniedByDefault("value_over_ceiling_denied", policy);
  }

  @Test
  void erc20_transfer_recipient_and_amount_are_read_from_calldata_with_the_abi() {
    JsonNode s = step("erc20_transfer_signed");
    assertEquals(s.get("address").asText().toLowerCase(), s.get("from").asText().toLowerCase());
    assertTrue(s.get("data").asText().startsWith("0xa9059cbb"), s::toString);
    String policy = step("create_policy").get("id").asText();
    deniedByDefault("erc20_transfer_to_other_recipient_denied", policy);
    deniedByDefault("erc20_transfer_amount_over_limit_denied", policy);
  }

  @Test
  void typed_data_is_allowed_only_for_the_domain_chain_id_of_the_rule() {
    JsonNode s = step("typed_data_on_mainnet_signed");
    assertEquals(s.get("address").asText().toLowerCase(), s.get("recovered").asText().toLowerCase());
    deniedByDefault("typed_data_on_another_chain_denied", step("create_policy").get("id").asText());
  }

  @Test
  void a_matching_deny_rule_wins_over_a_matching_allow_rule_and_is_named() {
    JsonNode n = denied("deny_wins_over_allow");
    assertEquals("Block the mixer", n.get("rule_name").asText(), n::toString);
    assertEquals(step("create_policy").get("id").asText(), n.get("policy_id").asText());
    assertTrue(n.get("rule_id").isTextual(), n::toString);
  }

  @Test
  void a_method_without_any_rule_is_denied_by_default() {
    deniedByDefault("method_without_rule_denied", step("create_policy").get("id").asText());
  }

  @Test
  void a_dry_run_returns_the_decision_and_decoded_fields_without_signing() {
    JsonNode n = step("dry_run_explains_without_signing");
    assertTrue(n.get("dry_run").asBoolean(), n::toString);
    assertEquals("deny", n.get("decision").asText(), n::toString);
    assertEquals("Block the mixer", n.get("rule_name").asText(), n::toString);
    assertEquals("0x3333333333333333333333333333333333333333", n.get("decoded_to").asText().toLowerCase());
    assertFalse(n.get("signed").asBoolean(), n::toString);
  }

  @Test
  void a_time_window_allows_inside_it_and_denies_after_the_policy_moved_it_into_the_past() {
    JsonNode s = step("inside_time_window_signed");
    assertEquals(s.get("address").asText().toLowerCase(), s.get("from").asText().toLowerCase());
    JsonNode n = step("outside_time_window_denied");
    assertEquals(1, n.get("updated_rules").asInt());
    assertEquals(403, n.get("status").asInt(), n::toString);
    assertEquals("policy_denied", n.get("code").asText(), n::toString);
  }

  @Test
  void a_spending_limit_allows_up_to_the_cap_in_the_window_and_then_denies() {
    assertTrue(step("create_aggregation").get("id").isTextual());
    JsonNode s = step("spending_within_limit_signed");
    assertEquals(3, s.get("signed").size(), s::toString);
    s.get("signed").forEach(from -> assertEquals(s.get("address").asText().toLowerCase(),
        from.asText().toLowerCase()));
    // the only ALLOW rule's reference condition no longer holds: a default deny naming it
    JsonNode n = denied("spending_limit_reached_denied");
    assertTrue(n.get("rule_id").isNull(), n::toString);
    assertTrue(n.get("reason").asText().contains("aggregation."), n::toString);
  }

  @Test
  void an_owned_policy_changes_only_with_its_owners_signature() {
    JsonNode n = step("owned_policy_update_without_signature_refused");
    assertTrue(n.get("owner_id").isTextual(), n::toString);
    assertEquals(401, n.get("status").asInt(), n::toString);
    assertEquals("missing_authorization_signature", n.get("code").asText(), n::toString);
    assertEquals("renamed", step("owned_policy_update_with_owner_signature").get("name").asText());
  }

  @Test
  void solana_system_transfers_are_limited_by_recipient_and_lamports() {
    assertTrue(step("solana_transfer_to_recipient_signed").get("verified").asBoolean());
    String policy = step("solana_policy_and_wallet").get("policy_id").asText();
    deniedByDefault("solana_transfer_to_stranger_denied", policy);
    deniedByDefault("solana_transfer_over_lamports_denied", policy);
  }

  @Test
  void spl_transfer_checked_is_limited_by_mint() {
    assertTrue(step("spl_transfer_checked_of_allowed_mint_signed").get("verified").asBoolean());
    deniedByDefault("spl_transfer_checked_of_other_mint_denied",
        step("solana_policy_and_wallet").get("policy_id").asText());
  }

  @Test
  void every_decision_is_in_the_wallets_audit_rows() throws Exception {
    String walletId = null;
    // the ethereum policy wallet: 4 signed (2 eth, typed data) and 7 denied, plus one dry run
    for (JsonNode n : script.steps().values()) {
      if (n.has("policy_ids") && n.get("step").asText().equals("create_wallet_with_policy")) {
        walletId = n.get("id").asText();
      }
    }
    assertNotNull(walletId);
    Map<String, Long> counts = new LinkedHashMap<>();
    List<String> denials = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(shared.stack().jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement("SELECT action, outcome, error_code, detail"
            + " FROM audit_log WHERE wallet_id = ? AND action IN ('wallet.sign', 'wallet.dry_run')")) {
      ps.setString(1, walletId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.merge(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3), 1L, Long::sum);
          JsonNode detail = JSON.readTree(rs.getString(4));
          if ("policy_denied".equals(rs.getString(3))) {
            assertEquals("deny", detail.path("policy").path("decision").asText(), detail::toString);
            denials.add(detail.path("policy").path("reason").asText());
          } else if ("succeeded".equals(rs.getString(2)) && rs.getString(1).equals("wallet.sign")) {
            assertEquals("allow", detail.path("policy").path("decision").asText(), detail::toString);
          }
        }
      }
    }
    assertEquals(3L, counts.get("wallet.sign/succeeded/null"), counts::toString);
    assertEquals(7L, counts.get("wallet.sign/rejected/policy_denied"), counts::toString);
    assertEquals(1L, counts.get("wallet.dry_run/succeeded/null"), counts::toString);
    denials.forEach(r -> assertFalse(r.isBlank()));
  }
}
