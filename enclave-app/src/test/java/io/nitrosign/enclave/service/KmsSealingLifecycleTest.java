package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.crypto.Secp256k1Verifier;
import io.nitrosign.enclave.kms.AttestedKmsClient;
import io.nitrosign.enclave.kms.CredentialsHolder;
import io.nitrosign.enclave.kms.KmsEndpointConfig;
import io.nitrosign.enclave.kms.KmsSealingConfig;
import io.nitrosign.enclave.kms.KmsTestPeer;
import io.nitrosign.enclave.kms.TestOnlyNsmDevice;
import io.nitrosign.proto.v1.ActivateSealingKeyRequest;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.HealthRequest;
import io.nitrosign.proto.v1.HealthResponse;
import io.nitrosign.proto.v1.ProvisionSealingKeysRequest;
import io.nitrosign.proto.v1.ResealRequest;
import io.nitrosign.proto.v1.SealingKeyBlob;
import io.nitrosign.proto.v1.SetCredentialsRequest;
import io.nitrosign.proto.v1.ShareKind;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.UnsealSealingKeysRequest;
import io.nitrosign.proto.v1.WalletKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The KMS sealing-key life cycle through the dispatcher, with the real AWS SDK client talking to
 * {@link KmsTestPeer}: first boot, later boot, rotation, reseal, and refusals.
 */
class KmsSealingLifecycleTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  private static final String AUTH_KEY =
      "arn:aws:kms:eu-west-1:111122223333:key/0000a001-0000-4000-8000-000000000001";
  private static final String EXEC_KEY =
      "arn:aws:kms:eu-west-1:111122223333:key/0000e001-0000-4000-8000-000000000002";

  private KmsTestPeer peer;
  private final List<EnclaveService> services = new ArrayList<>();
  private long requestId;

  @BeforeEach
  void startPeer() throws Exception {
    peer = new KmsTestPeer();
  }

  @AfterEach
  void stop() {
    services.forEach(EnclaveService::close);
    peer.close();
  }

  /** A fresh enclave boot: new RSA key, no credentials, SEALED. */
  private EnclaveService boot() {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    KmsSealingConfig config = new KmsSealingConfig(AUTH_KEY, EXEC_KEY, "111122223333", "test-eu",
        new KmsEndpointConfig("eu-west-1", Optional.of(peer.endpoint()), Optional.empty()));
    CredentialsHolder credentials = new CredentialsHolder(Clock.systemUTC());
    AttestedKmsClient kms = AttestedKmsClient.create(config.endpoint(), credentials,
        new TestOnlyNsmDevice(), RANDOM);
    EnclaveService service = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test")
        .withKmsSealing(new KmsSealing(config, credentials, kms)));
    services.add(service);
    sm.transitionTo(EnclaveState.SEALED);
    return service;
  }

  private EnclaveResponse call(EnclaveService s, EnclaveRequest.Builder request) {
    return s.handle(request.setRequestId(++requestId).build()).join();
  }

  private void setCredentials(EnclaveService s) {
    EnclaveResponse r = call(s, EnclaveRequest.newBuilder().setSetCredentials(
        SetCredentialsRequest.newBuilder().setAccessKeyId("ASIAEXAMPLE")
            .setSecretAccessKey("secret").setSessionToken("token")
            .setExpirationMillis(Instant.now().plus(Duration.ofHours(6)).toEpochMilli())));
    assertTrue(r.hasSetCredentials(), r.toString());
  }

  private List<SealingKeyBlob> provision(EnclaveService s, int version) {
    EnclaveResponse r = call(s, EnclaveRequest.newBuilder()
        .setProvisionSealingKeys(ProvisionSealingKeysRequest.newBuilder().setVersion(version)));
    assertTrue(r.hasProvisionSealingKeys(), r.toString());
    return r.getProvisionSealingKeys().getBlobsList();
  }

  private EnclaveResponse activate(EnclaveService s, int version, List<SealingKeyBlob> blobs) {
    return call(s, EnclaveRequest.newBuilder().setActivateSealingKey(
        ActivateSealingKeyRequest.newBuilder().setVersion(version).addAllBlobs(blobs)));
  }

  /** Both phases, as the parent does them (storing the blobs in between). */
  private List<SealingKeyBlob> provisionAndActivate(EnclaveService s, int version) {
    List<SealingKeyBlob> blobs = provision(s, version);
    EnclaveResponse r = activate(s, version, blobs);
    assertTrue(r.hasActivateSealingKey(), r.toString());
    assertEquals(version, r.getActivateSealingKey().getCurrentVersion());
    return blobs;
  }

  private EnclaveResponse unseal(EnclaveService s, List<SealingKeyBlob> blobs, int current) {
    return call(s, EnclaveRequest.newBuilder().setUnsealSealingKeys(
        UnsealSealingKeysRequest.newBuilder().addAllBlobs(blobs).setCurrentVersion(current)));
  }

  private HealthResponse health(EnclaveService s) {
    return call(s, EnclaveRequest.newBuilder().setHealth(HealthRequest.getDefaultInstance()))
        .getHealth();
  }

  private WalletKey generate(EnclaveService s, String walletId) {
    EnclaveResponse r = call(s, EnclaveRequest.newBuilder().setGenerateKey(
        GenerateKeyRequest.newBuilder().setWalletId(walletId).setCurve(Curve.SECP256K1)));
    assertTrue(r.hasGenerateKey(), r.toString());
    return r.getGenerateKey().getKey();
  }

  private void assertSigns(EnclaveService s, WalletKey key) {
    byte[] digest = new byte[32];
    RANDOM.nextBytes(digest);
    EnclaveResponse r = call(s, EnclaveRequest.newBuilder().setSign(
        SignRequest.newBuilder().setKey(key).setDigest(ByteString.copyFrom(digest))));
    assertTrue(r.hasSign(), r.toString());
    SignResponse sig = r.getSign();
    assertTrue(Secp256k1Verifier.verify(key.getPublicKey().toByteArray(), digest,
        sig.getR().toByteArray(), sig.getS().toByteArray()));
  }

  private static void assertError(EnclaveResponse r, ErrorCode code) {
    assertTrue(r.hasError(), r.toString());
    assertEquals(code, r.getError().getCode(), r.toString());
  }

  @Test
  void firstBootLaterBootRotationAndReseal() {
    // first boot
    EnclaveService first = boot();
    assertEquals(EnclaveState.SEALED, health(first).getState());
    assertError(call(first, EnclaveRequest.newBuilder().setGenerateKey(
        GenerateKeyRequest.newBuilder().setWalletId("w1").setCurve(Curve.SECP256K1))),
        ErrorCode.NOT_READY);
    setCredentials(first);
    assertTrue(health(first).getCredentialsExpireAtMillis() > System.currentTimeMillis());
    List<SealingKeyBlob> v1 = provision(first, 1);
    assertEquals(2, v1.size());
    assertEquals(ShareKind.AUTH, v1.get(0).getKind());
    assertEquals(AUTH_KEY, v1.get(0).getKmsKeyId());
    assertEquals(ShareKind.EXEC, v1.get(1).getKind());
    assertEquals(EXEC_KEY, v1.get(1).getKmsKeyId());
    // provisioned, not activated: still SEALED, version 1 pending
    assertEquals(EnclaveState.SEALED, health(first).getState());
    assertEquals(1, health(first).getPendingKeyVersion());
    assertTrue(activate(first, 1, v1).hasActivateSealingKey());
    HealthResponse h = health(first);
    assertEquals(0, h.getPendingKeyVersion());
    assertEquals(EnclaveState.READY, h.getState());
    assertEquals(1, h.getCurrentKeyVersion());
    assertEquals(List.of(1), h.getKeyVersionsList());
    assertEquals("kms", h.getSealingKeySource());
    WalletKey w1 = generate(first, "w1");
    assertSigns(first, w1);
    first.close();

    // later boot: a new enclave instance (new RSA key) unseals the stored blobs
    EnclaveService second = boot();
    assertError(unseal(second, v1, 1), ErrorCode.CREDENTIALS_MISSING);
    assertEquals(EnclaveState.SEALED, health(second).getState());
    setCredentials(second);
    EnclaveResponse u = unseal(second, v1, 1);
    assertTrue(u.hasUnsealSealingKeys(), u.toString());
    assertEquals(List.of(1), u.getUnsealSealingKeys().getVersionsList());
    assertEquals(EnclaveState.READY, health(second).getState());
    assertSigns(second, w1);
    assertError(unseal(second, v1, 1), ErrorCode.NOT_READY);

    // rotation: version 2 becomes current; version 1 wallets still sign
    assertError(call(second, EnclaveRequest.newBuilder().setProvisionSealingKeys(
        ProvisionSealingKeysRequest.newBuilder().setVersion(3))), ErrorCode.INVALID_REQUEST);
    List<SealingKeyBlob> v2 = provision(second, 2);
    assertEquals(2, v2.get(0).getVersion());
    assertEquals(1, health(second).getCurrentKeyVersion());
    assertTrue(activate(second, 2, v2).hasActivateSealingKey());
    assertEquals(2, health(second).getCurrentKeyVersion());
    assertEquals(List.of(1, 2), health(second).getKeyVersionsList());
    assertSigns(second, w1);
    WalletKey w2 = generate(second, "w2");
    assertEquals(2, w2.getAuthShare().getKeyVersion());

    // reseal moves w1 to version 2
    EnclaveResponse rr = call(second, EnclaveRequest.newBuilder()
        .setReseal(ResealRequest.newBuilder().setKey(w1)));
    assertTrue(rr.hasReseal(), rr.toString());
    WalletKey w1v2 = rr.getReseal().getKey();
    assertEquals(2, w1v2.getAuthShare().getKeyVersion());
    assertEquals(2, w1v2.getExecShare().getKeyVersion());
    assertEquals(w1.getPublicKey(), w1v2.getPublicKey());
    assertSigns(second, w1v2);
    second.close();

    // a third boot with only version 2 opens the resealed wallet and w2
    EnclaveService third = boot();
    setCredentials(third);
    assertTrue(unseal(third, v2, 2).hasUnsealSealingKeys());
    assertSigns(third, w1v2);
    assertSigns(third, w2);
    assertError(call(third, EnclaveRequest.newBuilder().setSign(SignRequest.newBuilder()
        .setKey(w1).setDigest(ByteString.copyFrom(new byte[32])))), ErrorCode.UNKNOWN_KEY_VERSION);
  }

  @Test
  void everyGenerateDataKeyAndDecryptCarriesTheDeploymentKindAndVersionAsEncryptionContext() {
    EnclaveService first = boot();
    setCredentials(first);
    List<SealingKeyBlob> v1 = provision(first, 1);
    first.close();
    EnclaveService second = boot();
    setCredentials(second);
    assertTrue(unseal(second, v1, 1).hasUnsealSealingKeys());
    List<KmsTestPeer.Captured> r = peer.requests();
    assertEquals(4, r.size());
    for (KmsTestPeer.Captured c : r) {
      String kind = c.body().get("KeyId").asText().equals(AUTH_KEY) ? "auth" : "exec";
      assertEquals(java.util.Map.of("deployment", "test-eu", "kind", kind, "version", "1"),
          KmsTestPeer.contextOf(c.body()), c.target());
    }
  }

  @Test
  void aBlobRelabelledAsAnotherVersionIsRefusedByKmsAndTheEnclaveStaysSealed() {
    EnclaveService first = boot();
    setCredentials(first);
    List<SealingKeyBlob> v1 = provision(first, 1);
    first.close();
    // the parent presents the version 1 blobs as version 2: KMS is asked with version "2" in the
    // context, which is not the one the blob was generated with
    List<SealingKeyBlob> relabelled = List.of(v1.get(0).toBuilder().setVersion(2).build(),
        v1.get(1).toBuilder().setVersion(2).build());
    EnclaveService s = boot();
    setCredentials(s);
    EnclaveResponse u = unseal(s, relabelled, 2);
    assertError(u, ErrorCode.KMS_ERROR);
    assertEquals(EnclaveState.SEALED, health(s).getState());
  }

  @Test
  void accessDeniedIsKmsErrorAndTheEnclaveStaysSealed() {
    EnclaveService first = boot();
    setCredentials(first);
    List<SealingKeyBlob> v1 = provisionAndActivate(first, 1);
    first.close();

    peer.deny(EXEC_KEY);
    EnclaveService second = boot();
    setCredentials(second);
    assertError(unseal(second, v1, 1), ErrorCode.KMS_ERROR);
    assertEquals(EnclaveState.SEALED, health(second).getState());
    assertEquals(0, health(second).getKeyVersionsCount());

    EnclaveService third = boot();
    setCredentials(third);
    EnclaveResponse p = call(third, EnclaveRequest.newBuilder()
        .setProvisionSealingKeys(ProvisionSealingKeysRequest.newBuilder().setVersion(1)));
    assertError(p, ErrorCode.KMS_ERROR);
    assertEquals("kms denied access", p.getError().getDetail());
    assertEquals(EnclaveState.SEALED, health(third).getState());

    peer.allowAll();
    assertTrue(unseal(second, v1, 1).hasUnsealSealingKeys());
    assertEquals(EnclaveState.READY, health(second).getState());
  }

  @Test
  void unsealRefusesBlobsForOtherKeysAndIncompleteSets() {
    EnclaveService first = boot();
    setCredentials(first);
    List<SealingKeyBlob> v1 = provisionAndActivate(first, 1);
    first.close();

    EnclaveService s = boot();
    setCredentials(s);
    SealingKeyBlob foreign = v1.get(0).toBuilder()
        .setKmsKeyId("arn:aws:kms:eu-west-1:999999999999:key/attacker").build();
    int before = peer.requests().size();
    assertError(unseal(s, List.of(foreign, v1.get(1)), 1), ErrorCode.INVALID_REQUEST);
    assertError(unseal(s, List.of(v1.get(0)), 1), ErrorCode.INVALID_REQUEST);
    assertError(unseal(s, v1, 2), ErrorCode.INVALID_REQUEST);
    assertError(unseal(s, List.of(v1.get(0), v1.get(0), v1.get(1)), 1), ErrorCode.INVALID_REQUEST);
    assertEquals(before, peer.requests().size());
    assertError(call(s, EnclaveRequest.newBuilder().setProvisionSealingKeys(
        ProvisionSealingKeysRequest.newBuilder().setVersion(2))), ErrorCode.INVALID_REQUEST);
    assertError(call(s, EnclaveRequest.newBuilder().setReseal(ResealRequest.getDefaultInstance())),
        ErrorCode.NOT_READY);
    assertEquals(EnclaveState.SEALED, health(s).getState());
  }

  @Test
  void aProvisionedButNotActivatedVersionIsNeverUsedForSealing() {
    EnclaveService s = boot();
    setCredentials(s);
    provision(s, 1);
    assertError(call(s, EnclaveRequest.newBuilder().setGenerateKey(
        GenerateKeyRequest.newBuilder().setWalletId("w0").setCurve(Curve.SECP256K1))),
        ErrorCode.NOT_READY);
    provisionAndActivate(s, 1);
    WalletKey w1 = generate(s, "w1");

    provision(s, 2);
    HealthResponse h = health(s);
    assertEquals(1, h.getCurrentKeyVersion());
    assertEquals(List.of(1), h.getKeyVersionsList());
    assertEquals(2, h.getPendingKeyVersion());
    WalletKey w2 = generate(s, "w2");
    assertEquals(1, w2.getAuthShare().getKeyVersion());
    assertEquals(1, w2.getExecShare().getKeyVersion());
    EnclaveResponse resealed = call(s, EnclaveRequest.newBuilder()
        .setReseal(ResealRequest.newBuilder().setKey(w1)));
    assertEquals(1, resealed.getReseal().getKey().getAuthShare().getKeyVersion(),
        resealed.toString());
    // a share naming the pending version does not open
    WalletKey claimsPending = w2.toBuilder().setAuthShare(w2.getAuthShare().toBuilder()
        .setKeyVersion(2)).build();
    assertError(call(s, EnclaveRequest.newBuilder().setSign(SignRequest.newBuilder()
        .setKey(claimsPending).setDigest(ByteString.copyFrom(new byte[32])))),
        ErrorCode.UNKNOWN_KEY_VERSION);
    assertSigns(s, w2);
  }

  @Test
  void activatingAVersionNotAboveTheHighestActivatedIsRefused() {
    EnclaveService s = boot();
    setCredentials(s);
    List<SealingKeyBlob> v1 = provisionAndActivate(s, 1);
    List<SealingKeyBlob> v2 = provisionAndActivate(s, 2);
    assertError(activate(s, 2, v2), ErrorCode.STALE_KEY_VERSION);
    assertError(activate(s, 1, v1), ErrorCode.STALE_KEY_VERSION);
    assertError(call(s, EnclaveRequest.newBuilder().setProvisionSealingKeys(
        ProvisionSealingKeysRequest.newBuilder().setVersion(2))), ErrorCode.STALE_KEY_VERSION);
    assertError(call(s, EnclaveRequest.newBuilder().setProvisionSealingKeys(
        ProvisionSealingKeysRequest.newBuilder().setVersion(1))), ErrorCode.STALE_KEY_VERSION);
    assertEquals(2, health(s).getCurrentKeyVersion());
    assertEquals(0, health(s).getPendingKeyVersion());
    assertEquals(2, generate(s, "w").getAuthShare().getKeyVersion());
  }

  @Test
  void anUnknownVersionIsRefusedAndSoAreBlobsThatWereNotProvisioned() {
    EnclaveService s = boot();
    setCredentials(s);
    List<SealingKeyBlob> v1 = provisionAndActivate(s, 1);
    assertError(activate(s, 2, v1), ErrorCode.UNKNOWN_KEY_VERSION);
    List<SealingKeyBlob> v2 = provision(s, 2);
    assertError(activate(s, 3, v2), ErrorCode.UNKNOWN_KEY_VERSION);
    assertError(activate(s, 2, List.of()), ErrorCode.INVALID_REQUEST);
    assertError(activate(s, 2, List.of(v2.get(0))), ErrorCode.INVALID_REQUEST);
    assertError(activate(s, 2, List.of(v2.get(0), v2.get(1), v2.get(1))),
        ErrorCode.INVALID_REQUEST);
    SealingKeyBlob forged = v2.get(1).toBuilder()
        .setCiphertextBlob(v1.get(1).getCiphertextBlob()).build();
    assertError(activate(s, 2, List.of(v2.get(0), forged)), ErrorCode.INVALID_REQUEST);
    assertError(activate(s, 0, v2), ErrorCode.INVALID_REQUEST);
    assertEquals(1, health(s).getCurrentKeyVersion());
    // none of the refusals consumed the pending version; in either order the blobs activate it
    assertTrue(activate(s, 2, List.of(v2.get(1), v2.get(0))).hasActivateSealingKey());
    assertEquals(2, health(s).getCurrentKeyVersion());
  }

  @Test
  void aHostileCallersProvisionDoesNotChangeTheCurrentVersion() {
    EnclaveService s = boot();
    setCredentials(s);
    provisionAndActivate(s, 1);
    List<SealingKeyBlob> parents = provision(s, 2);
    // another process on the socket provisions the same version: it only replaces the pending
    List<SealingKeyBlob> hostile = provision(s, 2);
    assertEquals(1, health(s).getCurrentKeyVersion());
    assertEquals(1, generate(s, "w1").getAuthShare().getKeyVersion());
    // the parent stored its own blobs; activating them does not activate the hostile keys
    assertError(activate(s, 2, parents), ErrorCode.INVALID_REQUEST);
    assertEquals(1, health(s).getCurrentKeyVersion());
    // the parent provisions again, stores, activates
    List<SealingKeyBlob> again = provision(s, 2);
    assertError(activate(s, 2, hostile), ErrorCode.INVALID_REQUEST);
    assertTrue(activate(s, 2, again).hasActivateSealingKey());
    assertEquals(2, generate(s, "w2").getAuthShare().getKeyVersion());
  }

  @Test
  void aFirstBootWhoseBlobsWereNotStoredProvisionsAgainAndActivatesOnlyTheStoredOnes() {
    EnclaveService s = boot();
    setCredentials(s);
    List<SealingKeyBlob> lost = provision(s, 1); // the parent's commit fails: never activated
    assertError(call(s, EnclaveRequest.newBuilder().setProvisionSealingKeys(
        ProvisionSealingKeysRequest.newBuilder().setVersion(2))), ErrorCode.INVALID_REQUEST);
    List<SealingKeyBlob> stored = provision(s, 1);
    assertError(activate(s, 1, lost), ErrorCode.INVALID_REQUEST);
    assertEquals(EnclaveState.SEALED, health(s).getState());
    assertTrue(activate(s, 1, stored).hasActivateSealingKey());
    assertEquals(EnclaveState.READY, health(s).getState());
    WalletKey w = generate(s, "w");
    s.close();

    // the stored blobs are what a restart unseals
    EnclaveService later = boot();
    setCredentials(later);
    assertTrue(unseal(later, stored, 1).hasUnsealSealingKeys());
    assertSigns(later, w);
  }

  @Test
  void aRestartedEnclaveUnsealsUnderTheHighestStoredVersionAndGoesOnFromThere() {
    EnclaveService first = boot();
    setCredentials(first);
    List<SealingKeyBlob> stored = new ArrayList<>(provisionAndActivate(first, 1));
    stored.addAll(provisionAndActivate(first, 2));
    first.close();

    EnclaveService s = boot();
    setCredentials(s);
    provision(s, 1); // a pending version from this SEALED boot is dropped by unseal
    assertError(unseal(s, stored, 1), ErrorCode.INVALID_REQUEST);
    assertTrue(unseal(s, stored, 2).hasUnsealSealingKeys());
    assertEquals(2, health(s).getCurrentKeyVersion());
    assertEquals(0, health(s).getPendingKeyVersion());
    assertError(activate(s, 1, stored.subList(0, 2)), ErrorCode.STALE_KEY_VERSION);
    assertError(call(s, EnclaveRequest.newBuilder().setProvisionSealingKeys(
        ProvisionSealingKeysRequest.newBuilder().setVersion(2))), ErrorCode.STALE_KEY_VERSION);
    provisionAndActivate(s, 3);
    assertEquals(List.of(1, 2, 3), health(s).getKeyVersionsList());
  }

  @Test
  void kmsRequestsAreUnsupportedWithoutKmsConfiguration() {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService local = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test"));
    services.add(local);
    sm.transitionTo(EnclaveState.SEALED);
    assertError(call(local, EnclaveRequest.newBuilder().setProvisionSealingKeys(
        ProvisionSealingKeysRequest.newBuilder().setVersion(1))), ErrorCode.UNSUPPORTED);
    assertError(activate(local, 1, List.of()), ErrorCode.UNSUPPORTED);
    assertEquals(0, health(local).getCredentialsExpireAtMillis());
  }
}
