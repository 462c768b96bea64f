package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.chains.solana.Base58;
import io.nitrosign.chains.stellar.StellarEnvelope;
import io.nitrosign.chains.stellar.StrKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Solana, Stellar and Ed25519 raw signing through the running system (real PostgreSQL, enclave JVM
 * and parent host, as {@link LocalStackEndToEndTest} starts them): published Ed25519 seeds are
 * imported with {@code ./appliance wallet import --chain-type solana|stellar}, the published
 * payloads are signed over HTTP, and the published outputs must come back byte for byte. Bad
 * input must come back as typed 400s, audited as rejected.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Ed25519ChainsEndToEndTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final ObjectMapper JSON = new ObjectMapper();

  // ---------------------------------------------------------------------------- the vectors

  /** RFC 8032 section 7.1 TEST 1, 2, 3: {secret key (seed), public key, message, signature}. */
  private static final String[][] RFC8032 = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
          "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
          "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
          "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
          "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
  };

  /**
   * trustwallet/wallet-core tests/chains/Solana/SignerTests.cpp, TEST(SolanaSigner, SignRawMessage):
   * private key, public key, and expectedHex (the signed legacy transfer of 42 lamports).
   */
  private static final byte[] WC_RAW_KEY = Base58.decode("GjXseuD8JavBjKMdd6GEsPYZPV7tMMa46GS2JRS5tHRq", "k");
  private static final String WC_RAW_ADDRESS = "3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY";
  private static final byte[] WC_RAW_SIGNED_TX = HEX.parseHex(
      "016e7f8349977b482bccf0bfc202ad917295803831e59ccb865b97d657464791ebfe3336879b84b9f165e464a3"
          + "4751fe30d54b01f3c9f33f969aafe1e85951b10901000203207be13c43c4528592eaf3fd34e064c641c5be3cb6"
          + "691877d7ade94dff36734108eaea30723c33b52507bc54024910612f885e4c80c10b99a047fd42c0acbace0000"
          + "000000000000000000000000000000000000000000000000000000000000040404040404040404040404040404"
          + "040404040404040404040404040404040401020200010c020000002a00000000000000");

  /**
   * trustwallet/wallet-core rust/tw_tests/tests/chains/solana/solana_sign.rs,
   * test_solana_sign_raw_message_v0: a v0 self-transfer of 5000 lamports, broadcast on testnet as
   * 4ffBzXxLPYEEdCYpQGETkCTCCsH6iTdmKzwUZXZZgFemdhRpxQwboguFFoKCeGF3SsZPzuwwE7LbRwLgJbsyRqyP.
   */
  private static final byte[] WC_V0_KEY =
      HEX.parseHex("833a053c59e78138a3ed090459bc6743cca6a9cbc2809a7bf5dbc7939b8775c8");
  private static final String WC_V0_ADDRESS = "6pEfiZjMycJY4VA2FtAbKgYvRwzXDpxY58Xp4b7FQCz9";
  private static final byte[] WC_V0_SIGNED_TX = Base58.decode(
      "6NijVxwQoDjqt6A41HXCK9kXwNDp48uLgvRyE8uz6NY5dEzaEDLzjzuMnc5TGatHZZUXehKrzUGzbg9jPSdn6pVsMc9"
          + "TXNH6JGe5RJLmHwWey3MC1p8Hs2zhjw5P439P57NToatraDX9ZwvBtK4EzZzRjWbyGdicheTPjeYKCzvPCLxDkTFt"
          + "PCM9VZGGXSN2Bne92NLDvf6ntNm5pxsPkZGxPe4w9Eq26gkE83hZyrYXKaiDh8TbqbHatSkw", "tx");

  /**
   * trustwallet/wallet-core tests/chains/Solana/SignerTests.cpp, TEST(SolanaSigner,
   * SignTransferToken_3vZ67C): SPL Token TransferChecked (4000 units, 6 decimals), the mainnet
   * transaction 3vZ67C… ("test data obtained from spl-token transfer").
   */
  private static final byte[] WC_TOKEN_KEY = Base58.decode("9YtuoD4sH4h88CVM8DSnkfoAaLY7YeGC2TarDJ8eyMS5", "k");
  private static final String WC_TOKEN_ADDRESS = "B1iGmDJdvmxyUiYM8UEo2Uw2D58EmUrw4KyLYMmrhf8V";
  private static final byte[] WC_TOKEN_SIGNED_TX = Base58.decode(
      "PGfKqEaH2zZXDMZLcU6LUKdBSzU1GJWJ1CJXtRYCxaCH7k8uok38WSadZfrZw3TGejiau7nSpan2GvbK26hQim24jR"
          + "e2AupmcYJFrgsdaCt1Aqs5kpGjPqzgj9krgxTZwwob3xgC1NdHK5BcNwhxwRtrCphGEH7zUFpGFrFrHzgpf2KY8FvP"
          + "iPELQyxzTBuyNtjLjMMreehSKShEjD9Xzp1QeC1pEF8JL6vUKzxMXuveoEYem8q8JiWszYzmTMfDk13JPgv7pXFGMq"
          + "DV3yNGCLsWccBeSFKN4UKECre6x2QbUEiKGkHkMc4zQwwyD8tGmEMBAGm339qdANssEMNpDeJp2LxLDStSoWShHnot"
          + "crH7pUa94xCVvCPPaomF", "tx");

  /**
   * trustwallet/wallet-core tests/chains/Solana/SolanaMessageSigner.cpp, TEST(SolanaMessageSigner,
   * Sign): private key, "Hello world", signature (base58).
   */
  private static final byte[] WC_MESSAGE_KEY =
      HEX.parseHex("44f480ca27711895586074a14c552e58cc52e66a58edb6c58cf9b9b7295d4a2d");
  private static final String WC_MESSAGE_SIGNATURE =
      "2iBZ6zrQRKHcbD8NWmm552gU5vGvh1dk3XV4jxnyEdRKm8up8AeQk1GFr9pJokSmchw7i9gMtNyFBdDt8tBxM1cG";

  /**
   * StellarCN/py-stellar-base tests/test_fee_bump_transaction.py, test_to_xdr (Testnet): the signed
   * fee bump around a signed v1 payment, and the two seeds that signed them.
   */
  private static final String PY_FEE_BUMP =
      "AAAABQAAAADgSJG2GOUMy/H9lHyjYZOwyuyytH8y0wWaoc596L+bEgAAAAAAAAGQAAAAAgAAAAAcVPE+R/n1VnbIrAK3tu5yVfTkhkqVz04ShWk2SrF3wAAAAMgAAAAAAAAACAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAQAAAADgSJG2GOUMy/H9lHyjYZOwyuyytH8y0wWaoc596L+bEgAAAAAAAAAEqBfIAAAAAAAAAAABSrF3wAAAAEAordQh63kT50muRLVYaWW7Pgtt8i1tc4t9Bv9MWFWFN3WfTHSU2Jxv7hedjZEyfBPvaS/XnwvYJFcHgPDd1JkNAAAAAAAAAAHov5sSAAAAQKu/RuArXn/P13IIJ8WlnVDStwOquXM0CsWzA4ooZY6gqJ3k1EfmMVIJ0cir0bMTJD9r+g2IUZCANU7wdC38PA0=";
  private static final String PY_INNER_SEED = "SBKTIFHJSS3JJWEZO2W74DZSA45WZU56LOL3AY7GAW63BXPEJQFYV53E";
  private static final String PY_FEE_SOURCE_SEED = "SB7ZMPZB3YMMK5CUWENXVLZWBK4KYX4YU5JBXQNZSK2DP2Q7V3LVTO5V";
  private static final String PY_FEE_SOURCE = "GDQERENWDDSQZS7R7WKHZI3BSOYMV3FSWR7TFUYFTKQ447PIX6NREOJM";

  // ------------------------------------------------------------------------------- the stack

  private static Path home;
  private static LocalStack stack;
  private static Http http;
  /** The demo app: no raw signing. */
  private static String auth;
  private static Path demoEnv;
  /** An app created with --allow-raw-sign. */
  private static String rawAuth;
  private static Path rawEnv;
  private static final List<String> rejectedWallets = new ArrayList<>();

  @BeforeAll
  static void up() throws Exception {
    SharedStack shared = SharedStack.get();
    home = shared.home();
    stack = shared.stack();
    auth = shared.auth();
    demoEnv = stack.stackEnv();
    http = shared.http();
    JsonNode raw = stack.createApp("raw-signer", "--allow-raw-sign");
    rawAuth = Http.basic(raw.get("app_id").asText(), raw.get("app_secret").asText());
    rawEnv = home.resolve("raw-Ed25519ChainsEndToEndTest.env");
    Files.writeString(rawEnv, "BASE_URL=" + stack.baseUrl() + "\nAPP_ID=" + raw.get("app_id").asText()
        + "\nAPP_SECRET=" + raw.get("app_secret").asText() + "\n");
  }

  // ---------------------------------------------------------------------------------- helpers

  /** {@code ./appliance wallet import --chain-type T --stack-env ENV} of a 32-byte seed (hex on stdin). */
  private static JsonNode importSeed(byte[] seed, String chainType, Path stackEnv) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = WalletImportCli.run(new String[] {"--chain-type", chainType, "--stack-env",
        stackEnv.toString()}, home,
        new java.io.ByteArrayInputStream(HEX.formatHex(seed).getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err::toString);
    JsonNode wallet = JSON.readTree(out.toString(StandardCharsets.UTF_8));
    assertEquals(chainType, wallet.get("chain_type").asText());
    assertFalse(wallet.get("imported_at").isNull());
    return wallet;
  }

  private static Http.Reply rpc(String authorization, JsonNode wallet, String method, Object params)
      throws Exception {
    String body = JSON.writeValueAsString(Map.of("method", method, "params", params));
    return http.post("/v1/wallets/" + wallet.get("id").asText() + "/rpc", authorization, body);
  }

  private static JsonNode ok(Http.Reply r, String method) {
    assertEquals(200, r.status(), () -> r.raw().body());
    assertEquals(method, r.body().get("method").asText());
    return r.body().get("data");
  }

  private static void assertRejected(Http.Reply r, JsonNode wallet, String code, String messagePart) {
    assertEquals(400, r.status(), () -> r.raw().body());
    assertEquals(code, r.body().get("code").asText(), () -> r.raw().body());
    assertTrue(r.body().get("error").asText().contains(messagePart), () -> r.raw().body());
    assertFalse(r.raw().body().contains("Exception"), () -> r.raw().body());
    rejectedWallets.add(wallet.get("id").asText());
  }

  private static byte[] unsignedSolana(byte[] signedTx) {
    byte[] out = signedTx.clone();
    Arrays.fill(out, 1, 1 + 64 * out[0], (byte) 0);
    return out;
  }

  /** The envelope with its last (outer) signature list emptied of {@code n} signatures. */
  private static byte[] stellarWithoutSignatures(byte[] xdr, int n) {
    byte[] out = Arrays.copyOf(xdr, xdr.length - 72 * n);
    Arrays.fill(out, out.length - 4, out.length, (byte) 0);
    return out;
  }

  // ------------------------------------------------------------------------------------ raw

  @Test
  @Order(10)
  void rawSignReproducesRfc8032Tests1To3ForSolanaAndStellarWallets() throws Exception {
    for (int i = 0; i < RFC8032.length; i++) {
      String[] v = RFC8032[i];
      byte[] publicKey = HEX.parseHex(v[1]);
      JsonNode sol = importSeed(HEX.parseHex(v[0]), "solana", rawEnv);
      assertEquals(Base58.encode(publicKey), sol.get("address").asText());
      JsonNode data = ok(rpc(rawAuth, sol, "raw_sign", Map.of("bytes", "0x" + v[2],
          "encoding", "hex")), "raw_sign");
      assertEquals("0x" + v[3], data.get("signature").asText(), "RFC 8032 TEST " + (i + 1));
      assertEquals("hex", data.get("encoding").asText());

      JsonNode xlm = importSeed(HEX.parseHex(v[0]), "stellar", rawEnv);
      assertEquals(StrKey.encodeAccountId(publicKey), xlm.get("address").asText());
      JsonNode b64 = ok(rpc(rawAuth, xlm, "raw_sign", Map.of("bytes",
          B64.encodeToString(HEX.parseHex(v[2])), "encoding", "base64")), "raw_sign");
      assertEquals(B64.encodeToString(HEX.parseHex(v[3])), b64.get("signature").asText());
      assertEquals("base64", b64.get("encoding").asText());
    }
  }

  @Test
  @Order(15)
  void rawSignIsRefusedForAnAppWithoutRawSigning() throws Exception {
    JsonNode wallet = importSeed(HEX.parseHex(RFC8032[1][0]), "solana", demoEnv);
    Http.Reply r = rpc(auth, wallet, "raw_sign", Map.of("bytes", "0x72"));
    assertEquals(403, r.status(), () -> r.raw().body());
    assertEquals("method_not_allowed_for_app", r.body().get("code").asText());
    rejectedWallets.add(wallet.get("id").asText());
  }

  // --------------------------------------------------------------------------------- solana

  @Test
  @Order(20)
  void solanaSignTransactionReproducesWalletCoresSignedTransactions() throws Exception {
    Object[][] cases = {
        {WC_RAW_KEY, WC_RAW_ADDRESS, WC_RAW_SIGNED_TX, "system_transfer"},
        {WC_V0_KEY, WC_V0_ADDRESS, WC_V0_SIGNED_TX, "system_transfer"},
        {WC_TOKEN_KEY, WC_TOKEN_ADDRESS, WC_TOKEN_SIGNED_TX, "token_transfer_checked"}};
    for (Object[] c : cases) {
      JsonNode wallet = importSeed((byte[]) c[0], "solana", demoEnv);
      assertEquals(c[1], wallet.get("address").asText());
      byte[] published = (byte[]) c[2];
      JsonNode data = ok(rpc(auth, wallet, "signTransaction", Map.of("transaction",
          B64.encodeToString(unsignedSolana(published)), "encoding", "base64")), "signTransaction");
      assertEquals(B64.encodeToString(published), data.get("signed_transaction").asText(),
          "the published transaction of " + c[1]);
      assertEquals("base64", data.get("encoding").asText());
      assertTrue(auditDetail(wallet, "succeeded").contains("\"type\":\"" + c[3] + "\""));
    }
  }

  @Test
  @Order(25)
  void solanaSignMessageReproducesWalletCoresMessageSignature() throws Exception {
    JsonNode wallet = importSeed(WC_MESSAGE_KEY, "solana", demoEnv);
    JsonNode data = ok(rpc(auth, wallet, "signMessage", Map.of("message",
        B64.encodeToString("Hello world".getBytes(StandardCharsets.UTF_8)), "encoding", "base64")),
        "signMessage");
    assertEquals(WC_MESSAGE_SIGNATURE,
        Base58.encode(Base64.getDecoder().decode(data.get("signature").asText())));
    assertEquals("base64", data.get("encoding").asText());
  }

  // -------------------------------------------------------------------------------- stellar

  @Test
  @Order(30)
  void stellarSignTransactionRebuildsPyStellarBasesSignedEnvelopes() throws Exception {
    byte[] published = Base64.getDecoder().decode(PY_FEE_BUMP);
    StellarEnvelope feeBump = StellarEnvelope.decode(published);

    // the inner v1 payment, signed by its source, given the passphrase
    JsonNode inner = importSeed(StrKey.decodeSeed(PY_INNER_SEED), "stellar", demoEnv);
    byte[] innerSigned = feeBump.innerEnvelope().toXdr();
    JsonNode d1 = ok(rpc(auth, inner, "signTransaction", Map.of(
        "envelope", B64.encodeToString(stellarWithoutSignatures(innerSigned, 1)),
        "network_passphrase", "Test SDF Network ; September 2015")), "signTransaction");
    assertEquals(B64.encodeToString(innerSigned), d1.get("signed_envelope").asText());
    assertEquals(HEX.formatHex(feeBump.innerEnvelope().hash(StellarEnvelope.TESTNET_PASSPHRASE)),
        d1.get("hash").asText());

    // the fee bump around it, signed by its fee source, given the network's name
    JsonNode feeSource = importSeed(StrKey.decodeSeed(PY_FEE_SOURCE_SEED), "stellar", demoEnv);
    assertEquals(PY_FEE_SOURCE, feeSource.get("address").asText());
    JsonNode d2 = ok(rpc(auth, feeSource, "signTransaction", Map.of(
        "envelope", B64.encodeToString(stellarWithoutSignatures(published, 1)),
        "network", "testnet")), "signTransaction");
    assertEquals(PY_FEE_BUMP, d2.get("signed_envelope").asText());
    assertEquals(HEX.formatHex(feeBump.hash(StellarEnvelope.TESTNET_PASSPHRASE)), d2.get("hash").asText());
    assertEquals(B64.encodeToString(feeBump.signatures().get(0).signature()), d2.get("signature").asText());
    String audit = auditDetail(feeSource, "succeeded");
    assertTrue(audit.contains("\"envelope_type\":\"tx_fee_bump\""), audit);
    assertTrue(audit.contains("\"amount\":\"20000000000\""), audit);
  }

  // ------------------------------------------------------------------------------ bad input

  @Test
  @Order(40)
  void badInputIsRefusedWithTypedErrors() throws Exception {
    JsonNode sol = importSeed(WC_RAW_KEY, "solana", demoEnv);
    byte[] unsigned = unsignedSolana(WC_RAW_SIGNED_TX);
    // a truncated Solana transaction
    assertRejected(rpc(auth, sol, "signTransaction", Map.of("transaction",
        B64.encodeToString(Arrays.copyOf(unsigned, unsigned.length - 5)))), sol, "malformed_payload",
        "instructions[0].data");
    // a Solana transaction the wallet is not a signer of
    assertRejected(rpc(auth, sol, "signTransaction", Map.of("transaction",
        B64.encodeToString(unsignedSolana(WC_TOKEN_SIGNED_TX)))), sol, "malformed_payload",
        "not one of the message's required signers");
    // signMessage of a transaction, and of a bare transaction message
    assertRejected(rpc(auth, sol, "signMessage", Map.of("message", B64.encodeToString(unsigned))),
        sol, "malformed_payload", "signTransaction");
    assertRejected(rpc(auth, sol, "signMessage", Map.of("message",
        B64.encodeToString(Arrays.copyOfRange(unsigned, 65, unsigned.length)))), sol,
        "malformed_payload", "signTransaction");
    // not base64
    assertRejected(rpc(auth, sol, "signTransaction", Map.of("transaction", "%%%")), sol,
        "invalid_request", "base64");

    JsonNode xlm = importSeed(StrKey.decodeSeed(PY_FEE_SOURCE_SEED), "stellar", demoEnv);
    byte[] envelope = stellarWithoutSignatures(Base64.getDecoder().decode(PY_FEE_BUMP), 1);
    // malformed XDR: truncated, trailing bytes, not base64
    assertRejected(rpc(auth, xlm, "signTransaction", Map.of("envelope",
        B64.encodeToString(Arrays.copyOf(envelope, envelope.length - 2)), "network", "testnet")),
        xlm, "malformed_payload", "malformed");
    assertRejected(rpc(auth, xlm, "signTransaction", Map.of("envelope",
        B64.encodeToString(Arrays.copyOf(envelope, envelope.length + 4)), "network", "testnet")),
        xlm, "malformed_payload", "envelope");
    assertRejected(rpc(auth, xlm, "signTransaction", Map.of("envelope", "AAAA BQ==",
        "network", "testnet")), xlm, "malformed_payload", "envelope");
    // no network passphrase
    assertRejected(rpc(auth, xlm, "signTransaction", Map.of("envelope",
        B64.encodeToString(envelope))), xlm, "invalid_request", "network_passphrase");
    // a fee bump whose fee source is not the wallet
    JsonNode other = importSeed(StrKey.decodeSeed(PY_INNER_SEED), "stellar", demoEnv);
    assertRejected(rpc(auth, other, "signTransaction", Map.of("envelope",
        B64.encodeToString(envelope), "network", "testnet")), other, "malformed_payload",
        "feeBump.tx.feeSource");
    // a Solana method on a Stellar wallet
    assertRejected(rpc(auth, xlm, "signMessage", Map.of("message", "aGk=")), xlm,
        "unsupported_method", "signTransaction");
  }

  @Test
  @Order(50)
  void everyRefusalIsAuditedAsRejectedWithItsCode() throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement("SELECT error_code, count(*) FROM audit_log"
            + " WHERE action = 'wallet.sign' AND outcome = 'rejected' AND wallet_id = ANY (?)"
            + " GROUP BY error_code")) {
      ps.setArray(1, c.createArrayOf("text", rejectedWallets.stream().distinct().toArray()));
      Map<String, Long> counts = new java.util.HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1), rs.getLong(2));
        }
      }
      assertEquals(Map.of("malformed_payload", 8L, "invalid_request", 2L, "unsupported_method", 1L,
          "method_not_allowed_for_app", 1L), counts);
    }
    // each of these wallets only ever saw bad input: none of them has a signature
    for (String id : rejectedWallets) {
      assertEquals("", auditDetail(JSON.createObjectNode().put("id", id), "succeeded"), id);
    }
  }

  /** The details of the wallet's wallet.sign rows with this outcome, concatenated. */
  private static String auditDetail(JsonNode wallet, String outcome) throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement("SELECT detail FROM audit_log WHERE wallet_id = ?"
            + " AND action = 'wallet.sign' AND outcome = ? ORDER BY id")) {
      ps.setString(1, wallet.get("id").asText());
      ps.setString(2, outcome);
      StringBuilder b = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          b.append(rs.getString(1));
        }
      }
      return b.toString();
    }
  }

}
