package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.upokecenter.cbor.CBORObject;
import io.nitrosign.chains.AttestationBinding;
import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.crypto.ResponseKey;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.SimulatedNsmCa;
import io.nitrosign.enclave.nsm.SimulatedNsmDevice;
import io.nitrosign.enclave.nsm.TestOnlyNsmDevice;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.proto.v1.Attest;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GetAttestationRequest;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.WalletKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign with {@code attest}: fresh (simulated NSM document) and fast (response-key signature). */
class AttestedSignTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  private static final byte[] MESSAGE = "attest me".getBytes(StandardCharsets.UTF_8);
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

  private static EnclaveService ready(NsmDevice device, String keys) throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService s = new EnclaveService(
        EnclaveService.Options.of(sm, RANDOM, "test").withNsm(device));
    sm.transitionTo(EnclaveState.SEALED);
    s.unseal(LocalDevSealingKeyProvider.openOrCreate(dir.resolve(keys), RANDOM));
    return s;
  }

  private static WalletKey newWallet(EnclaveService s, String id) {
    EnclaveResponse r = s.handle(EnclaveRequest.newBuilder().setRequestId(1)
        .setGenerateKey(GenerateKeyRequest.newBuilder().setWalletId(id).setCurve(Curve.SECP256K1))
        .build()).join();
    return r.getGenerateKey().getKey();
  }

  private static EnclaveResponse sign(EnclaveService s, WalletKey key, Attest attest) {
    SignRequest.Builder b = SignRequest.newBuilder().setKey(key)
        .setPersonalMessage(PersonalMessage.newBuilder().setMessage(ByteString.copyFrom(MESSAGE)));
    if (attest != null) {
      b.setAttest(attest);
    }
    return s.handle(EnclaveRequest.newBuilder().setRequestId(2).setSign(b).build()).join();
  }

  private static Attest attest(Attest.Mode mode, byte[] nonce) {
    return Attest.newBuilder().setMode(mode).setNonce(ByteString.copyFrom(nonce)).build();
  }

  private static byte[] expectedBinding(WalletKey key, SignResponse r, byte[] nonce) {
    byte[] sig = new byte[65];
    r.getR().copyTo(sig, 0);
    r.getS().copyTo(sig, 32);
    sig[64] = (byte) (27 + r.getRecoveryId());
    return AttestationBinding.compute(key.getWalletId(), r.getDigest().toByteArray(), sig,
        key.getPublicKey().toByteArray(), nonce);
  }

  private static CBORObject payload(byte[] document) {
    return CBORObject.DecodeFromBytes(CBORObject.DecodeFromBytes(document).get(2).GetByteString());
  }

  private static byte[] responseKeyOf(EnclaveService s) {
    EnclaveResponse r = s.handle(EnclaveRequest.newBuilder().setRequestId(3)
        .setGetAttestation(GetAttestationRequest.newBuilder()
            .setPurpose(GetAttestationRequest.Purpose.RESPONSE_KEY)).build()).join();
    return payload(r.getGetAttestation().getDocument().toByteArray()).get("public_key")
        .GetByteString();
  }

  @Test
  void freshProofIsAnNsmDocumentOverTheBinding() throws Exception {
    try (EnclaveService s = ready(nsm, "k1")) {
      WalletKey key = newWallet(s, "w-fresh");
      byte[] nonce = "client nonce 123".getBytes(StandardCharsets.US_ASCII);
      EnclaveResponse r = sign(s, key, attest(Attest.Mode.FRESH, nonce));
      assertEquals(EnclaveResponse.BodyCase.SIGN, r.getBodyCase(), r.toString());
      SignResponse sr = r.getSign();
      byte[] binding = expectedBinding(key, sr, nonce);
      assertArrayEquals(binding, sr.getBinding().toByteArray());
      CBORObject p = payload(sr.getAttestationDocument().toByteArray());
      assertArrayEquals(AttestationPurpose.FRESH_SIGNATURE.wrap(binding),
          p.get("user_data").GetByteString());
      assertArrayEquals(nonce, p.get("nonce").GetByteString());
      assertArrayEquals(responseKeyOf(s), p.get("public_key").GetByteString());
      assertTrue(sr.getResponseSignature().isEmpty());

      // the signature itself is the same as without proof (RFC 6979)
      SignResponse plain = sign(s, key, null).getSign();
      assertEquals(plain.getR(), sr.getR());
      assertTrue(plain.getBinding().isEmpty() && plain.getAttestationDocument().isEmpty());

      // no nonce: the document carries none, the binding has an empty nonce field
      SignResponse none = sign(s, key, attest(Attest.Mode.FRESH, new byte[0])).getSign();
      assertTrue(payload(none.getAttestationDocument().toByteArray()).get("nonce").isNull());
      assertArrayEquals(expectedBinding(key, none, new byte[0]), none.getBinding().toByteArray());
    }
  }

  @Test
  void fastProofIsAResponseKeySignatureOverTheBinding() throws Exception {
    try (EnclaveService s = ready(nsm, "k2")) {
      WalletKey key = newWallet(s, "w-fast");
      byte[] nonce = {9, 8, 7};
      SignResponse sr = sign(s, key, attest(Attest.Mode.FAST, nonce)).getSign();
      byte[] binding = expectedBinding(key, sr, nonce);
      assertArrayEquals(binding, sr.getBinding().toByteArray());
      assertTrue(sr.getAttestationDocument().isEmpty());
      byte[] responseKey = responseKeyOf(s);
      assertArrayEquals(responseKey, sr.getResponsePublicKey().toByteArray());
      assertEquals(64, sr.getResponseSignature().size());
      assertTrue(verifyP256(responseKey, binding, sr.getResponseSignature().toByteArray()));
      byte[] other = binding.clone();
      other[0] ^= 1;
      assertFalse(verifyP256(responseKey, other, sr.getResponseSignature().toByteArray()));
    }
  }

  @Test
  void fastWorksWithoutAnNsmButFreshDoesNot() throws Exception {
    try (EnclaveService s = ready(null, "k3")) {
      WalletKey key = newWallet(s, "w-nonsm");
      assertEquals(EnclaveResponse.BodyCase.SIGN,
          sign(s, key, attest(Attest.Mode.FAST, new byte[0])).getBodyCase());
      EnclaveResponse r = sign(s, key, attest(Attest.Mode.FRESH, new byte[0]));
      assertEquals(ErrorCode.NSM_ERROR, r.getError().getCode());
      assertFalse(r.hasSign(), "no signature without its proof");
    }
  }

  @Test
  void failingNsmWithholdsTheSignature() throws Exception {
    NsmDevice failing = TestOnlyNsmDevice.failing();
    try (EnclaveService s = ready(failing, "k4")) {
      WalletKey key = newWallet(s, "w-fail");
      EnclaveResponse r = sign(s, key, attest(Attest.Mode.FRESH, new byte[] {1}));
      assertEquals(ErrorCode.NSM_ERROR, r.getError().getCode());
      assertEquals("NSM attestation failed", r.getError().getDetail());
    }
  }

  @Test
  void invalidAttestRequests() throws Exception {
    try (EnclaveService s = ready(nsm, "k5")) {
      WalletKey key = newWallet(s, "w-invalid");
      assertEquals(ErrorCode.INVALID_REQUEST,
          sign(s, key, attest(Attest.Mode.MODE_UNSPECIFIED, new byte[0])).getError().getCode());
      assertEquals(ErrorCode.INVALID_REQUEST,
          sign(s, key, attest(Attest.Mode.FAST, new byte[513])).getError().getCode());
      assertEquals(EnclaveResponse.BodyCase.SIGN,
          sign(s, key, attest(Attest.Mode.FRESH, new byte[512])).getBodyCase());
    }
  }

  @Test
  void responseKeyIsWipedAndDeterministic() {
    ResponseKey k = ResponseKey.generate(RANDOM);
    byte[] m = {1, 2, 3};
    assertArrayEquals(k.sign(m), k.sign(m), "RFC 6979");
    assertTrue(verifyP256(k.publicKey(), m, k.sign(m)));
    k.close();
    try {
      k.sign(m);
      throw new AssertionError("signing after close must fail");
    } catch (IllegalStateException expected) {
      // wiped
    }
    assertEquals(65, k.publicKey().length);
    assertFalse(Arrays.equals(k.publicKey(), ResponseKey.generate(RANDOM).publicKey()));
  }

  /** An independent check with the JDK's SunEC (P1363 = raw r || s). */
  static boolean verifyP256(byte[] sec1, byte[] message, byte[] raw) {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC", "SunEC");
      params.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
      ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(sec1, 1, 33)),
          new BigInteger(1, Arrays.copyOfRange(sec1, 33, 65)));
      PublicKey pub = KeyFactory.getInstance("EC", "SunEC")
          .generatePublic(new ECPublicKeySpec(w, spec));
      Signature v = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
      v.initVerify(pub);
      v.update(message);
      return v.verify(raw);
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
