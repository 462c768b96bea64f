package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nitrosign.authz.RequestSigner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Owned wallets through the running system (REST → parent → enclave process → PostgreSQL):
 * Privy's authorization signatures, made as the SDK makes them, decide what an owned wallet signs,
 * who may change its owner and who may export it; every refusal is a typed 401 audited as
 * rejected. (The hostile-parent suite plays the same attacks below the parent.)
 */
class OwnedWalletEndToEndTest {

  private static SharedStack shared;
  private static Http http;
  private static String auth;
  private static String appId;
  private static final String MESSAGE = "owned wallet e2e";

  @BeforeAll
  static void start() throws Exception {
    shared = SharedStack.get();
    http = shared.http();
    auth = shared.auth();
    appId = shared.appId();
  }

  private record Key(RequestSigner signer, String publicKey) {
    static Key generate() {
      RequestSigner.KeyPairText pair = RequestSigner.generate();
      return new Key(RequestSigner.fromPkcs8Base64(pair.privateKey()), pair.publicKey());
    }
  }

  private static String createWallet(String ownerJson) throws Exception {
    Http.Reply r = http.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\"," + ownerJson + "}");
    assertEquals(200, r.status(), () -> r.raw().body());
    return r.body().get("id").asText();
  }

  private static String personalSign(String message) {
    return "{\"method\":\"personal_sign\",\"params\":{\"message\":\"" + message
        + "\",\"encoding\":\"utf-8\"}}";
  }

  private static Http.Reply sign(String walletId, String body, RequestSigner... signers)
      throws Exception {
    return http.signed("POST", "/v1/wallets/" + walletId + "/rpc", auth, appId, body, signers);
  }

  private static void assertRefused(Http.Reply r, String code) {
    assertEquals(401, r.status(), () -> r.raw().body());
    assertEquals(code, r.body().get("code").asText(), () -> r.raw().body());
    assertFalse(r.raw().body().contains("Exception"), r.raw().body());
  }

  private static String addressOf(String walletId) throws Exception {
    return http.get("/v1/wallets/" + walletId, auth).body().get("address").asText();
  }

  @Test
  void anOwnedWalletSignsOnlyWhatItsOwnerSigned() throws Exception {
    Key owner = Key.generate();
    Key stranger = Key.generate();
    String wallet = createWallet("\"owner\":{\"public_key\":\"" + owner.publicKey() + "\"}");
    Http.Reply ok = sign(wallet, personalSign(MESSAGE), owner.signer());
    assertEquals(200, ok.status(), () -> ok.raw().body());
    String signature = ok.body().get("data").get("signature").asText();
    if (IndependentVerifier.available()) {
      assertEquals(addressOf(wallet).toLowerCase(),
          IndependentVerifier.recoverPersonalSign(MESSAGE, signature).toLowerCase());
    }

    assertRefused(http.post("/v1/wallets/" + wallet + "/rpc", auth, personalSign(MESSAGE)),
        "missing_authorization_signature");
    assertRefused(sign(wallet, personalSign(MESSAGE), stranger.signer()),
        "invalid_authorization_signature");
    // signed for another body than the one sent
    String expiry = Long.toString(System.currentTimeMillis() + 600_000);
    String other = owner.signer().signRequest("POST",
        shared.stack().baseUrl() + "/v1/wallets/" + wallet + "/rpc", personalSign("other"), appId,
        null, expiry);
    assertRefused(http.send("POST", "/v1/wallets/" + wallet + "/rpc", auth, personalSign(MESSAGE),
        Map.of("privy-app-id", appId, "privy-request-expiry", expiry,
            "privy-authorization-signature", other)), "invalid_authorization_signature");
    // expired two minutes ago (beyond the one-minute skew)
    String past = Long.toString(System.currentTimeMillis() - 120_000);
    String late = owner.signer().signRequest("POST",
        shared.stack().baseUrl() + "/v1/wallets/" + wallet + "/rpc", personalSign(MESSAGE), appId,
        null, past);
    assertRefused(http.send("POST", "/v1/wallets/" + wallet + "/rpc", auth, personalSign(MESSAGE),
        Map.of("privy-app-id", appId, "privy-request-expiry", past,
            "privy-authorization-signature", late)), "request_expired");
    assertEquals(List.of("missing_authorization_signature", "invalid_authorization_signature",
        "invalid_authorization_signature", "request_expired"), rejections(wallet, "wallet.sign"));
  }

  @Test
  void aReplayedRequestIsRefusedByTheEnclave() throws Exception {
    Key owner = Key.generate();
    String wallet = createWallet("\"owner\":{\"public_key\":\"" + owner.publicKey() + "\"}");
    String expiry = Long.toString(System.currentTimeMillis() + 600_000);
    String body = personalSign(MESSAGE);
    String sig = owner.signer().signRequest("POST",
        shared.stack().baseUrl() + "/v1/wallets/" + wallet + "/rpc", body, appId, null, expiry);
    Map<String, String> headers = Map.of("privy-app-id", appId, "privy-request-expiry", expiry,
        "privy-authorization-signature", sig);
    assertEquals(200, http.send("POST", "/v1/wallets/" + wallet + "/rpc", auth, body, headers)
        .status());
    assertRefused(http.send("POST", "/v1/wallets/" + wallet + "/rpc", auth, body, headers),
        "authorization_replayed");
  }

  @Test
  void aTwoOfThreeKeyQuorumNeedsTwoMembers() throws Exception {
    Key a = Key.generate();
    Key b = Key.generate();
    Key c = Key.generate();
    Http.Reply q = http.post("/v1/key_quorums", auth, "{\"public_keys\":[\"" + a.publicKey()
        + "\",\"" + b.publicKey() + "\",\"" + c.publicKey() + "\"],\"authorization_threshold\":2,"
        + "\"display_name\":\"treasury\"}");
    assertEquals(200, q.status(), () -> q.raw().body());
    String quorum = q.body().get("id").asText();
    String wallet = createWallet("\"owner_id\":\"" + quorum + "\"");
    assertEquals(quorum, http.get("/v1/wallets/" + wallet, auth).body().get("owner_id").asText());
    assertRefused(sign(wallet, personalSign(MESSAGE), b.signer()), "insufficient_signatures");
    Http.Reply ok = sign(wallet, personalSign(MESSAGE), c.signer(), a.signer());
    assertEquals(200, ok.status(), () -> ok.raw().body());
    // the quorum owns a wallet: its members cannot change under it
    Http.Reply change = http.signed("PATCH", "/v1/key_quorums/" + quorum, auth, appId,
        "{\"authorization_threshold\":1}", a.signer(), b.signer());
    assertEquals(409, change.status(), () -> change.raw().body());
    assertEquals("key_quorum_in_use", change.body().get("code").asText());
    // its display name can, with its members' signatures
    Http.Reply renamed = http.signed("PATCH", "/v1/key_quorums/" + quorum, auth, appId,
        "{\"display_name\":\"treasury-2\"}", a.signer(), b.signer());
    assertEquals(200, renamed.status(), () -> renamed.raw().body());
    Http.Reply unsigned = http.signed("PATCH", "/v1/key_quorums/" + quorum, auth, appId,
        "{\"display_name\":\"treasury-3\"}", a.signer());
    assertRefused(unsigned, "insufficient_signatures");
  }

  @Test
  void theOwnerMovesTheWalletToANewOwnerAndTheOldOneLosesIt() throws Exception {
    Key first = Key.generate();
    Key second = Key.generate();
    String wallet = createWallet("\"owner\":{\"public_key\":\"" + first.publicKey() + "\"}");
    String patch = "{\"owner\":{\"public_key\":\"" + second.publicKey() + "\"}}";
    assertRefused(http.signed("PATCH", "/v1/wallets/" + wallet, auth, appId, patch,
        second.signer()), "invalid_authorization_signature");
    Http.Reply moved = http.signed("PATCH", "/v1/wallets/" + wallet, auth, appId, patch,
        first.signer());
    assertEquals(200, moved.status(), () -> moved.raw().body());
    assertEquals(addressOf(wallet), moved.body().get("address").asText());
    assertRefused(sign(wallet, personalSign(MESSAGE), first.signer()),
        "invalid_authorization_signature");
    assertEquals(200, sign(wallet, personalSign(MESSAGE), second.signer()).status());
    // and gives it up: owner null makes it app-owned again
    Http.Reply released = http.signed("PATCH", "/v1/wallets/" + wallet, auth, appId,
        "{\"owner\":null}", second.signer());
    assertEquals(200, released.status(), () -> released.raw().body());
    Http.Reply appSigned = http.post("/v1/wallets/" + wallet + "/rpc", auth, personalSign(MESSAGE));
    assertEquals(200, appSigned.status(), () -> appSigned.raw().body());
  }

  @Test
  void anAppOwnedWalletTakesAnOwnerWithoutSignatures() throws Exception {
    Key owner = Key.generate();
    String wallet = createWallet("\"additional_signers\":[]");
    assertEquals(200, http.post("/v1/wallets/" + wallet + "/rpc", auth, personalSign(MESSAGE))
        .status());
    Http.Reply owned = http.signed("PATCH", "/v1/wallets/" + wallet, auth, appId,
        "{\"owner\":{\"public_key\":\"" + owner.publicKey() + "\"}}");
    assertEquals(200, owned.status(), () -> owned.raw().body());
    assertRefused(http.post("/v1/wallets/" + wallet + "/rpc", auth, personalSign(MESSAGE)),
        "missing_authorization_signature");
  }

  @Test
  void malformedOwnersAreTypedErrors() throws Exception {
    Http.Reply notAKey = http.post("/v1/wallets", auth,
        "{\"chain_type\":\"ethereum\",\"owner\":{\"public_key\":\"AAAA\"}}");
    assertEquals(400, notAKey.status(), () -> notAKey.raw().body());
    assertTrue(notAKey.body().get("error").asText().contains("owner.public_key"),
        () -> notAKey.raw().body());
    Http.Reply unknown = http.post("/v1/wallets", auth,
        "{\"chain_type\":\"ethereum\",\"owner_id\":\"kq-does-not-exist\"}");
    assertEquals(404, unknown.status(), () -> unknown.raw().body());
  }

  /** The error codes of the rejected audit rows of {@code action} for the wallet, in order. */
  private static List<String> rejections(String wallet, String action) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(shared.stack().jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement("SELECT error_code FROM audit_log"
            + " WHERE wallet_id = ? AND action = ? AND outcome = 'rejected' ORDER BY id")) {
      ps.setString(1, wallet);
      ps.setString(2, action);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
