package io.nitrosign.parent.wallet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.db.Migrations;
import io.nitrosign.parent.quorum.StoredKeyQuorum;
import io.nitrosign.parent.quorum.KeyQuorumStore;
import io.nitrosign.parent.quorum.TestKeys;
import io.nitrosign.parent.Ids;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.WalletAuthority;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OwnerResolver against a real database of key quorums. */
class OwnerResolverTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static Jdbi jdbi;
  private static String appA;
  private static String appB;
  private static String child;
  private static String parent;
  private static String signer;
  private static byte[] childKey;
  private static byte[] parentKey;

  @BeforeAll
  static void database() {
    TestPostgres.Db db = TestPostgres.newDatabase();
    Migrations.migrate(db.superuser(), db.user());
    jdbi = Jdbi.create(db.superuser());
    AppManager apps = new AppManager(jdbi, RANDOM, Clock.systemUTC(), JSON);
    CreatedApp a = apps.create("a", false);
    CreatedApp b = apps.create("b", false);
    appA = a.app().id();
    appB = b.app().id();
    childKey = TestKeys.spki("secp256r1");
    parentKey = TestKeys.spki("secp256r1");
    child = quorum(appA, 1, List.of(childKey), List.of());
    parent = quorum(appA, 2, List.of(parentKey), List.of(child));
    signer = quorum(appA, 1, List.of(TestKeys.spki("secp256r1")), List.of());
  }

  private static String quorum(String app, int threshold, List<byte[]> keys, List<String> children) {
    String id = Ids.random(RANDOM);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    jdbi.useTransaction(h -> new KeyQuorumStore(h).insert(new StoredKeyQuorum(id, app, null,
        threshold, keys.stream().map(k -> new StoredKeyQuorum.Key(k, null)).toList(), children,
        null, now, now)));
    return id;
  }

  private static OwnerResolver.Resolved create(String app, String body) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(body);
    return jdbi.withHandle(h -> new OwnerResolver(h).forCreate(app, ChainType.parse("ethereum"), root));
  }

  private static ApiException refused(String app, String body) {
    return assertThrows(ApiException.class, () -> create(app, body));
  }

  @Test
  void aBodyWithoutOwnershipFieldsResolvesToAnAppOwnedAuthority() throws Exception {
    OwnerResolver.Resolved r = create(appA, "{\"chain_type\":\"ethereum\"}");
    WalletAuthority a = r.authority();
    assertEquals(1, a.getVersion());
    assertEquals(appA, a.getAppId());
    assertEquals("ethereum", a.getChainType());
    assertFalse(a.hasOwner());
    assertEquals(0, a.getAdditionalSignersCount());
    assertEquals(WalletOwnership.NONE, r.ownership());
  }

  @Test
  void aPublicKeyOwnerBecomesANewOneOfOneKeyQuorumAsInPrivy() throws Exception {
    byte[] key = TestKeys.spki("secp256r1");
    String b64 = Base64.getEncoder().encodeToString(key);
    OwnerResolver.Resolved r = create(appA, "{\"owner\":{\"public_key\":\"" + b64 + "\"}}");
    KeyQuorum owner = r.authority().getOwner();
    assertEquals(1, owner.getThreshold());
    assertEquals(1, owner.getPublicKeysCount());
    assertArrayEquals(key, owner.getPublicKeys(0).toByteArray());
    // the quorum to store with the wallet; its id is the wallet's owner_id
    assertEquals(owner.getId(), r.newQuorum().id());
    assertEquals(owner.getId(), r.ownership().ownerId());
    assertEquals(appA, r.newQuorum().appId());
    assertEquals(1, r.newQuorum().threshold());
  }

  @Test
  void anOwnerIdResolvesToTheStoredQuorumWithItsNestedQuorum() throws Exception {
    OwnerResolver.Resolved r = create(appA, "{\"owner_id\":\"" + parent + "\"}");
    KeyQuorum owner = r.authority().getOwner();
    assertEquals(parent, owner.getId());
    assertEquals(2, owner.getThreshold());
    assertArrayEquals(parentKey, owner.getPublicKeys(0).toByteArray());
    assertEquals(1, owner.getQuorumsCount());
    assertEquals(child, owner.getQuorums(0).getId());
    assertArrayEquals(childKey, owner.getQuorums(0).getPublicKeys(0).toByteArray());
    assertEquals(parent, r.ownership().ownerId());
  }

  @Test
  void additionalSignersResolveFromTheirKeyQuorumIds() throws Exception {
    OwnerResolver.Resolved r = create(appA, "{\"owner_id\":\"" + child + "\","
        + "\"additional_signers\":[{\"signer_id\":\"" + signer + "\",\"override_policy_ids\":[]}]}");
    assertEquals(1, r.authority().getAdditionalSignersCount());
    assertEquals(signer, r.authority().getAdditionalSigners(0).getSigner().getId());
    assertEquals(List.of(new WalletOwnership.Signer(signer, List.of())),
        r.ownership().additionalSigners());
  }

  @Test
  void ownerAndOwnerIdTogetherAreRefused() {
    String b64 = Base64.getEncoder().encodeToString(TestKeys.spki("secp256r1"));
    ApiException e = refused(appA, "{\"owner\":{\"public_key\":\"" + b64 + "\"},\"owner_id\":\""
        + child + "\"}");
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("owner_id"));
  }

  @Test
  void aUserOwnerNeedsTheAppsJwtIssuer() {
    ApiException e = refused(appA, "{\"owner\":{\"user_id\":\"did:privy:abc\"}}");
    assertEquals(400, e.status());
    assertEquals("jwt_not_configured", e.code());
    assertTrue(e.getMessage().contains("owner.user_id"));
  }

  @Test
  void aBadOwnerKeyIsRefusedNamingTheField() {
    String p384 = Base64.getEncoder().encodeToString(TestKeys.spki("secp384r1"));
    ApiException e = refused(appA, "{\"owner\":{\"public_key\":\"" + p384 + "\"}}");
    assertEquals(400, e.status());
    assertTrue(e.getMessage().startsWith("owner.public_key is not a P-256 public key"));
    assertEquals(400, refused(appA, "{\"owner\":\"abc\"}").status());
    assertEquals(400, refused(appA, "{\"owner\":{\"public_key\":\"x\",\"extra\":1}}").status());
  }

  @Test
  void unknownOrOtherAppsQuorumsAreNotFoundNamingTheField() {
    ApiException other = refused(appB, "{\"owner_id\":\"" + parent + "\"}");
    assertEquals(404, other.status());
    assertEquals("key_quorum_not_found", other.code());
    assertTrue(other.getMessage().startsWith("owner_id"));
    ApiException signerMissing = refused(appA, "{\"additional_signers\":[{\"signer_id\":\""
        + Ids.random(RANDOM) + "\"}]}");
    assertEquals(404, signerMissing.status());
    assertTrue(signerMissing.getMessage().startsWith("additional_signers[0].signer_id"));
    assertEquals(404, refused(appA, "{\"owner_id\":\"NOT AN ID\"}").status());
  }

  @Test
  void malformedSignersAndPoliciesAreRefused() {
    assertEquals(400, refused(appA, "{\"additional_signers\":{}}").status());
    assertEquals(400, refused(appA, "{\"additional_signers\":[\"" + signer + "\"]}").status());
    assertEquals(400, refused(appA, "{\"additional_signers\":[{}]}").status());
    assertEquals(400, refused(appA, "{\"additional_signers\":[{\"signer_id\":\"" + signer
        + "\"},{\"signer_id\":\"" + signer + "\"}]}").status());
    ApiException override = refused(appA, "{\"additional_signers\":[{\"signer_id\":\"" + signer
        + "\",\"override_policy_ids\":[\"pol\"]}]}");
    assertTrue(override.getMessage().contains("no policy with this id"), override.getMessage());
    assertEquals(400, refused(appA, "{\"policy_ids\":[\"pol\"]}").status());
  }

  @Test
  void anUpdateKeepsWhatItDoesNotNameAndCanRemoveTheOwner() throws Exception {
    OwnerResolver.Resolved before = create(appA, "{\"owner_id\":\"" + child + "\","
        + "\"additional_signers\":[{\"signer_id\":\"" + signer + "\"}]}");
    ChainType eth = ChainType.parse("ethereum");
    OwnerResolver.Resolved kept = jdbi.withHandle(h -> new OwnerResolver(h).forUpdate(appA, eth,
        (ObjectNode) JSON.readTree("{}"), before.authority(), before.ownership()));
    assertEquals(before, kept);
    OwnerResolver.Resolved removed = jdbi.withHandle(h -> new OwnerResolver(h).forUpdate(appA, eth,
        (ObjectNode) JSON.readTree("{\"owner_id\":null}"), before.authority(), before.ownership()));
    assertFalse(removed.authority().hasOwner());
    assertNull(removed.ownership().ownerId());
    assertEquals(1, removed.authority().getAdditionalSignersCount());
  }

  @Test
  void ownershipIsStoredAndReadBackForAWallet() {
    WalletOwnership o = new WalletOwnership(parent,
        List.of(new WalletOwnership.Signer(signer, List.of())), List.of());
    String walletId = Ids.random(RANDOM);
    byte[] pk = new byte[65];
    pk[0] = 4;
    Wallet w = new Wallet(walletId, appA, "ethereum", "secp256k1", pk, "0x00", null, 1,
        Instant.now().truncatedTo(ChronoUnit.MICROS));
    jdbi.useTransaction(h -> {
      new WalletStore(h).insert(w, List.of());
      new WalletOwnershipStore(h).save(walletId, o);
    });
    assertEquals(o, jdbi.withHandle(h -> new WalletOwnershipStore(h).find(walletId)));
    assertEquals(WalletOwnership.NONE,
        jdbi.withHandle(h -> new WalletOwnershipStore(h).find(Ids.random(RANDOM))));
  }
}
