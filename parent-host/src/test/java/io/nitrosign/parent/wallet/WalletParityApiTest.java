package io.nitrosign.parent.wallet;

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
import io.nitrosign.parent.TestApi;
import io.nitrosign.parent.TestApi.Key;
import io.nitrosign.parent.TestApi.Reply;
import io.nitrosign.parent.TestApp;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.WalletAuthority;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Privy's SDK sends for wallets besides create/get/rpc, through the REST API with a real
 * database and no enclave listening: the list filters (every one applied, an unknown parameter
 * refused by name), {@code display_name} and {@code external_id} (write-once, unique in the app),
 * {@code public_key} in Privy's encoding, the optional rpc envelope fields, the
 * {@code bitcoin-segwit} alias, and {@code POST /v1/wallets/{id}/raw_sign} up to the enclave: off
 * for apps without raw signing, its parameters checked, owners' signatures required, policies
 * applied (a request that passes all that reaches the enclave, which is down here: 503).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class WalletParityApiTest {

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String HASH = "0x" + "ab".repeat(32);

  private static Jdbi jdbi;
  private static TestApi api;
  private static CreatedApp plain;
  private static CreatedApp raw;

  @BeforeAll
  static void createApps() {
    jdbi = Jdbi.create(DB.superuser());
    api = new TestApi(APP, jdbi);
    AppManager apps = new AppManager(jdbi, RANDOM, Clock.systemUTC(), JSON);
    plain = apps.create("parity", false);
    raw = apps.create("parity-raw", true);
  }

  // --------------------------------------------------------------------------- list filters

  @Test
  void everyListFilterIsAppliedAndTheyCombine() throws Exception {
    CreatedApp app = fresh();
    Wallet eth = wallet(app, "ethereum", null);
    Wallet eth2 = wallet(app, "ethereum", null);
    Wallet btc = wallet(app, "bitcoin", null);
    label(app, eth, "{\"external_id\":\"order-1\",\"display_name\":\"Treasury\"}");

    assertEquals(Set.of(eth.id()), ids(list(app, "address=" + eth.address())));
    // Ethereum addresses in any letter case
    assertEquals(Set.of(eth.id()), ids(list(app, "address=" + eth.address().toUpperCase()
        .replace("0X", "0x"))));
    assertEquals(Set.of(), ids(list(app, "address=0x" + "00".repeat(20))));
    assertEquals(Set.of(eth.id(), eth2.id()), ids(list(app, "chain_type=ethereum")));
    assertEquals(Set.of(btc.id()), ids(list(app, "chain_type=bitcoin")));
    // Privy's name for a mainnet P2WPKH wallet
    assertEquals(Set.of(btc.id()), ids(list(app, "chain_type=bitcoin-segwit")));
    assertEquals(Set.of(eth.id()), ids(list(app, "external_id=order-1")));
    assertEquals(Set.of(), ids(list(app, "external_id=order-2")));
    // filters combine (AND)
    assertEquals(Set.of(), ids(list(app, "external_id=order-1&chain_type=bitcoin")));
    assertEquals(Set.of(eth.id()), ids(list(app, "external_id=order-1&chain_type=ethereum"
        + "&address=" + eth.address() + "&include_archived=false&limit=5")));
    // no user owns a wallet yet: a user id matches nothing
    assertEquals(Set.of(), ids(list(app, "user_id=did:privy:someone")));
    assertEquals(Set.of(eth.id(), eth2.id(), btc.id()), ids(list(app, "")));
  }

  @Test
  void theAuthorizationKeyFilterFindsOwnersAndSignersThroughNestedQuorums() throws Exception {
    CreatedApp app = fresh();
    Key k1 = Key.fresh();
    Key k2 = Key.fresh();
    Key k3 = Key.fresh();
    Key stranger = Key.fresh();
    String q1 = quorum(app, "{\"public_keys\":[\"" + k1.publicKey() + "\"],"
        + "\"authorization_threshold\":1}");
    String q2 = quorum(app, "{\"public_keys\":[\"" + k2.publicKey() + "\"],"
        + "\"authorization_threshold\":1}");
    // k3 and q1 (so k1 through it)
    String q3 = quorum(app, "{\"public_keys\":[\"" + k3.publicKey() + "\"],"
        + "\"key_quorum_ids\":[\"" + q1 + "\"],\"authorization_threshold\":1}");
    Wallet ownedByQ1 = wallet(app, "ethereum", null);
    Wallet ownedByQ3 = wallet(app, "ethereum", null);
    Wallet signerQ2 = wallet(app, "ethereum", null);
    Wallet none = wallet(app, "ethereum", null);
    ownership(ownedByQ1, new WalletOwnership(q1, List.of(), List.of()));
    ownership(ownedByQ3, new WalletOwnership(q3, List.of(), List.of()));
    ownership(signerQ2, new WalletOwnership(null,
        List.of(new WalletOwnership.Signer(q2, List.of())), List.of()));

    assertEquals(Set.of(ownedByQ1.id(), ownedByQ3.id()), ids(list(app, key(k1))));
    assertEquals(Set.of(signerQ2.id()), ids(list(app, key(k2))));
    assertEquals(Set.of(ownedByQ3.id()), ids(list(app, key(k3))));
    assertEquals(Set.of(), ids(list(app, key(stranger))));
    assertFalse(ids(list(app, key(k1))).contains(none.id()));
    // the key as base64 with its '+' sent unencoded (a space on arrival) still matches
    String unencoded = "authorization_key=" + k1.publicKey().replace("/", "%2F")
        .replace("=", "%3D");
    assertEquals(Set.of(ownedByQ1.id(), ownedByQ3.id()), ids(list(app, unencoded)));

    assertError(api.call("GET", "/v1/wallets?" + key(k1) + "&user_id=u1", null, app), 400,
        "invalid_request", "user_id and authorization_key cannot be used together");
    assertError(api.call("GET", "/v1/wallets?authorization_key=AAAA", null, app), 400,
        "invalid_request", "authorization_key");
  }

  @Test
  void anUnknownOrRepeatedQueryParameterIsRefusedByName() throws Exception {
    assertError(api.call("GET", "/v1/wallets?adress=0x00", null, plain), 400, "invalid_request",
        "unknown query parameter: adress");
    assertError(api.call("GET", "/v1/wallets?entity_id=e1", null, plain), 400, "invalid_request",
        "unknown query parameter: entity_id");
    assertError(api.call("GET", "/v1/wallets?chain_type=ethereum&chain_type=solana", null, plain),
        400, "invalid_request", "chain_type is given more than once");
    assertError(api.call("GET", "/v1/wallets?chain_type=bitcoin-taproot", null, plain), 400,
        "unsupported_chain_type", "bitcoin-segwit (= bitcoin)");
    assertError(api.call("GET", "/v1/wallets?external_id=no%20spaces", null, plain), 400,
        "invalid_request", "external_id must be");
    assertError(api.call("GET", "/v1/wallets?include_archived=yes", null, plain), 400,
        "invalid_request", "include_archived");
  }

  // ------------------------------------------------------------------------------- labels

  @Test
  void labelsAreSetShownClearedAndExternalIdIsWriteOnceAndUnique() throws Exception {
    CreatedApp app = fresh();
    Wallet w = wallet(app, "ethereum", null);
    Wallet other = wallet(app, "ethereum", null);
    Reply set = label(app, w, "{\"display_name\":\"Treasury\",\"external_id\":\"acct_42\"}");
    assertEquals("Treasury", set.json().get("display_name").asText());
    assertEquals("acct_42", set.json().get("external_id").asText());
    JsonNode got = api.call("GET", "/v1/wallets/" + w.id(), null, app).json();
    assertEquals("Treasury", got.get("display_name").asText());
    assertEquals("acct_42", got.get("external_id").asText());
    // an unlabelled wallet shows neither field (Privy's optional fields)
    JsonNode bare = api.call("GET", "/v1/wallets/" + other.id(), null, app).json();
    assertFalse(bare.has("display_name") || bare.has("external_id"), bare.toString());

    // the same external_id again is fine; another is refused, and so is removing it
    assertEquals(200, label(app, w, "{\"external_id\":\"acct_42\"}").status());
    assertError(api.call("PATCH", "/v1/wallets/" + w.id(), "{\"external_id\":\"acct_43\"}", app),
        400, "invalid_request", "write-once");
    assertError(api.call("PATCH", "/v1/wallets/" + w.id(), "{\"external_id\":null}", app),
        400, "invalid_request", "write-once");
    // unique within the app, on update and on create (refused before any key is generated)
    assertError(api.call("PATCH", "/v1/wallets/" + other.id(), "{\"external_id\":\"acct_42\"}",
        app), 409, "external_id_in_use", "external_id");
    assertError(api.call("POST", "/v1/wallets",
        "{\"chain_type\":\"ethereum\",\"external_id\":\"acct_42\"}", app), 409,
        "external_id_in_use", "external_id");
    // another app may use it
    Wallet elsewhere = wallet(plain, "ethereum", null);
    assertEquals(200, label(plain, elsewhere, "{\"external_id\":\"acct_42\"}").status());

    // display_name: null clears it
    JsonNode cleared = label(app, w, "{\"display_name\":null}").json();
    assertFalse(cleared.has("display_name"), cleared.toString());
    assertEquals("acct_42", cleared.get("external_id").asText());

    assertError(api.call("POST", "/v1/wallets",
        "{\"chain_type\":\"ethereum\",\"external_id\":\"has space\"}", app), 400,
        "invalid_request", "external_id must be");
    assertError(api.call("POST", "/v1/wallets",
        "{\"chain_type\":\"ethereum\",\"display_name\":\"" + "x".repeat(129) + "\"}", app), 400,
        "invalid_request", "display_name must be");
    assertError(api.call("POST", "/v1/wallets", "{\"chain_type\":\"ethereum\","
        + "\"display_name\":7}", app), 400, "invalid_request", "display_name must be a string");
  }

  @Test
  void anOwnedWalletsLabelsNeedItsOwnersSignature() throws Exception {
    CreatedApp app = fresh();
    Key owner = Key.fresh();
    Wallet w = wallet(app, "ethereum", owner);
    String body = "{\"display_name\":\"Cold\"}";
    assertEquals(401, api.call("PATCH", "/v1/wallets/" + w.id(), body, app).status());
    Reply ok = api.signed("PATCH", "/v1/wallets/" + w.id(), body, app, owner);
    assertEquals(200, ok.status(), ok.body());
    assertEquals("Cold", ok.json().get("display_name").asText());
  }

  // --------------------------------------------------------------------------- rpc envelope

  @Test
  void theSdksOptionalRpcFieldsAreCheckedAgainstTheWallet() throws Exception {
    Wallet w = wallet(plain, "ethereum", null);
    String sign = "\"method\":\"personal_sign\",\"params\":{\"message\":\"hi\","
        + "\"encoding\":\"utf-8\"}";
    assertError(rpc(plain, w, "{" + sign + ",\"wallet_id\":\"someotherwallet\"}"), 400,
        "invalid_request", "wallet_id");
    assertError(rpc(plain, w, "{" + sign + ",\"address\":\"0x" + "11".repeat(20) + "\"}"), 400,
        "invalid_request", "address is not the wallet's address");
    assertError(rpc(plain, w, "{" + sign + ",\"chain_type\":\"solana\"}"), 400,
        "invalid_request", "chain_type");
    assertError(rpc(plain, w, "{" + sign + ",\"signature_options\":{\"type\":\"erc1271\"}}"),
        400, "invalid_request", "ERC-1271");
    assertError(rpc(plain, w, "{" + sign + ",\"reference_id\":\"" + "r".repeat(129) + "\"}"),
        400, "invalid_request", "reference_id");
    assertError(rpc(plain, w, "{\"method\":\"eth_signTransaction\",\"params\":{},"
        + "\"signature_options\":{\"type\":\"ecdsa\"}}"), 400, "invalid_request",
        "signature_options applies only to");
    // all of them naming this wallet: accepted, and the request goes on to the enclave (down)
    Reply ok = rpc(plain, w, "{" + sign + ",\"wallet_id\":\"" + w.id() + "\",\"address\":\""
        + w.address().toLowerCase() + "\",\"chain_type\":\"ethereum\",\"caip2\":\"eip155:1\","
        + "\"signature_options\":{\"type\":\"ecdsa\"},\"reference_id\":\"ref-1\"}");
    assertEquals(503, ok.status(), ok.body());
    AuditRow row = last(plain, w.id(), "wallet.sign");
    assertEquals("ref-1", JSON.readTree(row.detail()).get("reference_id").asText(), row.detail());
  }

  // ------------------------------------------------------------------------------ raw_sign

  @Test
  void rawSignIsOffForAppsWithoutRawSigning() throws Exception {
    Wallet w = wallet(plain, "ethereum", null);
    assertError(rawSign(plain, w, "{\"params\":{\"hash\":\"" + HASH + "\"}}"), 403,
        "method_not_allowed_for_app", "raw_sign (raw signing) is not enabled for this app");
    AuditRow row = last(plain, w.id(), "wallet.sign");
    assertEquals("rejected", row.outcome());
    assertEquals("method_not_allowed_for_app", row.errorCode());
    assertEquals("raw_sign", JSON.readTree(row.detail()).get("method").asText());
  }

  @Test
  void rawSignChecksItsParametersByName() throws Exception {
    Wallet w = wallet(raw, "ethereum", null);
    assertError(rawSign(raw, w, "{\"params\":{\"hash\":\"0xabcd\"}}"), 400, "invalid_request",
        "params.hash must be 32 bytes of hex");
    assertError(rawSign(raw, w, "{\"params\":{\"hash\":\"" + HASH + "\",\"bytes\":\"aa\","
        + "\"encoding\":\"hex\",\"hash_function\":\"sha256\"}}"), 400, "invalid_request",
        "not both");
    assertError(rawSign(raw, w, "{\"params\":{\"bytes\":\"aa\",\"encoding\":\"hex\","
        + "\"hash_function\":\"blake2b256\"}}"), 400, "invalid_request",
        "blake2b256 is not supported");
    assertError(rawSign(raw, w, "{\"params\":{\"bytes\":\"aa\",\"encoding\":\"latin-1\","
        + "\"hash_function\":\"sha256\"}}"), 400, "invalid_request", "params.encoding");
    assertError(rawSign(raw, w, "{\"params\":{\"bytes\":\"zz\",\"encoding\":\"hex\","
        + "\"hash_function\":\"sha256\"}}"), 400, "invalid_request", "params.bytes is not valid hex");
    assertError(rawSign(raw, w, "{\"params\":{}}"), 400, "invalid_request", "params.hash");
    assertError(rawSign(raw, w, "{\"params\":{\"hash\":\"" + HASH + "\",\"salt\":1}}"), 400,
        "invalid_request", "params.salt");
    assertError(rawSign(raw, w, "{\"method\":\"raw_sign\",\"params\":{\"hash\":\"" + HASH + "\"}}"),
        400, "invalid_request", "unknown field: method");
    assertError(rawSign(raw, w, "{\"params\":{\"hash\":\"" + HASH + "\"},\"chain_type\":\"solana\"}"),
        400, "invalid_request", "chain_type");
    // a well-formed request goes on to the enclave (down here)
    assertEquals(503, rawSign(raw, w, "{\"params\":{\"bytes\":\"aGk=\",\"encoding\":\"base64\","
        + "\"hash_function\":\"keccak256\"},\"wallet_id\":\"" + w.id() + "\"}").status());
    AuditRow row = last(raw, w.id(), "wallet.sign");
    JsonNode detail = JSON.readTree(row.detail());
    assertEquals("raw_sign", detail.get("method").asText(), row.detail());
    assertEquals("keccak256", detail.get("hash_function").asText(), row.detail());
    assertEquals(32, detail.get("decoded").get("length").asInt(), row.detail());
  }

  @Test
  void rawSignOfAnOwnedWalletNeedsTheOwnersSignatureForTheRawSignUrl() throws Exception {
    Key owner = Key.fresh();
    Wallet w = wallet(raw, "ethereum", owner);
    String body = "{\"params\":{\"hash\":\"" + HASH + "\"}}";
    assertError(rawSign(raw, w, body), 401, "missing_authorization_signature", "");
    // signed for /rpc, sent to /raw_sign
    Reply wrongUrl = api.call("POST", "/v1/wallets/" + w.id() + "/raw_sign", body, raw,
        api.headers("POST", "/v1/wallets/" + w.id() + "/rpc", body, raw,
            System.currentTimeMillis() + 60_000, owner));
    assertEquals(401, wrongUrl.status(), wrongUrl.body());
    // signed for /raw_sign by the owner: accepted, on to the enclave (down)
    Reply ok = api.signed("POST", "/v1/wallets/" + w.id() + "/raw_sign", body, raw, owner);
    assertEquals(503, ok.status(), ok.body());
  }

  @Test
  void policiesDecideRawSignAsMethodRawSign() throws Exception {
    Reply p = api.call("POST", "/v1/policies", """
        {"version":"1.0","name":"messages only","chain_type":"ethereum","rules":[
          {"name":"sign messages","method":"personal_sign","conditions":[],"action":"ALLOW"}]}""",
        raw);
    assertEquals(200, p.status(), p.body());
    Reply allowRaw = api.call("POST", "/v1/policies", """
        {"version":"1.0","name":"raw ok","chain_type":"ethereum","rules":[
          {"name":"raw","method":"raw_sign","conditions":[],"action":"ALLOW"}]}""", raw);
    assertEquals(200, allowRaw.status(), allowRaw.body());
    Wallet denied = wallet(raw, "ethereum", null);
    label(raw, denied, "{\"policy_ids\":[\"" + p.json().get("id").asText() + "\"]}");
    Reply r = rawSign(raw, denied, "{\"params\":{\"hash\":\"" + HASH + "\"}}");
    assertError(r, 403, "policy_denied", "raw_sign");
    Wallet allowed = wallet(raw, "ethereum", null);
    label(raw, allowed, "{\"policy_ids\":[\"" + allowRaw.json().get("id").asText() + "\"]}");
    assertEquals(503, rawSign(raw, allowed, "{\"params\":{\"hash\":\"" + HASH + "\"}}").status());
  }

  @Test
  void anEd25519WalletTakesAHashOfAnyLengthAsTheBytesToSign() throws Exception {
    Wallet sol = wallet(raw, "solana", null);
    // Aptos-style: the whole signing message as "hash", signed as given
    Reply r = rawSign(raw, sol, "{\"params\":{\"hash\":\"0x" + "cd".repeat(100) + "\"}}");
    assertEquals(503, r.status(), r.body());
    AuditRow row = last(raw, sol.id(), "wallet.sign");
    assertEquals(100, JSON.readTree(row.detail()).get("decoded").get("length").asInt());
    assertError(rawSign(raw, sol, "{\"params\":{\"hash\":\"0x\"}}"), 400, "invalid_request",
        "params.hash must be 1 to");
  }

  // -------------------------------------------------------------------------------- helpers

  private static CreatedApp fresh() {
    return new AppManager(jdbi, RANDOM, Clock.systemUTC(), JSON)
        .create("parity-" + RANDOM.nextInt(1_000_000), false);
  }

  /**
   * A wallet of {@code app} (random key, no enclave): owned by {@code owner}'s key (1 of 1) when
   * given. Solana wallets get a real 32-byte key and address shape; others TestApi's.
   */
  private static Wallet wallet(CreatedApp app, String chain, Key owner) {
    byte[] authority = owner == null ? null : WalletAuthority.newBuilder().setVersion(1)
        .setAppId(app.app().id()).setChainType(chain).setOwner(KeyQuorum.newBuilder()
            .setThreshold(1).addPublicKeys(ByteString.copyFrom(owner.spki()))).build()
        .toByteArray();
    if (chain.equals("ethereum")) {
      return jdbi.inTransaction(h -> TestApi.insertWallet(h, app.app().id(), chain, authority));
    }
    ChainType type = ChainType.parse(chain);
    byte[] pk;
    if (type == ChainType.SOLANA) {
      pk = new byte[32];
      RANDOM.nextBytes(pk);
    } else {
      pk = io.nitrosign.chains.bitcoin.Secp256k1Points.G.multiply(
          new java.math.BigInteger(64, RANDOM).add(java.math.BigInteger.ONE)).normalize()
          .getEncoded(false);
    }
    Wallet w = new Wallet(io.nitrosign.parent.Ids.random(RANDOM), app.app().id(),
        type.wireName(), type.curveName(), pk, type.address(pk), authority, 1,
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    jdbi.useTransaction(h -> new WalletStore(h).insert(w, List.of(
        new WalletShare(w.id(), WalletShare.AUTH, 1, new byte[12], new byte[48]),
        new WalletShare(w.id(), WalletShare.EXEC, 1, new byte[12], new byte[48]))));
    return w;
  }

  private static void ownership(Wallet w, WalletOwnership o) {
    jdbi.useTransaction(h -> new WalletOwnershipStore(h).save(w.id(), o));
  }

  private static String quorum(CreatedApp app, String body) throws Exception {
    Reply r = api.call("POST", "/v1/key_quorums", body, app);
    assertEquals(200, r.status(), r.body());
    return r.json().get("id").asText();
  }

  private static Reply label(CreatedApp app, Wallet w, String body) throws Exception {
    Reply r = api.call("PATCH", "/v1/wallets/" + w.id(), body, app);
    assertEquals(200, r.status(), r.body());
    return r;
  }

  private static String key(Key k) {
    return "authorization_key=" + URLEncoder.encode(k.publicKey(), StandardCharsets.UTF_8);
  }

  private static JsonNode list(CreatedApp app, String query) throws Exception {
    Reply r = api.call("GET", "/v1/wallets" + (query.isEmpty() ? "" : "?" + query), null, app);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static Set<String> ids(JsonNode page) {
    Set<String> ids = new TreeSet<>();
    page.get("data").forEach(w -> ids.add(w.get("id").asText()));
    return ids;
  }

  private static Reply rpc(CreatedApp app, Wallet w, String body) throws Exception {
    return api.call("POST", "/v1/wallets/" + w.id() + "/rpc", body, app);
  }

  private static Reply rawSign(CreatedApp app, Wallet w, String body) throws Exception {
    return api.call("POST", "/v1/wallets/" + w.id() + "/raw_sign", body, app);
  }

  private static AuditRow last(CreatedApp app, String walletId, String action) {
    List<AuditRow> rows = new ArrayList<>(api.audit(app, action).stream()
        .filter(r -> walletId.equals(r.walletId())).toList());
    assertFalse(rows.isEmpty(), "no " + action + " row for " + walletId);
    return rows.get(rows.size() - 1);
  }

  private static void assertError(Reply r, int status, String code, String inMessage)
      throws Exception {
    assertEquals(status, r.status(), r.body());
    JsonNode j = r.json();
    assertEquals(code, j.get("code").asText(), r.body());
    assertTrue(j.get("error").asText().contains(inMessage), r.body());
  }
}
