package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Privy's official Node SDK (the pinned {@code @privy-io/node}) against the running system for what
 * a Privy integration calls besides create/get/rpc: devkit/src/test/node/privy-sdk-parity.mjs
 * drives {@code wallets().rawSign} (a hash; bytes with keccak256 and with sha256; an owned wallet
 * with the SDK's authorization signature; an Ed25519 Solana wallet), verifies every signature
 * itself (ethers recovers the address, noble-curves verifies secp256k1 and Ed25519 under the
 * wallet's {@code public_key}), and exercises the list filters, {@code display_name} /
 * {@code external_id}, the optional rpc fields and Privy's {@code bitcoin-segwit} name. The
 * script runs as an app created with raw signing; the stack's default app (without it) is the
 * one whose rawSign must be refused.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PrivySdkParityEndToEndTest {

  private static NodeScript script;

  @BeforeAll
  static void runTheSdkAgainstTheStack() throws Exception {
    SharedStack shared = SharedStack.get();
    JsonNode raw = shared.stack().createApp("sdk-parity", "--allow-raw-sign");
    script = NodeScript.run(shared, "privy-sdk-parity.mjs", raw.get("app_id").asText(),
        raw.get("app_secret").asText(), Map.of("PRIVY_PLAIN_APP_ID", shared.appId(),
            "PRIVY_PLAIN_APP_SECRET", shared.appSecret()));
  }

  private static JsonNode step(String name) {
    return script.step(name);
  }

  private static void assertRefused(String name, int status, String code) {
    JsonNode n = step(name);
    assertEquals(status, n.get("status").asInt(), n::toString);
    assertEquals(code, n.get("code").asText(), n::toString);
  }

  /** A secp256k1 raw_sign step: 65 bytes, hex, ethers recovers the wallet, noble verifies. */
  private static void assertSecp256k1(String name) {
    JsonNode n = step(name);
    assertEquals("hex", n.get("encoding").asText(), n::toString);
    assertEquals(65, n.get("signature_bytes").asInt(), n::toString);
    assertEquals(n.get("address").asText(), n.get("recovered").asText(), n::toString);
    assertTrue(n.get("noble_verifies").asBoolean(), n::toString);
  }

  @Test
  void every_sdk_step_runs_and_the_script_exits_cleanly() {
    assertEquals(0, script.exitCode(), () -> "script output:\n" + script.output());
    assertEquals(List.of("create_labelled_wallet", "get_labelled_wallet", "raw_sign_hash",
        "raw_sign_bytes_keccak256", "raw_sign_bytes_sha256_hex", "raw_sign_bad_hash_refused",
        "raw_sign_refused_without_raw_signing", "raw_sign_owned_wallet",
        "raw_sign_owned_wallet_unsigned_refused", "raw_sign_solana", "list_filters",
        "list_unknown_filter_refused", "update_display_name", "external_id_write_once_refused",
        "external_id_unique_refused", "rpc_with_optional_fields",
        "rpc_with_another_wallets_address_refused", "create_bitcoin_segwit"),
        new ArrayList<>(script.steps().keySet()), script.output());
  }

  @Test
  void raw_sign_of_a_hash_and_of_bytes_is_a_signature_of_the_wallet_over_that_digest() {
    assertSecp256k1("raw_sign_hash");
    assertSecp256k1("raw_sign_bytes_keccak256");
    assertSecp256k1("raw_sign_bytes_sha256_hex");
    assertRefused("raw_sign_bad_hash_refused", 400, "invalid_request");
  }

  @Test
  void raw_sign_needs_raw_signing_and_an_owned_wallets_signature() {
    assertRefused("raw_sign_refused_without_raw_signing", 403, "method_not_allowed_for_app");
    assertSecp256k1("raw_sign_owned_wallet");
    assertRefused("raw_sign_owned_wallet_unsigned_refused", 401,
        "missing_authorization_signature");
  }

  @Test
  void an_ed25519_wallet_signs_the_hash_as_given_or_the_hash_of_the_bytes() {
    JsonNode n = step("raw_sign_solana");
    assertEquals(32, n.get("public_key_bytes").asInt(), n::toString);
    assertTrue(n.get("public_key_is_address").asBoolean(), n::toString);
    assertEquals("hex", n.get("encoding").asText(), n::toString);
    assertEquals(64, n.get("signature_bytes").asInt(), n::toString);
    assertTrue(n.get("verifies").asBoolean(), n::toString);
    assertTrue(n.get("sha256_verifies").asBoolean(), n::toString);
    assertTrue(n.get("sha256_not_over_bytes").asBoolean(), n::toString);
  }

  @Test
  void a_wallet_has_privys_labels_and_public_key_encoding() {
    JsonNode w = step("create_labelled_wallet");
    assertEquals("Treasury", w.get("display_name").asText(), w::toString);
    assertEquals(w.get("external_id_sent").asText(), w.get("external_id").asText(), w::toString);
    // the compressed SEC1 key, whose Ethereum address is the wallet's
    assertTrue(w.get("public_key").asText().matches("0x0[23][0-9a-f]{64}"), w::toString);
    assertEquals(w.get("address").asText(), w.get("address_of_public_key").asText(), w::toString);
    JsonNode got = step("get_labelled_wallet");
    assertEquals("Treasury", got.get("display_name").asText(), got::toString);
    assertEquals(w.get("public_key").asText(), got.get("public_key").asText());

    JsonNode renamed = step("update_display_name");
    assertEquals("Renamed", renamed.get("display_name").asText(), renamed::toString);
    assertEquals(w.get("external_id").asText(), renamed.get("external_id").asText());
    assertRefused("external_id_write_once_refused", 400, "invalid_request");
    assertRefused("external_id_unique_refused", 409, "external_id_in_use");
  }

  @Test
  void the_list_filters_are_applied() {
    JsonNode n = step("list_filters");
    String eth = n.get("expected").get("eth").asText();
    String owned = n.get("expected").get("owned").asText();
    assertEquals(List.of(eth), texts(n.get("by_address")), n::toString);
    assertEquals(List.of(eth), texts(n.get("by_lowercase_address")), n::toString);
    assertEquals(List.of(eth), texts(n.get("by_external_id")), n::toString);
    assertEquals(List.of(owned), texts(n.get("by_authorization_key")), n::toString);
    assertTrue(n.get("solana_has_sol").asBoolean(), n::toString);
    assertFalse(n.get("solana_has_eth").asBoolean(), n::toString);
    assertEquals(List.of(), texts(n.get("by_user_id")), n::toString);
    assertEquals(2, n.get("all_has_both").asInt(), n::toString);
    assertRefused("list_unknown_filter_refused", 400, "invalid_request");
  }

  @Test
  void the_sdks_optional_rpc_fields_and_privys_bitcoin_segwit_are_accepted() {
    JsonNode r = step("rpc_with_optional_fields");
    assertEquals("personal_sign", r.get("method").asText());
    assertEquals(r.get("address").asText(), r.get("recovered").asText(), r::toString);
    assertRefused("rpc_with_another_wallets_address_refused", 400, "invalid_request");
    JsonNode btc = step("create_bitcoin_segwit");
    assertEquals("bitcoin", btc.get("chain_type").asText(), btc::toString);
    assertTrue(btc.get("address").asText().startsWith("bc1q"), btc::toString);
    assertEquals(33, btc.get("public_key_bytes").asInt(), btc::toString);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }
}
