package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Privy's official Node SDK ({@code @privy-io/node}, the version pinned in
 * devkit/src/test/node/package.json) against the running system, changing only its
 * {@code apiUrl}: devkit/src/test/node/privy-sdk-e2e.mjs creates owned wallets and a 2-of-3 key
 * quorum, signs with the SDK's own authorization signatures, and checks the results with ethers.js;
 * each step prints one JSON line, asserted here. The SDK is the client: if Node.js or the packages
 * cannot be installed, these tests fail (they have nothing to check without it).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PrivySdkEndToEndTest {

  private static SharedStack shared;
  private static NodeScript script;

  @BeforeAll
  static void runTheSdkAgainstTheStack() throws Exception {
    shared = SharedStack.get();
    script = NodeScript.run(shared, "privy-sdk-e2e.mjs");
  }

  /** The result line of {@code name}; fails when the step is missing or failed unexpectedly. */
  private static JsonNode step(String name) {
    return script.step(name);
  }

  private static void assertRefused(String name, String code) {
    JsonNode n = step(name);
    assertEquals(401, n.get("status").asInt(), n::toString);
    assertEquals(code, n.get("code").asText(), n::toString);
    List<String> shape = new ArrayList<>();
    n.get("error_shape").forEach(k -> shape.add(k.asText()));
    assertTrue(shape.contains("error") && shape.contains("code"), n::toString);
  }

  @Test
  void every_sdk_step_runs_and_the_script_exits_cleanly() {
    assertEquals(0, script.exitCode(), () -> "script output:\n" + script.output());
    assertEquals(List.of("create_owned_wallet", "sign_message", "sign_transaction",
        "refused_without_authorization", "refused_with_wrong_key", "refused_when_expired",
        "create_key_quorum", "create_quorum_wallet", "quorum_two_of_three_signs",
        "quorum_one_of_three_refused", "update_owner", "old_owner_refused_after_update",
        "new_owner_signs_after_update"), new ArrayList<>(script.steps().keySet()),
        script.output());
  }

  @Test
  void a_wallet_created_with_an_owner_public_key_has_privys_wallet_shape() {
    JsonNode w = step("create_owned_wallet");
    assertTrue(w.get("id").asText().length() > 0);
    assertTrue(w.get("address").asText().matches("0x[0-9a-fA-F]{40}"), w::toString);
    assertEquals("ethereum", w.get("chain_type").asText());
    // As Privy does, an owner given as {public_key} becomes a 1-of-1 key quorum whose id is the
    // wallet's owner_id (the ownership itself is checked by the signing steps below).
    assertTrue(w.get("owner_id").isTextual() && !w.get("owner_id").asText().isEmpty(),
        w::toString);
    assertTrue(w.get("additional_signers").isArray(), w::toString);
    List<String> keys = new ArrayList<>();
    w.get("keys").forEach(k -> keys.add(k.asText()));
    for (String field : List.of("id", "address", "chain_type", "created_at", "exported_at",
        "imported_at", "owner_id", "policy_ids", "additional_signers")) {
      assertTrue(keys.contains(field), () -> "the SDK's Wallet type has " + field + ": " + keys);
    }
  }

  @Test
  void the_owner_signs_a_message_that_ethers_recovers_to_the_wallet_address() {
    JsonNode s = step("sign_message");
    assertEquals(s.get("address").asText(), s.get("recovered").asText());
    assertEquals("hex", s.get("encoding").asText());
  }

  @Test
  void the_owner_signs_an_eip1559_transaction_that_ethers_attributes_to_the_wallet() {
    JsonNode t = step("sign_transaction");
    assertEquals(t.get("address").asText(), t.get("from").asText());
    assertEquals(2, t.get("type").asInt());
    assertEquals("11155111", t.get("chain_id").asText());
    assertEquals(7, t.get("nonce").asInt());
    assertEquals("0x3535353535353535353535353535353535353535", t.get("to").asText());
    assertEquals("10000000000000000", t.get("value").asText());
    assertEquals("rlp", t.get("encoding").asText());
  }

  @Test
  void a_request_without_the_owners_signature_is_refused_as_missing() {
    assertRefused("refused_without_authorization", "missing_authorization_signature");
  }

  @Test
  void a_request_signed_by_another_key_is_refused_as_invalid() {
    assertRefused("refused_with_wrong_key", "invalid_authorization_signature");
  }

  @Test
  void a_request_that_expired_two_minutes_ago_is_refused_as_expired() {
    assertRefused("refused_when_expired", "request_expired");
  }

  @Test
  void a_two_of_three_key_quorum_is_created_and_read_back_through_the_sdk() {
    JsonNode q = step("create_key_quorum");
    assertEquals(2, q.get("authorization_threshold").asInt());
    assertEquals("sdk e2e 2-of-3", q.get("display_name").asText());
    assertEquals(3, q.get("authorization_keys").asInt());
    assertTrue(q.get("keys_match").asBoolean(), q::toString);
    assertEquals(q.get("id").asText(), q.get("fetched_id").asText());
    assertEquals(2, q.get("fetched_threshold").asInt());
    JsonNode w = step("create_quorum_wallet");
    assertEquals(q.get("id").asText(), w.get("owner_id").asText());
  }

  @Test
  void two_of_three_quorum_members_sign_for_the_quorums_wallet() {
    JsonNode s = step("quorum_two_of_three_signs");
    assertEquals(s.get("address").asText(), s.get("recovered").asText());
  }

  @Test
  void one_quorum_member_alone_is_refused_as_insufficient() {
    assertRefused("quorum_one_of_three_refused", "insufficient_signatures");
  }

  @Test
  void the_owner_hands_the_wallet_to_a_new_key_and_only_the_new_key_signs_after() {
    JsonNode u = step("update_owner");
    assertEquals(step("create_owned_wallet").get("id").asText(), u.get("id").asText());
    assertEquals(step("create_owned_wallet").get("address").asText(), u.get("address").asText());
    // the new key is a new 1-of-1 key quorum: a new owner_id; and the change shows in who may sign
    assertTrue(u.get("owner_id").isTextual(), u::toString);
    assertNotEquals(u.get("previous_owner_id").asText(), u.get("owner_id").asText());
    assertRefused("old_owner_refused_after_update", "invalid_authorization_signature");
    JsonNode s = step("new_owner_signs_after_update");
    assertEquals(s.get("address").asText(), s.get("recovered").asText());
  }

  @Test
  void the_refused_requests_are_audited_as_rejected_with_their_codes() throws Exception {
    String owned = step("create_owned_wallet").get("id").asText();
    String quorumOwned = step("create_quorum_wallet").get("id").asText();
    Map<String, Long> ownedCounts = auditCounts(owned);
    assertEquals(1L, ownedCounts.get("rejected/missing_authorization_signature"), ownedCounts::toString);
    // the stranger's key before the update, the old owner's after it
    assertEquals(2L, ownedCounts.get("rejected/invalid_authorization_signature"), ownedCounts::toString);
    assertEquals(1L, ownedCounts.get("rejected/request_expired"), ownedCounts::toString);
    assertEquals(3L, ownedCounts.get("succeeded/null"), ownedCounts::toString);
    Map<String, Long> quorumCounts = auditCounts(quorumOwned);
    assertEquals(1L, quorumCounts.get("rejected/insufficient_signatures"), quorumCounts::toString);
    assertEquals(1L, quorumCounts.get("succeeded/null"), quorumCounts::toString);
  }

  /** wallet.sign audit rows of {@code walletId} by outcome/error code. */
  private static Map<String, Long> auditCounts(String walletId) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    try (Connection c = DriverManager.getConnection(shared.stack().jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement("SELECT outcome, error_code FROM audit_log"
            + " WHERE wallet_id = ? AND action = 'wallet.sign'")) {
      ps.setString(1, walletId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.merge(rs.getString(1) + "/" + rs.getString(2), 1L, Long::sum);
        }
      }
    }
    return counts;
  }
}
