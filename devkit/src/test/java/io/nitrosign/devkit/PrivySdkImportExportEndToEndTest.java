package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * Privy's official Node SDK imports and exports keys through the running system (enclave,
 * parent, database): devkit/src/test/node/privy-sdk-import-export.mjs calls
 * {@code wallets().import} (HPKE with ChaCha20-Poly1305 to the enclave's key, the key as the SDK
 * encodes it) and {@code wallets().exportPrivateKey} (the enclave seals the key to the SDK's
 * fresh SPKI key; the SDK decrypts it), for a published secp256k1 key with an owner, a fresh
 * app-owned key (exported with the deployment export quorum's signature) and a Solana keypair,
 * and checks each key that comes back against ethers.js and noble-curves. The app is one of the
 * shared stack made with {@code --allow-export}.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PrivySdkImportExportEndToEndTest {

  /** The web3.js documentation's account. */
  private static final String KNOWN_KEY =
      "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  private static final String KNOWN_ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";

  private static SharedStack shared;
  private static String appId;
  private static NodeScript script;

  @BeforeAll
  static void runTheSdkAgainstTheStack() throws Exception {
    shared = SharedStack.get();
    JsonNode app = shared.stack().createApp("sdk-import-export", "--allow-export");
    appId = app.get("app_id").asText();
    String quorumKey = Files.readString(shared.stack().exportQuorumKeyFile(),
        StandardCharsets.UTF_8).strip();
    script = NodeScript.runWithSecrets(shared, "privy-sdk-import-export.mjs", appId,
        app.get("app_secret").asText(), Map.of("PRIVY_EXPORT_QUORUM_KEY", quorumKey));
  }

  private static JsonNode step(String name) {
    return script.step(name);
  }

  private static void assertRefused(String name, int status, String code) {
    JsonNode n = step(name);
    assertEquals(status, n.get("status").asInt(), n::toString);
    assertEquals(code, n.get("code").asText(), n::toString);
  }

  @Test
  void every_sdk_step_runs_and_the_script_exits_cleanly() {
    assertEquals(0, script.exitCode(), () -> "script output:\n" + script.output());
    assertEquals(List.of("import_known_key", "imported_key_signs",
        "export_refused_without_owner_signature", "export_refused_for_a_stranger",
        "export_known_key", "export_seed_phrase_refused", "import_app_owned_key",
        "export_app_owned_key_with_the_export_quorum", "import_solana_key", "export_solana_key",
        "import_malformed_ciphertext", "import_refused_for_another_address"),
        new ArrayList<>(script.steps().keySet()), script.output());
  }

  @Test
  void a_published_key_imported_by_the_sdk_has_the_address_ethers_derives_and_signs_for_it() {
    JsonNode w = step("import_known_key");
    assertEquals(KNOWN_ADDRESS, w.get("ethers_address").asText());
    assertEquals(KNOWN_ADDRESS, w.get("address").asText());
    assertEquals("ethereum", w.get("chain_type").asText());
    assertTrue(w.get("owner_id").isTextual(), w::toString);
    assertTrue(w.get("imported_at").isNumber(), w::toString);
    JsonNode s = step("imported_key_signs");
    assertEquals(KNOWN_ADDRESS, s.get("recovered").asText());
  }

  @Test
  void export_private_key_returns_the_imported_key_byte_for_byte_to_its_owner() {
    JsonNode e = step("export_known_key");
    assertEquals(KNOWN_KEY, e.get("private_key").asText());
    assertTrue(e.get("same").asBoolean(), e::toString);
    assertEquals(KNOWN_ADDRESS, e.get("ethers_address").asText());
  }

  @Test
  void an_owned_wallet_is_exported_only_with_its_owners_signature() {
    assertRefused("export_refused_without_owner_signature", 401,
        "missing_authorization_signature");
    assertRefused("export_refused_for_a_stranger", 401, "invalid_authorization_signature");
  }

  @Test
  void a_seed_phrase_export_of_a_private_key_wallet_is_a_clear_400() {
    assertRefused("export_seed_phrase_refused", 400, "invalid_request");
    assertTrue(step("export_seed_phrase_refused").get("error").asText()
        .contains("export_seed_phrase"), () -> step("export_seed_phrase_refused").toString());
  }

  @Test
  void an_app_owned_key_round_trips_with_the_export_quorums_signature() {
    JsonNode w = step("import_app_owned_key");
    assertEquals(w.get("ethers_address").asText(), w.get("address").asText());
    assertTrue(w.get("owner_id").isNull(), w::toString);
    JsonNode e = step("export_app_owned_key_with_the_export_quorum");
    assertTrue(e.get("same").asBoolean(), e::toString);
    assertEquals(w.get("address").asText(), e.get("ethers_address").asText());
  }

  @Test
  void a_solana_keypair_round_trips_as_base58_of_seed_and_public_key() {
    JsonNode w = step("import_solana_key");
    assertEquals("solana", w.get("chain_type").asText());
    assertEquals(w.get("expected_address").asText(), w.get("address").asText());
    JsonNode e = step("export_solana_key");
    assertTrue(e.get("same").asBoolean(), e::toString);
    assertEquals(64, e.get("length").asInt());
    assertTrue(e.get("seed_matches").asBoolean(), e::toString);
    assertTrue(e.get("public_key_of_seed").asBoolean(), e::toString);
  }

  @Test
  void bad_imports_are_refused_with_typed_codes_and_store_nothing() throws Exception {
    assertRefused("import_malformed_ciphertext", 400, "malformed_ciphertext");
    assertRefused("import_refused_for_another_address", 400, "invalid_request");
    // only the three good imports became wallets; each refusal is audited
    assertEquals(3L, count("SELECT count(*) FROM wallets WHERE app_id = ?"));
    Map<String, Long> imports = outcomes("wallet.import");
    assertEquals(3L, imports.get("succeeded/null"), imports::toString);
    assertEquals(1L, imports.get("rejected/malformed_ciphertext"), imports::toString);
    assertEquals(1L, imports.get("rejected/invalid_request"), imports::toString);
  }

  @Test
  void each_export_is_audited_and_marks_the_wallet_exported() throws Exception {
    Map<String, Long> exports = outcomes("wallet.export");
    assertEquals(3L, exports.get("succeeded/null"), exports::toString);
    assertEquals(1L, exports.get("rejected/missing_authorization_signature"), exports::toString);
    assertEquals(1L, exports.get("rejected/invalid_authorization_signature"), exports::toString);
    assertEquals(1L, exports.get("rejected/invalid_request"), exports::toString);
    assertEquals(3L, count("SELECT count(*) FROM audit_log WHERE app_id = ? AND action ="
        + " 'wallet.export' AND outcome = 'succeeded' AND detail::text LIKE '%\"privy\"%'"));
    assertEquals(3L, count("SELECT count(*) FROM wallets WHERE app_id = ?"
        + " AND exported_at IS NOT NULL"));
    assertFalse(script.output().contains("wallet-auth:"), "no authorization key is printed");
  }

  private static Connection db() throws Exception {
    return DriverManager.getConnection(shared.stack().jdbcUrl(), "postgres", "");
  }

  private static long count(String sql) throws Exception {
    try (Connection c = db(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, appId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** This app's audit rows of {@code action} by outcome/error code. */
  private static Map<String, Long> outcomes(String action) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    try (Connection c = db(); PreparedStatement ps = c.prepareStatement("SELECT outcome,"
        + " error_code FROM audit_log WHERE app_id = ? AND action = ?")) {
      ps.setString(1, appId);
      ps.setString(2, action);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.merge(rs.getString(1) + "/" + rs.getString(2), 1L, Long::sum);
        }
      }
    }
    return counts;
  }
}
