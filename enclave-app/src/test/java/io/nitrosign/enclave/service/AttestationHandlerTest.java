package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.upokecenter.cbor.CBORObject;
import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.SimulatedNsmCa;
import io.nitrosign.enclave.nsm.SimulatedNsmDevice;
import io.nitrosign.enclave.nsm.TestOnlyNsmDevice;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GetAttestationRequest;
import io.nitrosign.proto.v1.HealthRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GetAttestation through the dispatcher, with the simulated NSM. */
class AttestationHandlerTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  @TempDir static Path dir;
  private static SimulatedNsmDevice nsm;

  @BeforeAll
  static void boot() throws Exception {
    SimulatedNsmCa.initIfAbsent(dir.resolve("ca"));
    nsm = new SimulatedNsmDevice(dir.resolve("ca"), true);
  }

  @AfterAll
  static void shutdown() {
    nsm.close();
  }

  private static EnclaveService sealed(NsmDevice device) {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService s = new EnclaveService(
        EnclaveService.Options.of(sm, RANDOM, "test").withNsm(device));
    sm.transitionTo(EnclaveState.SEALED);
    return s;
  }

  private static EnclaveResponse attest(EnclaveService s, byte[] nonce, byte[] userData) {
    return attest(s, nonce, userData, GetAttestationRequest.Purpose.PURPOSE_UNSPECIFIED);
  }

  private static EnclaveResponse attest(EnclaveService s, byte[] nonce, byte[] userData,
      GetAttestationRequest.Purpose purpose) {
    return s.handle(EnclaveRequest.newBuilder().setRequestId(7)
        .setGetAttestation(GetAttestationRequest.newBuilder()
            .setNonce(ByteString.copyFrom(nonce)).setUserData(ByteString.copyFrom(userData))
            .setPurpose(purpose))
        .build()).join();
  }

  private static CBORObject payload(EnclaveResponse r) {
    CBORObject cose = CBORObject.DecodeFromBytes(r.getGetAttestation().getDocument().toByteArray());
    return CBORObject.DecodeFromBytes(cose.get(2).GetByteString());
  }

  @Test
  void servedWhileSealedAndWhenReady() throws Exception {
    try (EnclaveService s = sealed(nsm)) {
      EnclaveResponse r = attest(s, new byte[] {1, 2, 3}, new byte[] {4});
      assertEquals(EnclaveResponse.BodyCase.GET_ATTESTATION, r.getBodyCase());
      CBORObject p = payload(r);
      assertArrayEquals(new byte[] {1, 2, 3}, p.get("nonce").GetByteString());
      assertArrayEquals(AttestationPurpose.CLIENT_REQUEST.wrap(new byte[] {4}),
          p.get("user_data").GetByteString());
      assertTrue(p.get("public_key").isNull(), "a client request carries no key");
      CBORObject k = payload(attest(s, new byte[] {1}, new byte[0],
          GetAttestationRequest.Purpose.RESPONSE_KEY));
      assertArrayEquals(AttestationPurpose.RESPONSE_KEY.tag(), k.get("user_data").GetByteString());
      byte[] responseKey = k.get("public_key").GetByteString();
      assertEquals(65, responseKey.length, "the per-boot response key, SEC1 uncompressed P-256");
      assertEquals(0x04, responseKey[0]);
      assertEquals("simulated", s.handle(EnclaveRequest.newBuilder()
          .setHealth(HealthRequest.getDefaultInstance()).build()).join().getHealth().getNsm());

      s.unseal(LocalDevSealingKeyProvider.openOrCreate(dir.resolve("keys"), RANDOM));
      CBORObject q = payload(attest(s, new byte[0], new byte[0]));
      assertTrue(q.get("nonce").isNull(), "empty means absent");
      assertArrayEquals(AttestationPurpose.CLIENT_REQUEST.tag(), q.get("user_data").GetByteString(),
          "the tag alone when the caller sent no data");
      CBORObject q2 = payload(attest(s, new byte[0], new byte[0],
          GetAttestationRequest.Purpose.RESPONSE_KEY));
      assertArrayEquals(responseKey, q2.get("public_key").GetByteString(), "one key per boot");
    }
  }

  @Test
  void aNonceOver512BytesOrUserDataOver484BytesIsInvalid() {
    try (EnclaveService s = sealed(nsm)) {
      EnclaveResponse max = attest(s, new byte[512], new byte[484]);
      assertEquals(EnclaveResponse.BodyCase.GET_ATTESTATION, max.getBodyCase());
      assertEquals(512, payload(max).get("user_data").GetByteString().length,
          "tag and data fit the NSM's 512 bytes");
      assertEquals(ErrorCode.INVALID_REQUEST,
          attest(s, new byte[513], new byte[0]).getError().getCode());
      assertEquals(ErrorCode.INVALID_REQUEST,
          attest(s, new byte[0], new byte[485]).getError().getCode());
    }
  }

  @Test
  void aResponseKeyDocumentTakesNoCallerData() {
    try (EnclaveService s = sealed(nsm)) {
      EnclaveResponse r = attest(s, new byte[] {1}, new byte[] {2},
          GetAttestationRequest.Purpose.RESPONSE_KEY);
      assertEquals(ErrorCode.INVALID_REQUEST, r.getError().getCode());
      assertEquals("user_data must be empty for a response-key document", r.getError().getDetail());
      EnclaveResponse unknown = s.handle(EnclaveRequest.newBuilder().setRequestId(8)
          .setGetAttestation(GetAttestationRequest.newBuilder().setPurposeValue(99)).build()).join();
      assertEquals(ErrorCode.INVALID_REQUEST, unknown.getError().getCode());
    }
  }

  @Test
  void noDeviceOrFailingDeviceIsNsmError() {
    try (EnclaveService s = sealed(null)) {
      EnclaveResponse r = attest(s, new byte[] {1}, new byte[0]);
      assertEquals(ErrorCode.NSM_ERROR, r.getError().getCode());
      assertEquals("unavailable", s.handle(EnclaveRequest.newBuilder()
          .setHealth(HealthRequest.getDefaultInstance()).build()).join().getHealth().getNsm());
    }
    NsmDevice failing = TestOnlyNsmDevice.failing();
    try (EnclaveService s = sealed(failing)) {
      EnclaveResponse r = attest(s, new byte[] {1}, new byte[0]);
      assertEquals(ErrorCode.NSM_ERROR, r.getError().getCode());
      assertEquals("NSM attestation failed", r.getError().getDetail());
    }
  }

  @Test
  void notServedWhileBootingOrFailed() {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    try (EnclaveService s = new EnclaveService(
        EnclaveService.Options.of(sm, RANDOM, "test").withNsm(nsm))) {
      assertEquals(ErrorCode.NOT_READY, attest(s, new byte[0], new byte[0]).getError().getCode());
      sm.fail();
      assertEquals(ErrorCode.NOT_READY, attest(s, new byte[0], new byte[0]).getError().getCode());
    }
  }
}
