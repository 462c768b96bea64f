package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.nitrosign.attestation.AttestationPolicy;
import io.nitrosign.attestation.AttestationVerifier;
import io.nitrosign.attestation.AttestedSignatureException;
import io.nitrosign.attestation.AttestedSignatureException.Failure;
import io.nitrosign.attestation.AttestedSignatureVerifier;
import io.nitrosign.attestation.Reason;
import io.nitrosign.attestation.SignedRequest;
import io.nitrosign.attestation.VerifiedResponseKey;
import io.nitrosign.chains.AttestationBinding;
import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.chains.ethereum.Eip191;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.crypto.Secp256k1Signer;
import io.nitrosign.enclave.nsm.SimulatedNsmCa;
import io.nitrosign.enclave.nsm.SimulatedNsmDevice;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.Attest;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GetAttestationRequest;
import io.nitrosign.proto.v1.GetImportKeyRequest;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.WalletKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents the enclave makes, checked with the verifiers clients use: a document made for one
 * purpose is never accepted as another (docs/attestation.md, "Document purposes"). In particular
 * a client's GetAttestation whose user_data is an attested-signature binding is NOT a fresh proof
 * of a signature the enclave never made (docs/threat-model.md).
 */
class AttestationPurposeServiceTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  private static final byte[] MESSAGE = "pay 1 ETH to mallory".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NONCE = "client nonce".getBytes(StandardCharsets.US_ASCII);
  @TempDir static Path dir;
  private static SimulatedNsmDevice nsm;
  private static AttestedSignatureVerifier verifier;
  private static AttestationPolicy policy;

  @BeforeAll
  static void boot() throws Exception {
    SimulatedNsmCa.initIfAbsent(dir.resolve("ca"));
    nsm = new SimulatedNsmDevice(dir.resolve("ca"), true);
    verifier = new AttestedSignatureVerifier(AttestationVerifier.withRoot(nsm.rootCertificate()));
    policy = AttestationPolicy.builder().allowDebug(true).build();
  }

  @AfterAll
  static void shutdown() {
    nsm.close();
  }

  private static EnclaveService sealed() {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService s = new EnclaveService(
        EnclaveService.Options.of(sm, RANDOM, "test").withNsm(nsm));
    sm.transitionTo(EnclaveState.SEALED);
    return s;
  }

  private static EnclaveService ready(String keys) throws Exception {
    EnclaveService s = sealed();
    s.unseal(LocalDevSealingKeyProvider.openOrCreate(dir.resolve(keys), RANDOM));
    return s;
  }

  private static byte[] getAttestation(EnclaveService s, byte[] nonce, byte[] userData,
      GetAttestationRequest.Purpose purpose) {
    EnclaveResponse r = s.handle(EnclaveRequest.newBuilder().setRequestId(1)
        .setGetAttestation(GetAttestationRequest.newBuilder().setNonce(ByteString.copyFrom(nonce))
            .setUserData(ByteString.copyFrom(userData)).setPurpose(purpose))
        .build()).join();
    assertEquals(EnclaveResponse.BodyCase.GET_ATTESTATION, r.getBodyCase(), r.toString());
    return r.getGetAttestation().getDocument().toByteArray();
  }

  /** A valid secp256k1 signature the enclave never made (the attacker's own key). */
  private static SignedRequest forgedRequest() {
    byte[] key = new byte[32];
    do {
      RANDOM.nextBytes(key);
    } while (!Secp256k1Signer.isValidPrivateKey(key));
    try (Secp256k1Signer signer = Secp256k1Signer.create(SecretBytes.takeOwnership(key))) {
      byte[] digest = Eip191.personalMessageHash(MESSAGE);
      return new SignedRequest("victim-wallet", digest, signer.sign(digest).toEthereumRsv(),
          signer.publicKey(), NONCE);
    }
  }

  private static Reason refusedAs(Failure failure, org.junit.jupiter.api.function.Executable call) {
    AttestedSignatureException e = assertThrows(AttestedSignatureException.class, call);
    assertEquals(failure, e.failure(), e.getMessage());
    return e.attestationReason().orElse(null);
  }

  private static WalletKey newWallet(EnclaveService s, String id) {
    return s.handle(EnclaveRequest.newBuilder().setRequestId(2)
        .setGenerateKey(GenerateKeyRequest.newBuilder().setWalletId(id).setCurve(Curve.SECP256K1))
        .build()).join().getGenerateKey().getKey();
  }

  private static SignResponse attestedSign(EnclaveService s, WalletKey key, Attest.Mode mode) {
    EnclaveResponse r = s.handle(EnclaveRequest.newBuilder().setRequestId(3)
        .setSign(SignRequest.newBuilder().setKey(key)
            .setPersonalMessage(PersonalMessage.newBuilder()
                .setMessage(ByteString.copyFrom(MESSAGE)))
            .setAttest(Attest.newBuilder().setMode(mode).setNonce(ByteString.copyFrom(NONCE))))
        .build()).join();
    assertEquals(EnclaveResponse.BodyCase.SIGN, r.getBodyCase(), r.toString());
    return r.getSign();
  }

  private static SignedRequest requestOf(WalletKey key, SignResponse r) {
    byte[] sig = new byte[AttestationBinding.SIGNATURE_BYTES];
    r.getR().copyTo(sig, 0);
    r.getS().copyTo(sig, 32);
    sig[64] = (byte) (27 + r.getRecoveryId());
    return SignedRequest.personalSign(key.getWalletId(), MESSAGE, sig,
        key.getPublicKey().toByteArray(), NONCE);
  }

  @Test
  void attestationRequestCannotForgeAFreshProof() throws Exception {
    SignedRequest forged = forgedRequest();
    // SEALED: no wallet key exists at all, yet GetAttestation is served
    try (EnclaveService s = sealed()) {
      for (GetAttestationRequest.Purpose purpose : new GetAttestationRequest.Purpose[] {
          GetAttestationRequest.Purpose.PURPOSE_UNSPECIFIED,
          GetAttestationRequest.Purpose.CLIENT_REQUEST}) {
        byte[] doc = getAttestation(s, NONCE, forged.binding(), purpose);
        assertEquals(Reason.PURPOSE_MISMATCH, refusedAs(Failure.ATTESTATION,
            () -> verifier.verifyFresh(doc, policy, Instant.now(), forged)));
      }
      // the caller cannot spell the fresh-signature tag into its own data either: its data
      // always comes after the client-request tag
      byte[] spelled = getAttestation(s, NONCE,
          AttestationPurpose.FRESH_SIGNATURE.wrap(forged.binding()),
          GetAttestationRequest.Purpose.CLIENT_REQUEST);
      assertEquals(Reason.PURPOSE_MISMATCH, refusedAs(Failure.ATTESTATION,
          () -> verifier.verifyFresh(spelled, policy, Instant.now(), forged)));
    }
  }

  @Test
  void realFreshProofsStillVerify() throws Exception {
    try (EnclaveService s = ready("fresh")) {
      WalletKey key = newWallet(s, "w-fresh");
      SignResponse signed = attestedSign(s, key, Attest.Mode.FRESH);
      SignedRequest request = requestOf(key, signed);
      byte[] document = signed.getAttestationDocument().toByteArray();
      verifier.verifyFresh(document, policy, Instant.now(), request);
      // a fresh proof carries the response key as public_key, but is not a response-key document
      assertEquals(Reason.PURPOSE_MISMATCH, refusedAs(Failure.ATTESTATION,
          () -> verifier.trustResponseKey(document, NONCE, policy, Instant.now())));
    }
  }

  @Test
  void fastProofsVerifyAgainstTheResponseKeyDocumentOnly() throws Exception {
    try (EnclaveService s = ready("fast")) {
      byte[] fetchNonce = {1, 2, 3, 4};
      VerifiedResponseKey key = verifier.trustResponseKey(getAttestation(s, fetchNonce,
          new byte[0], GetAttestationRequest.Purpose.RESPONSE_KEY), fetchNonce, policy,
          Instant.now());
      WalletKey wallet = newWallet(s, "w-fast");
      SignResponse signed = attestedSign(s, wallet, Attest.Mode.FAST);
      assertArrayEquals(key.publicKey(), signed.getResponsePublicKey().toByteArray());
      verifier.verifyFast(signed.getResponseSignature().toByteArray(), key,
          requestOf(wallet, signed));

      // a client-request document, with any data, is not a response-key document
      for (byte[] data : new byte[][] {new byte[0], AttestationPurpose.RESPONSE_KEY.tag()}) {
        byte[] clientDoc = getAttestation(s, fetchNonce, data,
            GetAttestationRequest.Purpose.CLIENT_REQUEST);
        assertEquals(Reason.PURPOSE_MISMATCH, refusedAs(Failure.ATTESTATION,
            () -> verifier.trustResponseKey(clientDoc, fetchNonce, policy, Instant.now())));
      }
    }
  }

  @Test
  void theImportKeyDocumentIsNeitherAFreshProofNorAResponseKey() throws Exception {
    try (EnclaveService s = ready("import")) {
      EnclaveResponse r = s.handle(EnclaveRequest.newBuilder().setRequestId(4)
          .setGetImportKey(GetImportKeyRequest.newBuilder().setNonce(ByteString.copyFrom(NONCE)))
          .build()).join();
      byte[] doc = r.getGetImportKey().getAttestationDocument().toByteArray();
      byte[] hpkeKey = r.getGetImportKey().getHpkePublicKey().toByteArray();
      // what the import client checks (WalletImportCli) accepts it
      AttestationVerifier.withRoot(nsm.rootCertificate()).verify(doc, policy.toBuilder()
          .expectNonce(NONCE).expectPublicKey(hpkeKey)
          .expectPurpose(AttestationPurpose.IMPORT_KEY, null).build(), Instant.now());
      assertEquals(Reason.PURPOSE_MISMATCH, refusedAs(Failure.ATTESTATION,
          () -> verifier.trustResponseKey(doc, NONCE, policy, Instant.now())));
      SignedRequest forged = forgedRequest();
      assertEquals(Reason.PURPOSE_MISMATCH, refusedAs(Failure.ATTESTATION,
          () -> verifier.verifyFresh(doc, policy, Instant.now(), forged)));
    }
  }

  @Test
  void theImportKeyCheckRefusesADocumentOfAnotherPurpose() throws Exception {
    try (EnclaveService s = sealed()) {
      byte[] doc = getAttestation(s, NONCE, new byte[0],
          GetAttestationRequest.Purpose.RESPONSE_KEY);
      io.nitrosign.attestation.AttestationException e = assertThrows(
          io.nitrosign.attestation.AttestationException.class,
          () -> AttestationVerifier.withRoot(nsm.rootCertificate()).verify(doc,
              policy.toBuilder().expectNonce(NONCE)
                  .expectPurpose(AttestationPurpose.IMPORT_KEY, null).build(), Instant.now()));
      assertEquals(Reason.PURPOSE_MISMATCH, e.reason());
    }
  }
}
