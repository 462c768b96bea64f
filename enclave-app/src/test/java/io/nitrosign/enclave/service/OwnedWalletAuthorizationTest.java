package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.ethereum.Eip191;
import io.nitrosign.enclave.authority.Owners;
import io.nitrosign.enclave.authority.Owners.AuthKey;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.crypto.Secp256k1Verifier;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.ExportKeyRequest;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.RequestAuthorization;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SolanaMessage;
import io.nitrosign.proto.v1.UpdateAuthorityRequest;
import io.nitrosign.proto.v1.WalletAuthority;
import io.nitrosign.proto.v1.WalletKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The enclave's own check of owners' signatures, driven in process (the hostile-parent suite in
 * devkit plays the same attacks against the real enclave process): Sign, ExportKey and
 * UpdateAuthority of an owned wallet happen only for requests the owner signed, exactly as
 * signed.
 */
class OwnedWalletAuthorizationTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  private static final String BODY = "{\"method\":\"personal_sign\",\"chain_type\":\"ethereum\","
      + "\"params\":{\"message\":\"withdraw 1 ETH\",\"encoding\":\"utf-8\"}}";

  @TempDir Path keyDir;
  private EnclaveService service;
  private final List<AuthKey> keys = Owners.keys(4);
  private final AuthKey exporter = AuthKey.generate();

  @BeforeEach
  void start() throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    service = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test")
        .withAuthorization(Owners.settings(Owners.quorum("export", 1, exporter))));
    sm.transitionTo(EnclaveState.SEALED);
    service.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private EnclaveResponse call(EnclaveRequest.Builder r) {
    return service.handle(r.setRequestId(1).build()).join();
  }

  private WalletKey generate(String walletId, Curve curve, ByteString owner) {
    EnclaveResponse r = call(EnclaveRequest.newBuilder().setGenerateKey(GenerateKeyRequest
        .newBuilder().setWalletId(walletId).setCurve(curve).setOwner(owner)));
    assertEquals(EnclaveResponse.BodyCase.GENERATE_KEY, r.getBodyCase(), r.toString());
    return r.getGenerateKey().getKey();
  }

  private WalletKey ownedBy(String walletId, KeyQuorum owner) {
    return generate(walletId, Curve.SECP256K1, Owners.ownedBy("ethereum", owner));
  }

  private static String rpc(String walletId) {
    return "/v1/wallets/" + walletId + "/rpc";
  }

  private EnclaveResponse sign(WalletKey key, String message, RequestAuthorization auth) {
    SignRequest.Builder b = SignRequest.newBuilder().setKey(key).setPersonalMessage(
        PersonalMessage.newBuilder().setMessage(ByteString.copyFrom(message, StandardCharsets.UTF_8)));
    if (auth != null) {
      b.setAuthorization(auth);
    }
    return call(EnclaveRequest.newBuilder().setSign(b));
  }

  private static ErrorCode errorOf(EnclaveResponse r) {
    assertEquals(EnclaveResponse.BodyCase.ERROR, r.getBodyCase(), r.toString());
    return r.getError().getCode();
  }

  @Test
  void anOwnedWalletSignsExactlyWhatItsOwnerSigned() {
    WalletKey key = ownedBy("owned-1", Owners.quorum("", 1, keys.get(0)));
    EnclaveResponse r = sign(key, "withdraw 1 ETH",
        Owners.signed("POST", rpc("owned-1"), BODY, keys.get(0)));
    assertEquals(EnclaveResponse.BodyCase.SIGN, r.getBodyCase(), r.toString());
    byte[] digest = Eip191.personalMessageHash("withdraw 1 ETH".getBytes(StandardCharsets.UTF_8));
    assertTrue(Secp256k1Verifier.verify(key.getPublicKey().toByteArray(), digest,
        r.getSign().getR().toByteArray(), r.getSign().getS().toByteArray()));
  }

  private EnclaveResponse signDigest(WalletKey key, byte[] digest, RequestAuthorization auth) {
    return call(EnclaveRequest.newBuilder().setSign(SignRequest.newBuilder().setKey(key)
        .setDigest(ByteString.copyFrom(digest)).setAuthorization(auth)));
  }

  @Test
  void aRawSignRequestSignsOnlyAsARawSignAndAnRpcOnlyAsAnRpc() {
    WalletKey key = ownedBy("raw-1", Owners.quorum("", 1, keys.get(0)));
    byte[] hash = new byte[32];
    RANDOM.nextBytes(hash);
    String hex = java.util.HexFormat.of().formatHex(hash);
    String rawBody = "{\"params\":{\"hash\":\"0x" + hex + "\"}}";
    String rawPath = "/v1/wallets/raw-1/raw_sign";
    // the same body shape read as an rpc body names no method: a raw_sign body signed for /rpc
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(signDigest(key, hash,
        Owners.signed("POST", rpc("raw-1"), rawBody, keys.get(0)))));
    // an rpc body (secp256k1_sign of the same hash) signed for /raw_sign is not a raw_sign body
    String rpcBody = "{\"method\":\"secp256k1_sign\",\"params\":{\"hash\":\"0x" + hex + "\"}}";
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(signDigest(key, hash,
        Owners.signed("POST", rawPath, rpcBody, keys.get(0)))));
    // a raw_sign signature presented with another payload
    RequestAuthorization raw = Owners.signed("POST", rawPath, rawBody, keys.get(0));
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(sign(key, "withdraw 1 ETH", raw)));
    // the signed raw_sign: exactly its hash is signed, once
    EnclaveResponse r = signDigest(key, hash, raw);
    assertEquals(EnclaveResponse.BodyCase.SIGN, r.getBodyCase(), r.toString());
    assertTrue(Secp256k1Verifier.verify(key.getPublicKey().toByteArray(), hash,
        r.getSign().getR().toByteArray(), r.getSign().getS().toByteArray()));
    assertEquals(ErrorCode.AUTHORIZATION_REPLAYED, errorOf(signDigest(key, hash, raw)));
    // bytes + keccak256: the enclave hashes the signed bytes itself
    String bytesBody = "{\"params\":{\"bytes\":\"hello\",\"encoding\":\"utf-8\","
        + "\"hash_function\":\"keccak256\"}}";
    byte[] keccak = io.nitrosign.chains.ethereum.Keccak256.hash(
        "hello".getBytes(StandardCharsets.UTF_8));
    RequestAuthorization bytes = Owners.signed("POST", rawPath, bytesBody, keys.get(0));
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(signDigest(key, hash, bytes)));
    assertEquals(EnclaveResponse.BodyCase.SIGN, signDigest(key, keccak, bytes).getBodyCase());
  }

  @Test
  void everyForgedMissingOrStaleAuthorizationIsRefusedWithItsOwnCode() {
    WalletKey key = ownedBy("owned-2", Owners.quorum("", 1, keys.get(0)));
    String path = rpc("owned-2");
    assertEquals(ErrorCode.AUTHORIZATION_MISSING, errorOf(sign(key, "withdraw 1 ETH", null)));
    // a signature by a key that is not the owner's
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(sign(key, "withdraw 1 ETH",
        Owners.signed("POST", path, BODY, keys.get(1)))));
    // garbage where the signature goes
    RequestAuthorization good = Owners.signed("POST", path, BODY, keys.get(0));
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(sign(key, "withdraw 1 ETH",
        good.toBuilder().setSignatures(Base64.getEncoder().encodeToString(new byte[70])).build())));
    // expired (beyond the 60 s skew)
    assertEquals(ErrorCode.AUTHORIZATION_EXPIRED, errorOf(sign(key, "withdraw 1 ETH",
        Owners.signedAt("POST", path, BODY, System.currentTimeMillis() - 120_000, keys.get(0)))));
    // no expiry at all
    assertEquals(ErrorCode.AUTHORIZATION_EXPIRED, errorOf(sign(key, "withdraw 1 ETH",
        good.toBuilder().setRequestExpiry("").build())));
    // the body altered after signing (same length, another recipient of the message)
    String altered = BODY.replace("withdraw 1 ETH", "withdraw 9 ETH");
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(sign(key, "withdraw 9 ETH",
        good.toBuilder().setBody(ByteString.copyFromUtf8(altered)).build())));
    // the signed body, but another payload from the parent
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(sign(key, "withdraw 9 ETH", good)));
    // signed for another wallet (its url), presented with this wallet's shares
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(sign(key, "withdraw 1 ETH",
        Owners.signed("POST", rpc("other-wallet"), BODY, keys.get(0)))));
    // another app's request
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(sign(key, "withdraw 1 ETH",
        good.toBuilder().setAppId("app-other").build())));
    // the good request works once, and only once
    assertEquals(EnclaveResponse.BodyCase.SIGN, sign(key, "withdraw 1 ETH", good).getBodyCase());
    assertEquals(ErrorCode.AUTHORIZATION_REPLAYED, errorOf(sign(key, "withdraw 1 ETH", good)));
  }

  @Test
  void aQuorumNeedsItsThresholdOfDistinctMembers() {
    KeyQuorum twoOfThree = Owners.quorum("kq_2of3", 2, keys.get(0), keys.get(1), keys.get(2));
    WalletKey key = ownedBy("quorum-1", twoOfThree);
    String path = rpc("quorum-1");
    assertEquals(ErrorCode.AUTHORIZATION_INSUFFICIENT, errorOf(sign(key, "withdraw 1 ETH",
        Owners.signed("POST", path, BODY, keys.get(1)))));
    // the same member twice is still one member
    assertEquals(ErrorCode.AUTHORIZATION_INSUFFICIENT, errorOf(sign(key, "withdraw 1 ETH",
        Owners.signed("POST", path, BODY, keys.get(1), keys.get(1)))));
    assertEquals(EnclaveResponse.BodyCase.SIGN, sign(key, "withdraw 1 ETH",
        Owners.signed("POST", path, BODY, keys.get(2), keys.get(0))).getBodyCase());
  }

  @Test
  void anAdditionalSignerMaySignButNotExport() {
    WalletKey key = generate("signer-1", Curve.SECP256K1, Owners.ownedBy("ethereum",
        Owners.quorum("", 1, keys.get(0)), Owners.quorum("kq_session", 1, keys.get(3))));
    assertEquals(EnclaveResponse.BodyCase.SIGN, sign(key, "withdraw 1 ETH",
        Owners.signed("POST", rpc("signer-1"), BODY, keys.get(3))).getBodyCase());
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      assertEquals(ErrorCode.AUTHORIZATION_INVALID,
          errorOf(export(key, recipient.publicKey(), keys.get(3))));
    }
  }

  @Test
  void sharesClaimedAsAppOwnedDoNotOpen() {
    WalletKey key = ownedBy("owned-3", Owners.quorum("", 1, keys.get(0)));
    WalletKey stripped = key.toBuilder().setOwner(Owners.appOwned("ethereum")).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(sign(stripped, "withdraw 1 ETH", null)));
    WalletKey legacy = key.toBuilder().setOwner(ByteString.EMPTY).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(sign(legacy, "withdraw 1 ETH", null)));
  }

  @Test
  void aPayloadOfAnotherChainTypeIsRefusedBeforeUnsealing() {
    WalletKey sol = generate("sol-1", Curve.ED25519, Owners.appOwned("solana"));
    WalletKey asStellar = sol.toBuilder().setOwner(Owners.appOwned("stellar")).build();
    EnclaveResponse ok = call(EnclaveRequest.newBuilder().setSign(SignRequest.newBuilder()
        .setKey(sol).setSolanaMessage(SolanaMessage.newBuilder()
            .setMessage(ByteString.copyFromUtf8("hello")))));
    assertEquals(EnclaveResponse.BodyCase.SIGN, ok.getBodyCase(), ok.toString());
    EnclaveResponse refused = call(EnclaveRequest.newBuilder().setSign(SignRequest.newBuilder()
        .setKey(asStellar).setSolanaMessage(SolanaMessage.newBuilder()
            .setMessage(ByteString.copyFromUtf8("hello")))));
    assertEquals(ErrorCode.PERMISSION_DENIED, errorOf(refused));
  }

  private EnclaveResponse export(WalletKey key, byte[] recipient, AuthKey... signers) {
    String body = "{\"encryption_type\":\"HPKE\",\"recipient_public_key\":\""
        + Base64.getEncoder().encodeToString(recipient) + "\"}";
    ExportKeyRequest.Builder b = ExportKeyRequest.newBuilder().setKey(key)
        .setRecipientPublicKey(ByteString.copyFrom(recipient));
    if (signers.length > 0) {
      b.setAuthorization(Owners.signed("POST", "/v1/wallets/" + key.getWalletId() + "/export",
          body, signers));
    }
    return call(EnclaveRequest.newBuilder().setExportKey(b));
  }

  @Test
  void exportNeedsTheOwnerOrTheExportQuorumAndGoesOnlyToTheSignedRecipient() {
    WalletKey owned = ownedBy("exp-1", Owners.quorum("", 1, keys.get(0)));
    WalletKey appOwned = generate("exp-2", Curve.SECP256K1, Owners.appOwned("ethereum"));
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM);
        HpkeKeyPair attacker = HpkeKeyPair.generate(RANDOM)) {
      assertEquals(ErrorCode.AUTHORIZATION_MISSING, errorOf(export(owned, recipient.publicKey())));
      assertEquals(ErrorCode.AUTHORIZATION_INVALID,
          errorOf(export(owned, recipient.publicKey(), exporter)));
      assertEquals(EnclaveResponse.BodyCase.EXPORT_KEY,
          export(owned, recipient.publicKey(), keys.get(0)).getBodyCase());
      // the owner's signed request, with the parent's own recipient key swapped in
      String body = "{\"encryption_type\":\"HPKE\",\"recipient_public_key\":\""
          + Base64.getEncoder().encodeToString(recipient.publicKey()) + "\"}";
      EnclaveResponse swapped = call(EnclaveRequest.newBuilder().setExportKey(ExportKeyRequest
          .newBuilder().setKey(owned).setRecipientPublicKey(ByteString.copyFrom(attacker.publicKey()))
          .setAuthorization(Owners.signed("POST", "/v1/wallets/exp-1/export", body, keys.get(0)))));
      assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(swapped));
      // app-owned: the export quorum, nobody else
      assertEquals(ErrorCode.AUTHORIZATION_MISSING, errorOf(export(appOwned, recipient.publicKey())));
      assertEquals(ErrorCode.AUTHORIZATION_INVALID,
          errorOf(export(appOwned, recipient.publicKey(), keys.get(0))));
      assertEquals(EnclaveResponse.BodyCase.EXPORT_KEY,
          export(appOwned, recipient.publicKey(), exporter).getBodyCase());
    }
  }

  @Test
  void withoutAnExportQuorumAppOwnedWalletsNeverLeave() throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService strict = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test")
        .withAuthorization(Owners.settings(null)));
    try {
      sm.transitionTo(EnclaveState.SEALED);
      strict.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM));
      EnclaveService saved = service;
      service = strict;
      WalletKey appOwned = generate("exp-3", Curve.SECP256K1, Owners.appOwned("ethereum"));
      try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
        assertEquals(ErrorCode.PERMISSION_DENIED,
            errorOf(export(appOwned, recipient.publicKey(), exporter)));
      }
      service = saved;
    } finally {
      strict.close();
    }
  }

  private EnclaveResponse update(WalletKey key, ByteString newOwner, RequestAuthorization auth) {
    UpdateAuthorityRequest.Builder b = UpdateAuthorityRequest.newBuilder().setKey(key)
        .setNewOwner(newOwner);
    if (auth != null) {
      b.setAuthorization(auth);
    }
    return call(EnclaveRequest.newBuilder().setUpdateAuthority(b));
  }

  @Test
  void anOwnerChangeNeedsTheCurrentOwnerAndResealsUnderTheNewOne() {
    WalletKey key = ownedBy("move-1", Owners.quorum("", 1, keys.get(0)));
    ByteString toKey1 = Owners.ownedBy("ethereum", Owners.quorum("", 1, keys.get(1)));
    String patch = "{\"owner\":{\"public_key\":\"" + keys.get(1).publicKeyBase64() + "\"}}";
    String path = "/v1/wallets/move-1";
    assertEquals(ErrorCode.AUTHORIZATION_MISSING, errorOf(update(key, toKey1, null)));
    // the new owner cannot take the wallet by signing for itself
    assertEquals(ErrorCode.AUTHORIZATION_INVALID,
        errorOf(update(key, toKey1, Owners.signed("PATCH", path, patch, keys.get(1)))));
    // the owner signed a move to key 1; the parent asks for key 2 instead
    ByteString toKey2 = Owners.ownedBy("ethereum", Owners.quorum("", 1, keys.get(2)));
    assertEquals(ErrorCode.AUTHORIZATION_INVALID,
        errorOf(update(key, toKey2, Owners.signed("PATCH", path, patch, keys.get(0)))));
    // nor may the parent make it app-owned
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(update(key,
        Owners.appOwned("ethereum"), Owners.signed("PATCH", path, patch, keys.get(0)))));
    EnclaveResponse moved = update(key, toKey1, Owners.signed("PATCH", path, patch, keys.get(0)));
    assertEquals(EnclaveResponse.BodyCase.UPDATE_AUTHORITY, moved.getBodyCase(), moved.toString());
    WalletKey now = moved.getUpdateAuthority().getKey();
    assertEquals(toKey1, now.getOwner());
    assertEquals(key.getPublicKey(), now.getPublicKey());
    // the old owner no longer signs; the new one does
    assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(sign(now, "withdraw 1 ETH",
        Owners.signed("POST", rpc("move-1"), BODY, keys.get(0)))));
    assertEquals(EnclaveResponse.BodyCase.SIGN, sign(now, "withdraw 1 ETH",
        Owners.signed("POST", rpc("move-1"), BODY, keys.get(1))).getBodyCase());
    // and the old shares, presented with the new owner, do not open
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(sign(key.toBuilder().setOwner(toKey1).build(),
        "withdraw 1 ETH", Owners.signed("POST", rpc("move-1"), BODY, keys.get(1)))));
  }

  @Test
  void aSignedPatchMayCarryPolicyIdsWhichTheEnclaveDoesNotBind() {
    // policies are enforced by the parent; a PATCH body that names policy_ids is checked as
    // signed and otherwise read for what the enclave binds (owner, signers) only
    WalletKey key = ownedBy("pol-1", Owners.quorum("", 1, keys.get(0)));
    String path = "/v1/wallets/pol-1";
    String policies = "\"policy_ids\":[\"abcdefghijklmnopqrstuvwx\"]";
    EnclaveResponse same = update(key, key.getOwner(),
        Owners.signed("PATCH", path, "{" + policies + "}", keys.get(0)));
    assertEquals(EnclaveResponse.BodyCase.UPDATE_AUTHORITY, same.getBodyCase(), same.toString());
    assertEquals(key.getOwner(), same.getUpdateAuthority().getKey().getOwner());
    ByteString toKey1 = Owners.ownedBy("ethereum", Owners.quorum("", 1, keys.get(1)));
    String both = "{\"owner\":{\"public_key\":\"" + keys.get(1).publicKeyBase64() + "\"},"
        + policies + "}";
    EnclaveResponse moved = update(same.getUpdateAuthority().getKey(), toKey1,
        Owners.signed("PATCH", path, both, keys.get(0)));
    assertEquals(EnclaveResponse.BodyCase.UPDATE_AUTHORITY, moved.getBodyCase(), moved.toString());
    assertEquals(toKey1, moved.getUpdateAuthority().getKey().getOwner());
  }

  @Test
  void appIdAndChainTypeOfAWalletNeverChange() {
    WalletKey key = generate("fixed-1", Curve.SECP256K1, Owners.appOwned("ethereum"));
    ByteString otherApp = WalletAuthority.newBuilder().setVersion(1).setAppId("app-other")
        .setChainType("ethereum").build().toByteString();
    assertEquals(ErrorCode.PERMISSION_DENIED, errorOf(update(key, otherApp, null)));
    assertEquals(ErrorCode.PERMISSION_DENIED,
        errorOf(update(key, Owners.appOwned("bitcoin"), null)));
  }
}
