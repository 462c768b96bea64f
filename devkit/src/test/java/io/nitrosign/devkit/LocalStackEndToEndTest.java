package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nitrosign.attestation.AttestationException;
import io.nitrosign.attestation.AttestationPolicy;
import io.nitrosign.attestation.AttestationVerifier;
import io.nitrosign.hpke.ExportEnvelope;
import io.nitrosign.hpke.HpkeKeyPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole system as separate processes, started by the same {@link LocalStack} code that
 * {@code ./appliance local up} runs: a real PostgreSQL server, the enclave JVM listening on
 * AF_UNIX, the parent host (Dropwizard) talking to both. Nothing here is faked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackEndToEndTest {

  private static Path home;
  private static LocalStack stack;
  private static Http http;
  private static String auth;
  private static String appId;
  private static String walletId;
  private static String walletAddress;
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  /** web3.js documentation (web3.eth.accounts.sign): this private key signing "Some data". */
  private static final String WEB3JS_KEY =
      "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  private static final String WEB3JS_SIGNATURE = "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43"
      + "fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c";

  @BeforeAll
  static void up() throws Exception {
    home = Files.createTempDirectory("nitrosign-e2e");
    stack = new LocalStack(TestStacks.settings(home),
        new PrintStream(LOG, true, StandardCharsets.UTF_8));
    Map<String, String> env = stack.up();
    appId = env.get("APP_ID");
    auth = Http.basic(appId, env.get("APP_SECRET"));
    http = new Http(env.get("BASE_URL"));
  }

  @AfterAll
  static void down() throws Exception {
    TestStacks.downAndDelete(stack, home);
  }

  @Test
  @Order(10)
  void stackEnvHoldsTheCredentials() throws Exception {
    Map<String, String> env = stack.readStackEnv();
    assertEquals(stack.baseUrl(), env.get("BASE_URL"));
    assertEquals(appId, env.get("APP_ID"));
    assertNotNull(env.get("APP_SECRET"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(stack.stackEnv())));
  }

  @Test
  @Order(15)
  void adminTasksNeedTheStacksAdminTokenAndTheAdminPortIsLoopbackOnly() throws Exception {
    String token = stack.readStackEnv().get("ADMIN_TASK_TOKEN");
    assertNotNull(token, "stack.env has ADMIN_TASK_TOKEN");
    assertTrue(stack.adminUrl().startsWith("http://127.0.0.1:"), stack.adminUrl());
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    java.util.function.Function<String, java.net.http.HttpResponse<String>> reseal = bearer -> {
      java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(stack.adminUrl() + "/tasks/reseal-wallets"))
          .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      try {
        return client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    assertEquals(401, reseal.apply(null).statusCode());
    assertEquals(401, reseal.apply(token + "x").statusCode());
    java.net.http.HttpResponse<String> ok = reseal.apply(token);
    assertEquals(200, ok.statusCode(), ok.body());
    // the task ran (its answer, not the filter's); before provisioning it reports that
    assertTrue(ok.body().contains("\"resealed\"") || ok.body().contains("sealing keys"), ok.body());
    assertTrue(stack.healthy(), "/healthcheck stays open");
  }

  @Test
  @Order(16)
  void theParentHostConnectsAsTheServiceRoleWhichCannotRewriteTheAuditLog() throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        java.sql.Statement st = c.createStatement()) {
      try (java.sql.ResultSet rs = st.executeQuery("SELECT DISTINCT usename FROM pg_stat_activity"
          + " WHERE datname = 'nitrosign' AND pid <> pg_backend_pid() AND usename IS NOT NULL")) {
        java.util.Set<String> users = new java.util.HashSet<>();
        while (rs.next()) {
          users.add(rs.getString(1));
        }
        assertEquals(java.util.Set.of("nitrosign_service"), users, "the parent host's pool");
      }
      try (java.sql.ResultSet rs = st.executeQuery("SELECT has_table_privilege('nitrosign_service',"
          + " 'audit_log', 'UPDATE'), has_table_privilege('nitrosign_service', 'audit_log', 'DELETE'),"
          + " has_table_privilege('nitrosign_service', 'audit_log', 'TRUNCATE'),"
          + " has_table_privilege('nitrosign_service', 'audit_log', 'INSERT')")) {
        assertTrue(rs.next());
        assertEquals(List.of(false, false, false, true),
            List.of(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4)));
      }
    }
  }

  @Test
  @Order(20)
  void createsAWalletAndSignsAPersonalMessage() throws Exception {
    Http.Reply created = http.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\"}");
    assertEquals(200, created.status(), () -> created.raw().body());
    walletId = created.body().get("id").asText();
    walletAddress = created.body().get("address").asText();
    assertTrue(walletAddress.matches("0x[0-9a-fA-F]{40}"), walletAddress);
    assertEquals("ethereum", created.body().get("chain_type").asText());

    Http.Reply fetched = http.get("/v1/wallets/" + walletId, auth);
    assertEquals(200, fetched.status());
    assertEquals(walletAddress, fetched.body().get("address").asText());

    String message = "Hello from the nitrosign end-to-end test";
    String signature = personalSign(message, "utf-8");
    assertEquals(walletAddress, recover(message, signature));
  }

  @Test
  @Order(25)
  void createsWalletsForEveryChainTypeWithTheirAddresses() throws Exception {
    for (String chain : List.of("solana", "stellar", "bitcoin", "bitcoin-testnet")) {
      Http.Reply created = http.post("/v1/wallets", auth, "{\"chain_type\":\"" + chain + "\"}");
      assertEquals(200, created.status(), () -> created.raw().body());
      JsonNode w = created.body();
      assertEquals(chain, w.get("chain_type").asText());
      byte[] publicKey = java.util.HexFormat.of().parseHex(w.get("public_key").asText().substring(2));
      String address = w.get("address").asText();
      switch (chain) {
        case "solana" -> {
          assertEquals(32, publicKey.length);
          assertEquals(address, io.nitrosign.chains.solana.SolanaAddress.fromPublicKey(publicKey));
          assertTrue(w.get("addresses") == null, w.toString());
        }
        case "stellar" -> {
          assertEquals(32, publicKey.length);
          assertTrue(address.startsWith("G"), address);
          assertTrue(java.util.Arrays.equals(publicKey,
              io.nitrosign.chains.stellar.StrKey.decodeAccountId(address)));
        }
        default -> {
          // Privy's public_key: the compressed key; ours beside it: the uncompressed one
          assertEquals(33, publicKey.length);
          byte[] uncompressed = java.util.HexFormat.of().parseHex(
              w.get("public_key_uncompressed").asText().substring(2));
          assertTrue(java.util.Arrays.equals(publicKey,
              io.nitrosign.chains.bitcoin.Secp256k1Points.compress(uncompressed)), w.toString());
          String hrp = chain.equals("bitcoin") ? "bc" : "tb";
          assertTrue(address.startsWith(hrp + "1q"), address);
          assertEquals(address, w.get("addresses").get("p2wpkh").asText());
          String p2tr = w.get("addresses").get("p2tr").asText();
          assertTrue(p2tr.startsWith(hrp + "1p"), p2tr);
          assertEquals(1, io.nitrosign.chains.bitcoin.Bech32.decodeSegwit(hrp, p2tr).version());
        }
      }
      Http.Reply listed = http.get("/v1/wallets?chain_type=" + chain, auth);
      assertEquals(200, listed.status());
      assertEquals(w.get("id").asText(), listed.body().get("data").get(0).get("id").asText());
      if (chain.equals("solana")) {
        // Raw signing is off for this app: refused before the enclave, and audited.
        Http.Reply raw = http.post("/v1/wallets/" + w.get("id").asText() + "/rpc", auth,
            "{\"method\":\"raw_sign\",\"params\":{\"bytes\":\"0x72\"}}");
        assertEquals(403, raw.status(), () -> raw.raw().body());
        assertEquals("method_not_allowed_for_app", raw.body().get("code").asText());
        // An Ethereum method on a Solana wallet names the methods that exist.
        Http.Reply wrong = http.post("/v1/wallets/" + w.get("id").asText() + "/rpc", auth,
            "{\"method\":\"personal_sign\",\"params\":{\"message\":\"x\"}}");
        assertEquals(400, wrong.status());
        assertEquals("unsupported_method", wrong.body().get("code").asText());
        assertTrue(wrong.body().get("error").asText().contains("raw_sign"), wrong.raw().body());
      }
    }
  }

  @Test
  @Order(30)
  void signsHexEncodedMessagesAndIsDeterministic() throws Exception {
    String hex = "0x" + "deadbeef00ff";
    String first = personalSign(hex, "hex");
    assertEquals(first, personalSign(hex, "hex"), "RFC 6979 signatures are deterministic");
    assertEquals(walletAddress, recover(hex, first));
  }

  @Test
  @Order(25)
  void kmsWasCalledAtProvisioningOnlyAndNeverOnTheSigningPath() throws Exception {
    assertEquals(2, stack.kmsCallCount("GenerateDataKey", "allowed"), "one data key per kind");
    assertEquals(0, stack.kmsCallCount("GenerateDataKey", "denied"));
    long decrypts = stack.kmsCallCount("Decrypt", "allowed");
    personalSign("no KMS call for this", "utf-8");
    assertEquals(2, stack.kmsCallCount("GenerateDataKey", "allowed"));
    assertEquals(decrypts, stack.kmsCallCount("Decrypt", "allowed"));
  }

  @Test
  @Order(33)
  void theEnclavesAttestationVerifiesWithTheDevkitRootAndNotWithAws() throws Exception {
    byte[] nonce = new byte[32];
    new java.security.SecureRandom().nextBytes(nonce);
    Http.Reply r = http.get("/v1/enclave/attestation?nonce="
        + java.util.HexFormat.of().formatHex(nonce), auth);
    assertEquals(200, r.status(), () -> r.raw().body());
    byte[] doc = java.util.Base64.getDecoder().decode(r.body().get("attestation_document").asText());
    java.security.cert.X509Certificate root = AttestationVerifier.readCertificate(
        Files.readAllBytes(stack.nsmRoot()));
    AttestationPolicy policy = AttestationPolicy.builder()
        .addAllowedPcrSet(AttestationPolicy.pcrsFromNitroCliJson(
            Files.readString(stack.nsmRoot().resolveSibling("pcrs.json"))))
        .expectNonce(nonce).maxAge(Duration.ofMinutes(5)).build();
    var verified = AttestationVerifier.withRoot(root).verify(doc, policy, Instant.now());
    assertEquals(stack.enclavePcr0(),
        java.util.HexFormat.of().formatHex(verified.document().pcrs().get(0)));
    AttestationException untrusted = org.junit.jupiter.api.Assertions.assertThrows(
        AttestationException.class,
        () -> AttestationVerifier.awsNitro().verify(doc, policy, Instant.now()));
    assertEquals(io.nitrosign.attestation.Reason.UNTRUSTED_CHAIN, untrusted.reason());
  }

  @Test
  @Order(35)
  void importsAKnownKeyWithTheCliAndSignsLikeWeb3js() throws Exception {
    // web3.js documentation: this key, personal message "Some data".
    Path keyFile = home.resolve("known.key");
    Files.writeString(keyFile, WEB3JS_KEY);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = WalletImportCli.run(new String[] {"--key-file", keyFile.toString()}, home,
        java.io.InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err::toString);
    JsonNode wallet = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
    assertEquals("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", wallet.get("address").asText());
    assertFalse(wallet.get("imported_at").isNull());
    Http.Reply r = http.post("/v1/wallets/" + wallet.get("id").asText() + "/rpc", auth,
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"Some data\"}}");
    assertEquals(200, r.status(), () -> r.raw().body());
    assertEquals(WEB3JS_SIGNATURE, r.body().get("data").get("signature").asText());
  }

  @Test
  @Order(36)
  void importRefusesAnEnclaveWithUnexpectedPcrs() throws Exception {
    Path wrongPcrs = home.resolve("wrong-pcrs.json");
    Files.writeString(wrongPcrs, "{\"PCR0\":\"" + "ab".repeat(48) + "\"}");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = WalletImportCli.run(new String[] {"--pcrs", wrongPcrs.toString()}, home,
        new java.io.ByteArrayInputStream(WEB3JS_KEY.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, code);
    assertTrue(err.toString().contains("PCR_MISMATCH"), err.toString());
    assertTrue(err.toString().contains("NOT sent"), err.toString());
  }

  @Test
  @Order(37)
  void exportNeedsTheAppsPermissionAndReturnsTheKeyEncryptedToTheRecipient() throws Exception {
    JsonNode exporter = stack.createApp("exporter", "--allow-export");
    Path env = home.resolve("exporter.env");
    Files.writeString(env, "BASE_URL=" + stack.baseUrl() + "\nAPP_ID="
        + exporter.get("app_id").asText() + "\nAPP_SECRET=" + exporter.get("app_secret").asText()
        + "\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, WalletImportCli.run(new String[] {"--stack-env", env.toString()}, home,
        new java.io.ByteArrayInputStream(WEB3JS_KEY.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    String walletIdOfExporter = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.toString()).get("id").asText();
    String exporterAuth = Http.basic(exporter.get("app_id").asText(),
        exporter.get("app_secret").asText());
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(new java.security.SecureRandom())) {
      String body = "{\"encryption_type\":\"HPKE\",\"recipient_public_key\":\""
          + java.util.Base64.getEncoder().encodeToString(recipient.publicKey()) + "\"}";
      Http.Reply refused = http.post("/v1/wallets/" + walletId + "/export", auth, body);
      assertEquals(403, refused.status(), "the demo app may not export");
      // an app-owned wallet leaves only with the deployment export quorum's signature (local
      // mode's quorum is one key in the stack's home)
      String exporterId = exporter.get("app_id").asText();
      Http.Reply unsigned = http.post("/v1/wallets/" + walletIdOfExporter + "/export",
          exporterAuth, body);
      assertEquals(401, unsigned.status(), () -> unsigned.raw().body());
      assertEquals("missing_authorization_signature", unsigned.body().get("code").asText());
      io.nitrosign.authz.RequestSigner quorum = io.nitrosign.authz.RequestSigner.fromPkcs8Base64(
          Files.readString(stack.exportQuorumKeyFile()));
      Http.Reply r = http.signed("POST", "/v1/wallets/" + walletIdOfExporter + "/export",
          exporterAuth, exporterId, body, quorum);
      assertEquals(200, r.status(), () -> r.raw().body());
      byte[] key = ExportEnvelope.open(recipient, walletIdOfExporter,
          java.util.Base64.getDecoder().decode(r.body().get("encapsulated_key").asText()),
          java.util.Base64.getDecoder().decode(r.body().get("ciphertext").asText()));
      assertEquals(WEB3JS_KEY, java.util.HexFormat.of().formatHex(key));
      Http.Reply after = http.get("/v1/wallets/" + walletIdOfExporter, exporterAuth);
      assertFalse(after.body().get("exported_at").isNull());
    }
  }

  @Test
  @Order(38)
  void noPrivateKeyRemainsAmongTheEnclavesLiveObjectsAfterSigning() throws Exception {
    java.security.SecureRandom random = new java.security.SecureRandom();
    List<byte[]> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] k = new byte[32];
      random.nextBytes(k);
      k[0] = (byte) (1 + (k[0] & 0x7f)); // a valid secp256k1 scalar without a leading zero int
      keys.add(k);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(0, WalletImportCli.run(new String[0], home,
          new java.io.ByteArrayInputStream(java.util.HexFormat.of().formatHex(k)
              .getBytes(StandardCharsets.UTF_8)),
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8)), err::toString);
      String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString())
          .get("id").asText();
      Http.Reply r = http.post("/v1/wallets/" + id + "/rpc", auth,
          "{\"method\":\"personal_sign\",\"params\":{\"message\":\"zeroize " + i + "\"}}");
      assertEquals(200, r.status(), () -> r.raw().body());
    }
    // Ed25519 (Solana) wallets too: the seed, and the secret scalar half of SHA-512(seed) that
    // Ed25519 derives from it (bytes 1..30, the same before and after clamping).
    for (int i = 0; i < 10; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      keys.add(seed);
      keys.add(java.util.Arrays.copyOfRange(
          java.security.MessageDigest.getInstance("SHA-512").digest(seed), 1, 31));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(0, WalletImportCli.run(new String[] {"--chain-type", "solana"}, home,
          new java.io.ByteArrayInputStream(java.util.HexFormat.of().formatHex(seed)
              .getBytes(StandardCharsets.UTF_8)),
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8)), err::toString);
      String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString())
          .get("id").asText();
      String message = java.util.Base64.getEncoder().encodeToString(
          ("zeroize ed25519 " + i).getBytes(StandardCharsets.UTF_8));
      Http.Reply r = http.post("/v1/wallets/" + id + "/rpc", auth,
          "{\"method\":\"signMessage\",\"params\":{\"message\":\"" + message
              + "\",\"encoding\":\"base64\"}}");
      assertEquals(200, r.status(), () -> r.raw().body());
    }
    // Positive control: the enclave's per-boot HPKE public key is live and must be found.
    Http.Reply init = http.post("/v1/wallets/import/init", auth, "{\"chain_type\":\"ethereum\"}");
    byte[] hpkePublicKey = java.util.Base64.getDecoder().decode(
        init.body().get("encryption_public_key").asText());

    long pid = stack.enclaveProcess().orElseThrow().pid();
    Path dump = HeapSearch.dumpLiveObjects(pid, home);
    try {
      byte[] heap = Files.readAllBytes(dump);
      assertTrue(HeapSearch.indexOf(heap, java.util.Arrays.copyOfRange(hpkePublicKey, 1, 33)) >= 0,
          "the search finds a live key of the enclave (the HPKE public key)");
      assertEquals(List.of(), HeapSearch.find(heap, keys),
          "indexes of private keys still present among the enclave's live objects");
    } finally {
      Files.deleteIfExists(dump);
    }
  }

  @Test
  @Order(40)
  void rejectsBadInputWithTypedErrors() throws Exception {
    Http.Reply noAuth = http.post("/v1/wallets", null, "{\"chain_type\":\"ethereum\"}");
    assertEquals(401, noAuth.status());
    assertEquals("unauthorized", noAuth.body().get("code").asText());

    Http.Reply wrongSecret = http.get("/v1/wallets", Http.basic(appId, "not-the-secret"));
    assertEquals(401, wrongSecret.status());

    Http.Reply unknownMethod = http.post("/v1/wallets/" + walletId + "/rpc", auth,
        "{\"method\":\"eth_frobnicate\",\"params\":{}}");
    assertEquals(400, unknownMethod.status());
    assertEquals("unsupported_method", unknownMethod.body().get("code").asText());

    Http.Reply malformed = http.post("/v1/wallets/" + walletId + "/rpc", auth, "{\"method\":");
    assertEquals(400, malformed.status());
    assertEquals("invalid_request", malformed.body().get("code").asText());
    assertFalse(malformed.raw().body().contains("Exception"), malformed.raw().body());

    JsonNode other = stack.createApp("other-app");
    String otherAuth = Http.basic(other.get("app_id").asText(), other.get("app_secret").asText());
    Http.Reply foreign = http.get("/v1/wallets/" + walletId, otherAuth);
    assertEquals(404, foreign.status());
    assertEquals("wallet_not_found", foreign.body().get("code").asText());
    Http.Reply foreignSign = http.post("/v1/wallets/" + walletId + "/rpc", otherAuth,
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"x\",\"encoding\":\"utf-8\"}}");
    assertEquals(404, foreignSign.status());
  }

  @Test
  @Order(50)
  void answers503WhileTheEnclaveIsDownAndRecoversByItself() throws Exception {
    assertTrue(stack.stopEnclave(), "the enclave was running");
    Http.Reply down = http.post("/v1/wallets/" + walletId + "/rpc", auth,
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"while down\",\"encoding\":\"utf-8\"}}");
    assertEquals(503, down.status(), () -> down.raw().body());
    assertEquals("enclave_unavailable", down.body().get("code").asText());
    Http.Reply createDown = http.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\"}");
    assertEquals(503, createDown.status());

    stack.startEnclaveOnly();
    // The parent host reconnects on its own; no restart of the parent.
    Instant until = Instant.now().plus(Duration.ofSeconds(60));
    Http.Reply after;
    do {
      Thread.sleep(200);
      after = http.post("/v1/wallets/" + walletId + "/rpc", auth,
          "{\"method\":\"personal_sign\",\"params\":{\"message\":\"after restart\",\"encoding\":\"utf-8\"}}");
    } while (after.status() == 503 && Instant.now().isBefore(until));
    assertEquals(200, after.status(), after.raw().body());
    assertEquals(walletAddress,
        recover("after restart", after.body().get("data").get("signature").asText()));
    assertEquals(2, stack.kmsCallCount("Decrypt", "allowed"),
        "the restarted enclave unsealed both data keys with KMS Decrypt");
  }

  @Test
  @Order(55)
  void rotationProvisionsStoresThenActivatesAndNewWalletsSealUnderTheNewVersion() throws Exception {
    Http admin = new Http(stack.adminUrl());
    Http.Reply rotated = admin.post("/tasks/rotate-sealing-keys",
        "Bearer " + stack.readStackEnv().get("ADMIN_TASK_TOKEN"), "");
    assertEquals(200, rotated.status(), () -> rotated.raw().body());
    assertEquals(2, rotated.body().get("version").asInt(), () -> rotated.raw().body());
    assertEquals(4, stack.kmsCallCount("GenerateDataKey", "allowed"), "one data key per kind");

    Http.Reply created = http.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\"}");
    assertEquals(200, created.status(), () -> created.raw().body());
    String newWallet = created.body().get("id").asText();
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement(
            "SELECT (SELECT key_version FROM wallets WHERE id = ?),"
                + " (SELECT count(*) FROM sealing_keys WHERE version = 2),"
                + " (SELECT count(*) FROM audit_log WHERE action = 'sealing.rotate')")) {
      ps.setString(1, newWallet);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(2, rs.getInt(1), "the new wallet is sealed under the activated version");
        assertEquals(2, rs.getInt(2), "both blobs of version 2 are stored");
        assertEquals(1, rs.getInt(3));
      }
    }
    // the version-1 wallet still signs
    String signature = personalSign("after rotation", "utf-8");
    assertEquals(walletAddress, recover("after rotation", signature));
  }

  @Test
  @Order(60)
  void everyAttemptIsAudited() throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement(
            "SELECT action, outcome, count(*) FROM audit_log WHERE wallet_id = ? "
                + "GROUP BY action, outcome")) {
      ps.setString(1, walletId);
      Map<String, Long> counts = new java.util.HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
        }
      }
      assertEquals(1L, counts.get("wallet.create/succeeded"), counts.toString());
      assertTrue(counts.getOrDefault("wallet.sign/succeeded", 0L) >= 4, counts.toString());
      assertTrue(counts.getOrDefault("wallet.sign/failed", 0L) >= 1, counts.toString());
      assertTrue(counts.getOrDefault("wallet.sign/rejected", 0L) >= 2, counts.toString());
    }
  }

  @Test
  @Order(70)
  void noSignatureLeavesWithoutItsAuditRow() throws Exception {
    // Make the database refuse the "succeeded" audit row of a signature (a real constraint in the
    // real server), then ask for one: the enclave signs, the audit append fails, and the parent
    // host must answer 500 without the signature.
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        java.sql.Statement st = c.createStatement()) {
      st.execute("ALTER TABLE audit_log ADD CONSTRAINT e2e_refuse_sign_success "
          + "CHECK (NOT (action = 'wallet.sign' AND outcome = 'succeeded')) NOT VALID");
      try {
        Http.Reply r = http.post("/v1/wallets/" + walletId + "/rpc", auth,
            "{\"method\":\"personal_sign\",\"params\":{\"message\":\"unaudited\",\"encoding\":\"utf-8\"}}");
        assertEquals(500, r.status(), () -> r.raw().body());
        assertEquals("internal_error", r.body().get("code").asText());
        assertFalse(r.raw().body().contains("signature"), r.raw().body());
      } finally {
        st.execute("ALTER TABLE audit_log DROP CONSTRAINT e2e_refuse_sign_success");
      }
    }
    personalSign("audited again", "utf-8");
  }

  @Test
  @Order(75)
  void kmsRefusesAnEnclaveWhoseMeasurementTheKeyPolicyDoesNotName() throws Exception {
    String pcr0 = stack.enclavePcr0();
    stack.rebindKmsPolicy("cd".repeat(48)); // a different image
    assertTrue(stack.stopEnclave());
    stack.startEnclaveOnly();
    Instant until = Instant.now().plus(Duration.ofSeconds(30));
    while (stack.kmsCallCount("Decrypt", "denied") == 0 && Instant.now().isBefore(until)) {
      Thread.sleep(200);
    }
    assertTrue(stack.kmsCallCount("Decrypt", "denied") > 0, "KMS denied the unseal");
    Http.Reply sealed = http.post("/v1/wallets/" + walletId + "/rpc", auth,
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"sealed\"}}");
    assertEquals(503, sealed.status(), () -> sealed.raw().body());
    assertEquals("enclave_not_ready", sealed.body().get("code").asText());

    stack.rebindKmsPolicy(pcr0); // the operator restores the right measurement
    Instant back = Instant.now().plus(Duration.ofSeconds(90));
    Http.Reply r;
    do {
      Thread.sleep(250);
      r = http.post("/v1/wallets/" + walletId + "/rpc", auth,
          "{\"method\":\"personal_sign\",\"params\":{\"message\":\"unsealed again\"}}");
    } while (r.status() == 503 && Instant.now().isBefore(back));
    assertEquals(200, r.status(), r.raw().body());
  }

  @Test
  @Order(80)
  void aSecondUpReusesTheDataAndTheWalletStillSigns() throws Exception {
    stack.down();
    assertFalse(stack.healthy());
    Map<String, String> env = stack.up();
    assertEquals(appId, env.get("APP_ID"), "the demo app is reused");
    String signature = personalSign("after a full restart", "utf-8");
    assertEquals(walletAddress, recover("after a full restart", signature));
    assertTrue(stack.status());
  }

  private static String personalSign(String message, String encoding) throws Exception {
    String body = "{\"method\":\"personal_sign\",\"params\":{\"message\":"
        + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(message)
        + ",\"encoding\":\"" + encoding + "\"}}";
    Http.Reply r = http.post("/v1/wallets/" + walletId + "/rpc", auth, body);
    assertEquals(200, r.status(), () -> r.raw().body());
    assertEquals("personal_sign", r.body().get("method").asText());
    assertEquals("hex", r.body().get("data").get("encoding").asText());
    String sig = r.body().get("data").get("signature").asText();
    assertTrue(sig.matches("0x[0-9a-f]{130}"), sig);
    int v = Integer.parseInt(sig.substring(130), 16);
    assertTrue(v == 27 || v == 28, "v is 27 or 28");
    return sig;
  }

  /** Recovers the signer with ethers.js when available (required in CI). */
  private static String recover(String message, String signature) throws Exception {
    if (!IndependentVerifier.available()) {
      assertFalse(IndependentVerifier.required(),
          "CI must install the independent verifier (npm ci in devkit/src/test/node)");
      assumeTrue(false, "ethers.js not installed; skipping the independent recovery check");
    }
    String recovered = IndependentVerifier.recoverPersonalSign(message, signature);
    assertNotEquals("", recovered);
    return recovered;
  }

}
