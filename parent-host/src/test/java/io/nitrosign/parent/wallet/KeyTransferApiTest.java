package io.nitrosign.parent.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.hpke.PrivyEnvelope;
import io.nitrosign.parent.ParentHostApplication;
import io.nitrosign.parent.ParentHostConfiguration;
import io.nitrosign.parent.TestApi;
import io.nitrosign.parent.TestApi.Key;
import io.nitrosign.parent.TestApi.Reply;
import io.nitrosign.parent.TestApp;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.WalletAuthority;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Import and export as Privy's SDK sends them, through the running parent with a real database
 * and no enclave: how the format is told from the request, what is refused before the enclave is
 * asked (with the right code, audited, nothing stored), and that a valid SDK request reaches the
 * enclave (here: 503, since none listens). The enclave's side is KeyImportExportTest and
 * PrivyKeyTransferTest (enclave-app); the whole path with the SDK itself is
 * PrivySdkImportExportEndToEndTest (devkit).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class KeyTransferApiTest {

  private static final TestPostgres.Db DB = TestPostgres.newDatabase();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, TestApp.config(DB));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder();

  private static Jdbi jdbi;
  private static TestApi api;
  private static AppManager apps;

  @BeforeAll
  static void createApps() {
    jdbi = Jdbi.create(DB.superuser());
    api = new TestApi(APP, jdbi);
    apps = new AppManager(jdbi, RANDOM, Clock.systemUTC(), JSON);
  }

  private static void assertError(Reply r, int status, String code) throws Exception {
    assertEquals(status, r.status(), r.body());
    assertEquals(code, r.json().get("code").asText(), r.body());
    assertTrue(!r.body().contains("Exception"), r.body());
  }

  private static byte[] point() {
    try (HpkeKeyPair k = HpkeKeyPair.generate(RANDOM)) {
      return k.publicKey();
    }
  }

  /** A submit body as {@code wallets().import} sends it (private-key entropy). */
  private static String sdkSubmit(String enc, String ciphertext, String extraTop) {
    return "{\"wallet\":{\"address\":\"0x2c7536E3605D9C16a7a3D7b1898e529396a65c23\","
        + "\"chain_type\":\"ethereum\",\"entropy_type\":\"private-key\",\"encryption_type\":"
        + "\"HPKE\",\"encapsulated_key\":\"" + enc + "\",\"ciphertext\":\"" + ciphertext + "\"}"
        + extraTop + "}";
  }

  private static int wallets(CreatedApp app) {
    return jdbi.withHandle(h -> new WalletStore(h).count(app.app().id()));
  }

  // ---------------------------------------------------------------------------------- import

  @Test
  void aMalformedEnvelopeIs400MalformedCiphertextAuditedAndNothingIsStored() throws Exception {
    CreatedApp app = apps.create("malformed", false);
    String enc = B64.encodeToString(point());
    String ct = B64.encodeToString(new byte[48]);
    List<String> bodies = List.of(
        sdkSubmit("!!not base64", ct, ""),
        sdkSubmit(B64.encodeToString(new byte[64]), ct, ""),
        sdkSubmit(B64.encodeToString(new byte[66]), ct, ""),
        sdkSubmit(enc, "", ""),
        sdkSubmit(enc, "%%%", ""),
        sdkSubmit(enc, B64.encodeToString(new byte[257]), ""),
        // ours, too (a wallet id from init)
        "{\"wallet\":{\"wallet_id\":\"" + io.nitrosign.parent.Ids.random(RANDOM)
            + "\",\"chain_type\":\"ethereum\",\"encapsulated_key\":\"!!\",\"ciphertext\":\""
            + ct + "\"}}");
    for (String body : bodies) {
      assertError(api.call("POST", "/v1/wallets/import/submit", body, app), 400,
          "malformed_ciphertext");
    }
    assertEquals(0, wallets(app));
    List<AuditRow> rows = api.audit(app, "wallet.import");
    assertEquals(bodies.size(), rows.size());
    assertTrue(rows.stream().allMatch(r -> r.outcome().equals("rejected")
        && r.errorCode().equals("malformed_ciphertext")), rows::toString);
    assertEquals(bodies.size() - 1,
        rows.stream().filter(r -> r.detail().contains("\"format\":\"privy\"")).count());
  }

  @Test
  void anSdkSubmitIsCheckedFieldByFieldBeforeTheEnclave() throws Exception {
    CreatedApp app = apps.create("sdk-fields", false);
    String enc = B64.encodeToString(point());
    String ct = B64.encodeToString(new byte[48]);
    String good = sdkSubmit(enc, ct, "");
    assertError(api.call("POST", "/v1/wallets/import/submit",
        good.replace("\"address\":\"0x2c7536E3605D9C16a7a3D7b1898e529396a65c23\",", ""), app),
        400, "invalid_request");
    Reply hd = api.call("POST", "/v1/wallets/import/submit",
        good.replace("private-key", "hd"), app);
    assertError(hd, 400, "invalid_request");
    assertTrue(hd.json().get("error").asText().contains("entropy_type"), hd.body());
    assertError(api.call("POST", "/v1/wallets/import/submit",
        good.replace("\"HPKE\"", "\"RSA\""), app), 400, "invalid_request");
    assertError(api.call("POST", "/v1/wallets/import/submit",
        good.replace("\"chain_type\"", "\"index\":0,\"chain_type\""), app), 400, "invalid_request");
    assertError(api.call("POST", "/v1/wallets/import/submit", sdkSubmit(enc, ct,
        ",\"external_thing\":1"), app), 400, "invalid_request");
    assertError(api.call("POST", "/v1/wallets/import/submit",
        good.replace("ethereum", "dogecoin"), app), 400, "unsupported_chain_type");
    // the owner fields are resolved as wallet create resolves them
    assertError(api.call("POST", "/v1/wallets/import/submit", sdkSubmit(enc, ct,
        ",\"owner_id\":\"" + io.nitrosign.parent.Ids.random(RANDOM) + "\""), app), 404,
        "key_quorum_not_found");
    assertError(api.call("POST", "/v1/wallets/import/submit", sdkSubmit(enc, ct,
        ",\"owner\":{\"public_key\":\"AAAA\"}"), app), 400, "invalid_request");
    assertError(api.call("POST", "/v1/wallets/import/submit", sdkSubmit(enc, ct,
        ",\"policy_ids\":[\"" + io.nitrosign.parent.Ids.random(RANDOM) + "\"]"), app), 400,
        "invalid_request");
    assertEquals(0, wallets(app));
  }

  @Test
  void aValidSdkSubmitWithAnOwnerReachesTheEnclaveAndStoresNothingWhenItIsDown()
      throws Exception {
    CreatedApp app = apps.create("sdk-down", false);
    Key owner = Key.fresh();
    Reply r = api.call("POST", "/v1/wallets/import/submit", sdkSubmit(
        B64.encodeToString(point()), B64.encodeToString(new byte[48]),
        ",\"owner\":{\"public_key\":\"" + owner.publicKey() + "\"}"), app);
    assertError(r, 503, "enclave_unavailable");
    assertEquals(0, wallets(app));
    assertEquals(0, (int) jdbi.withHandle(h -> h.createQuery(
        "SELECT count(*) FROM key_quorums WHERE app_id = :a").bind("a", app.app().id())
        .mapTo(Integer.class).one()), "the owner's 1-of-1 key quorum is stored with the wallet only");
    List<AuditRow> rows = api.audit(app, "wallet.import");
    assertEquals(1, rows.size());
    assertEquals("failed", rows.get(0).outcome());
    assertTrue(rows.get(0).detail().contains("\"owned\":true"), rows.get(0).detail());
  }

  @Test
  void initTakesTheSdksBodyAndRefusesHdImports() throws Exception {
    CreatedApp app = apps.create("init", false);
    String sdkInit = "{\"address\":\"0x2c7536E3605D9C16a7a3D7b1898e529396a65c23\","
        + "\"chain_type\":\"ethereum\",\"encryption_type\":\"HPKE\",\"entropy_type\":\"private-key\"}";
    assertError(api.call("POST", "/v1/wallets/import/init", sdkInit, app), 503,
        "enclave_unavailable");
    assertError(api.call("POST", "/v1/wallets/import/init",
        sdkInit.replace("private-key", "hd"), app), 400, "invalid_request");
    assertError(api.call("POST", "/v1/wallets/import/init",
        sdkInit.replace("}", ",\"index\":0}"), app), 400, "invalid_request");
  }

  @Test
  void enclaveRefusalsOfAnImportMapToMalformedCiphertextOrInvalidRequest() {
    ApiException malformed = KeyTransferManager.importFailure(new EnclaveCallException(
        EnclaveCallException.Kind.ERROR, ErrorCode.MALFORMED_CIPHERTEXT,
        "import ciphertext did not decrypt"));
    assertEquals(400, malformed.status());
    assertEquals("malformed_ciphertext", malformed.code());
    ApiException notAKey = KeyTransferManager.importFailure(new EnclaveCallException(
        EnclaveCallException.Kind.ERROR, ErrorCode.INVALID_REQUEST,
        "imported key is not a valid secp256k1 private key"));
    assertEquals(400, notAKey.status());
    assertEquals("invalid_request", notAKey.code());
    assertTrue(notAKey.getMessage().contains("not a valid secp256k1 private key"));
    assertEquals(502, KeyTransferManager.importFailure(new EnclaveCallException(
        EnclaveCallException.Kind.ERROR, ErrorCode.SEAL_INTEGRITY, "x")).status());
  }

  // ---------------------------------------------------------------------------------- export

  private static String exportBody(byte[] recipient, String extra) {
    return "{\"encryption_type\":\"HPKE\",\"recipient_public_key\":\""
        + B64.encodeToString(recipient) + "\"" + extra + "}";
  }

  @Test
  void exportTakesAnSpkiRecipientAsTheSdkSendsItOrOurRawPoint() throws Exception {
    CreatedApp exporter = apps.create("exporter", false, true);
    Wallet w = jdbi.withHandle(h -> TestApi.insertWallet(h, exporter.app().id(), "ethereum",
        null));
    String path = "/v1/wallets/" + w.id() + "/export";
    byte[] raw = point();
    byte[] spki = PrivyEnvelope.spkiOf(raw);
    // both formats reach the enclave (none listens here)
    assertError(api.call("POST", path, exportBody(spki, ",\"export_seed_phrase\":false"),
        exporter), 503, "enclave_unavailable");
    assertError(api.call("POST", path, exportBody(raw, ""), exporter), 503,
        "enclave_unavailable");
    // a seed phrase: these wallets have none
    Reply seed = api.call("POST", path, exportBody(spki, ",\"export_seed_phrase\":true"),
        exporter);
    assertError(seed, 400, "invalid_request");
    assertTrue(seed.json().get("error").asText().startsWith("export_seed_phrase"), seed.body());
    assertError(api.call("POST", path, exportBody(spki, ",\"export_seed_phrase\":\"yes\""),
        exporter), 400, "invalid_request");
    // not a P-256 key in either form
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
    for (byte[] bad : List.of(g.generateKeyPair().getPublic().getEncoded(), new byte[33],
        java.util.Arrays.copyOf(spki, spki.length - 1))) {
      assertError(api.call("POST", path, exportBody(bad, ""), exporter), 400, "invalid_request");
    }
    assertEquals(List.of("invalid_request", "invalid_request", "invalid_request",
        "invalid_request", "invalid_request"), api.audit(exporter, "wallet.export").stream()
        .filter(r -> r.outcome().equals("rejected")).map(AuditRow::errorCode).toList());
  }

  @Test
  void anOwnedWalletsSdkExportNeedsTheOwnersSignatureBeforeTheEnclaveIsAsked()
      throws Exception {
    CreatedApp exporter = apps.create("owned-exporter", false, true);
    Key owner = Key.fresh();
    Key stranger = Key.fresh();
    byte[] authority = WalletAuthority.newBuilder().setVersion(OwnerResolver.AUTHORITY_VERSION)
        .setAppId(exporter.app().id()).setChainType("ethereum")
        .setOwner(KeyQuorum.newBuilder().setThreshold(1)
            .addPublicKeys(com.google.protobuf.ByteString.copyFrom(owner.spki())))
        .build().toByteArray();
    Wallet w = jdbi.withHandle(h -> TestApi.insertWallet(h, exporter.app().id(), "ethereum",
        authority));
    String path = "/v1/wallets/" + w.id() + "/export";
    String body = exportBody(PrivyEnvelope.spkiOf(point()), ",\"export_seed_phrase\":false");
    assertError(api.call("POST", path, body, exporter), 401, "missing_authorization_signature");
    assertError(api.signed("POST", path, body, exporter, stranger), 401,
        "invalid_authorization_signature");
    assertError(api.signed("POST", path, body, exporter, owner), 503, "enclave_unavailable");
  }
}
