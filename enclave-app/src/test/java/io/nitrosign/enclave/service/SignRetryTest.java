package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.authority.Owners;
import io.nitrosign.enclave.authority.Owners.AuthKey;
import io.nitrosign.enclave.authority.RequestAuthorizer;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.SimulatedNsmCa;
import io.nitrosign.enclave.nsm.SimulatedNsmDevice;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.proto.v1.Attest;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.RequestAuthorization;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.WalletKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retried owner-signed Sign (the parent host died before the answer reached the client, the
 * client retried with the same signed request, signed with its idempotency key): the enclave
 * gives the identical request its earlier answer byte for byte, attestation document included,
 * and signs nothing again; any other request under the same signed request is still a replay,
 * and so is a resent request the client signed without an idempotency key.
 */
class SignRetryTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  @TempDir static Path dir;
  private static SimulatedNsmDevice nsm;
  private static final List<AuthKey> KEYS = Owners.keys(3);

  @BeforeAll
  static void boot() throws Exception {
    SimulatedNsmCa.initIfAbsent(dir.resolve("ca"));
    nsm = new SimulatedNsmDevice(dir.resolve("ca"), true);
  }

  @AfterAll
  static void shutdown() {
    nsm.close();
  }

  private static EnclaveService ready(NsmDevice device, RequestAuthorizer.Settings settings,
      String keys) throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService s = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test")
        .withNsm(device).withAuthorization(settings));
    sm.transitionTo(EnclaveState.SEALED);
    s.unseal(LocalDevSealingKeyProvider.openOrCreate(dir.resolve(keys), RANDOM));
    return s;
  }

  private static WalletKey owned(EnclaveService s, String id, KeyQuorum owner) {
    EnclaveResponse r = s.handle(EnclaveRequest.newBuilder().setRequestId(1).setGenerateKey(
        GenerateKeyRequest.newBuilder().setWalletId(id).setCurve(Curve.SECP256K1)
            .setOwner(Owners.ownedBy("ethereum", owner))).build()).join();
    assertEquals(EnclaveResponse.BodyCase.GENERATE_KEY, r.getBodyCase(), r::toString);
    return r.getGenerateKey().getKey();
  }

  /** Signed by {@code keys} with an idempotency key (the client means to retry it). */
  private static RequestAuthorization keyed(String path, String body, AuthKey... keys) {
    return Owners.signedWithKey("POST", path, body, "idem-" + java.util.UUID.randomUUID(),
        System.currentTimeMillis() + 600_000, keys);
  }

  private static String body(String message) {
    return "{\"method\":\"personal_sign\",\"params\":{\"message\":\"" + message
        + "\",\"encoding\":\"utf-8\"}}";
  }

  private static SignRequest request(WalletKey key, String message, RequestAuthorization auth,
      Attest attest) {
    SignRequest.Builder b = SignRequest.newBuilder().setKey(key).setPersonalMessage(
        PersonalMessage.newBuilder().setMessage(ByteString.copyFromUtf8(message)))
        .setAuthorization(auth);
    if (attest != null) {
      b.setAttest(attest);
    }
    return b.build();
  }

  private static EnclaveResponse call(EnclaveService s, SignRequest r) {
    return s.handle(EnclaveRequest.newBuilder().setRequestId(7).setSign(r).build()).join();
  }

  private static ByteString signed(EnclaveService s, SignRequest r) {
    EnclaveResponse out = call(s, r);
    assertEquals(EnclaveResponse.BodyCase.SIGN, out.getBodyCase(), out::toString);
    return out.getSign().toByteString();
  }

  private static ErrorCode errorOf(EnclaveService s, SignRequest r) {
    EnclaveResponse out = call(s, r);
    assertEquals(EnclaveResponse.BodyCase.ERROR, out.getBodyCase(), out::toString);
    return out.getError().getCode();
  }

  private static Attest attest(Attest.Mode mode, String nonce) {
    return Attest.newBuilder().setMode(mode)
        .setNonce(ByteString.copyFrom(nonce, StandardCharsets.UTF_8)).build();
  }

  @Test
  void anIdenticalRetryGetsTheSameAnswerWithTheSameFreshAttestationDocument() throws Exception {
    try (EnclaveService s = ready(nsm, Owners.settings(null), "keys-1")) {
      WalletKey key = owned(s, "retry-1", Owners.quorum("", 1, KEYS.get(0)));
      String path = "/v1/wallets/retry-1/rpc";
      RequestAuthorization auth = keyed(path, body("pay 1"), KEYS.get(0));
      SignRequest fresh = request(key, "pay 1", auth, attest(Attest.Mode.FRESH, "n1"));
      ByteString first = signed(s, fresh);
      // a new document would differ (its timestamp and its P-384 signature are new each time)
      ByteString again = signed(s, fresh);
      assertEquals(first, again);
      assertFalse(io.nitrosign.proto.v1.SignResponse.parseFrom(again).getAttestationDocument()
          .isEmpty());

      // the same signed request asking for anything else is a replay
      assertEquals(ErrorCode.AUTHORIZATION_REPLAYED,
          errorOf(s, request(key, "pay 1", auth, attest(Attest.Mode.FRESH, "n2"))));
      assertEquals(ErrorCode.AUTHORIZATION_REPLAYED,
          errorOf(s, request(key, "pay 1", auth, attest(Attest.Mode.FAST, "n1"))));
      assertEquals(ErrorCode.AUTHORIZATION_REPLAYED, errorOf(s, request(key, "pay 1", auth, null)));
      WalletKey otherShares = key.toBuilder().setExecShare(key.getExecShare().toBuilder()
          .setNonce(ByteString.copyFrom(new byte[12]))).build();
      assertEquals(ErrorCode.AUTHORIZATION_REPLAYED,
          errorOf(s, request(otherShares, "pay 1", auth, attest(Attest.Mode.FRESH, "n1"))));
      // a payload the owner did not sign fails the body check first, before any replay check
      assertEquals(ErrorCode.AUTHORIZATION_INVALID,
          errorOf(s, request(key, "pay 9", auth, attest(Attest.Mode.FRESH, "n1"))));
      // and none of these spoiled the remembered answer
      assertEquals(first, signed(s, fresh));
    }
  }

  @Test
  void theUnsignedPartsOfTheAuthorizationMayDifferOnARetry() throws Exception {
    try (EnclaveService s = ready(null, Owners.settings(null), "keys-2")) {
      KeyQuorum twoOfThree = Owners.quorum("kq", 2, KEYS.get(0), KEYS.get(1), KEYS.get(2));
      WalletKey key = owned(s, "retry-2", twoOfThree);
      String path = "/v1/wallets/retry-2/rpc";
      RequestAuthorization ab = keyed(path, body("pay 2"), KEYS.get(0), KEYS.get(1));
      ByteString first = signed(s, request(key, "pay 2", ab, null));
      // the same signatures in the other order: the same signed request, checked again in full
      String[] sigs = ab.getSignatures().split(",");
      RequestAuthorization ba = ab.toBuilder().setSignatures(sigs[1] + "," + sigs[0]).build();
      assertEquals(first, signed(s, request(key, "pay 2", ba, null)));
      // ...but still checked: one signature alone is not enough, even for a remembered answer
      assertEquals(ErrorCode.AUTHORIZATION_INSUFFICIENT,
          errorOf(s, request(key, "pay 2", ab.toBuilder().setSignatures(sigs[0]).build(), null)));
    }
  }

  @Test
  void aSignedRequestWithoutAnIdempotencyKeyIsUsedOnceAndItsResendIsAReplay() throws Exception {
    try (EnclaveService s = ready(null, Owners.settings(null), "keys-5")) {
      WalletKey key = owned(s, "retry-5", Owners.quorum("", 1, KEYS.get(0)));
      SignRequest unkeyed = request(key, "pay 6", Owners.signed("POST", "/v1/wallets/retry-5/rpc",
          body("pay 6"), KEYS.get(0)), null);
      signed(s, unkeyed);
      assertEquals(ErrorCode.AUTHORIZATION_REPLAYED, errorOf(s, unkeyed));
    }
  }

  @Test
  void aFailedFirstAttemptLeavesNothingToGiveBack() throws Exception {
    // no NSM device: a FRESH proof cannot be made, the Sign fails after the signature was made
    try (EnclaveService s = ready(null, Owners.settings(null), "keys-3")) {
      WalletKey key = owned(s, "retry-3", Owners.quorum("", 1, KEYS.get(0)));
      RequestAuthorization auth = keyed("/v1/wallets/retry-3/rpc", body("pay 3"),
          KEYS.get(0));
      SignRequest fresh = request(key, "pay 3", auth, attest(Attest.Mode.FRESH, "n"));
      assertEquals(ErrorCode.NSM_ERROR, errorOf(s, fresh));
      assertEquals(ErrorCode.AUTHORIZATION_REPLAYED, errorOf(s, fresh));
    }
  }

  @Test
  void anAnswerOverTheSizeLimitIsNotKeptAndItsRetryIsAReplay() throws Exception {
    // 512 bytes: room for a plain signature, not for a fresh attestation document
    RequestAuthorizer.Settings small = Owners.settings(null).withAnswerLimits(512, 1 << 20, 2_000);
    try (EnclaveService s = ready(nsm, small, "keys-4")) {
      WalletKey key = owned(s, "retry-4", Owners.quorum("", 1, KEYS.get(0)));
      String path = "/v1/wallets/retry-4/rpc";
      RequestAuthorization withDocument = keyed(path, body("pay 4"), KEYS.get(0));
      SignRequest fresh = request(key, "pay 4", withDocument, attest(Attest.Mode.FRESH, "n"));
      ByteString answer = signed(s, fresh);
      assertNotEquals(0, answer.size());
      assertEquals(ErrorCode.AUTHORIZATION_REPLAYED, errorOf(s, fresh));
      RequestAuthorization plain = keyed(path, body("pay 5"), KEYS.get(0));
      SignRequest fast = request(key, "pay 5", plain, attest(Attest.Mode.FAST, "n"));
      assertEquals(signed(s, fast), signed(s, fast));
    }
  }
}
