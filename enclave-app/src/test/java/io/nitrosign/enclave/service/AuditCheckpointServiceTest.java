package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.attestation.AttestationException;
import io.nitrosign.attestation.AttestationPolicy;
import io.nitrosign.attestation.AttestationVerifier;
import io.nitrosign.attestation.AuditCheckpointVerifier;
import io.nitrosign.attestation.Reason;
import io.nitrosign.attestation.VerifiedResponseKey;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.nsm.SimulatedNsmCa;
import io.nitrosign.enclave.nsm.SimulatedNsmDevice;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GetAttestationRequest;
import io.nitrosign.proto.v1.SignAuditCheckpointRequest;
import io.nitrosign.proto.v1.SignAuditCheckpointResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SignAuditCheckpoint on a SEALED enclave with the simulated NSM: the signature verifies under the
 * response key that a RESPONSE_KEY document attests (checked with the verifier {@code audit
 * verify} uses), does not verify for another seq or hash, and the enclave refuses to go back.
 */
class AuditCheckpointServiceTest {

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

  private static EnclaveService sealed() {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService s = new EnclaveService(
        EnclaveService.Options.of(sm, RANDOM, "test").withNsm(nsm));
    sm.transitionTo(EnclaveState.SEALED);
    return s;
  }

  private static EnclaveResponse checkpoint(EnclaveService s, long seq, byte[] hash) {
    return s.handle(EnclaveRequest.newBuilder().setRequestId(seq)
        .setSignAuditCheckpoint(SignAuditCheckpointRequest.newBuilder().setSeq(seq)
            .setRowHash(ByteString.copyFrom(hash)))
        .build()).join();
  }

  private static byte[] hash(int b) {
    byte[] h = new byte[32];
    java.util.Arrays.fill(h, (byte) b);
    return h;
  }

  @Test
  void theAttestedResponseKeySignsTheChainHeadAndNeverGoesBack() throws Exception {
    EnclaveService s = sealed();
    EnclaveResponse r = checkpoint(s, 10, hash(1));
    assertEquals(EnclaveResponse.BodyCase.SIGN_AUDIT_CHECKPOINT, r.getBodyCase(), r.toString());
    SignAuditCheckpointResponse signed = r.getSignAuditCheckpoint();

    byte[] document = s.handle(EnclaveRequest.newBuilder().setRequestId(1)
        .setGetAttestation(GetAttestationRequest.newBuilder()
            .setPurpose(GetAttestationRequest.Purpose.RESPONSE_KEY)).build()).join()
        .getGetAttestation().getDocument().toByteArray();
    AuditCheckpointVerifier verifier = new AuditCheckpointVerifier(
        AttestationVerifier.withRoot(nsm.rootCertificate()),
        AttestationPolicy.builder().allowDebug(true).build());
    VerifiedResponseKey key = verifier.trustKey(document);
    assertArrayEquals(key.publicKey(), signed.getPublicKey().toByteArray());
    byte[] sig = signed.getSignature().toByteArray();
    assertTrue(AuditCheckpointVerifier.signatureValid(key, 10, hash(1), sig));
    assertFalse(AuditCheckpointVerifier.signatureValid(key, 11, hash(1), sig));
    assertFalse(AuditCheckpointVerifier.signatureValid(key, 10, hash(2), sig));

    // a client-request document is not a response-key document, even from the same enclave
    byte[] client = s.handle(EnclaveRequest.newBuilder().setRequestId(2)
        .setGetAttestation(GetAttestationRequest.newBuilder()
            .setPurpose(GetAttestationRequest.Purpose.CLIENT_REQUEST)).build()).join()
        .getGetAttestation().getDocument().toByteArray();
    AttestationException wrong = assertThrows(AttestationException.class,
        () -> verifier.trustKey(client));
    assertTrue(wrong.reason() == Reason.PURPOSE_MISMATCH
        || wrong.reason() == Reason.USER_DATA_MISMATCH, wrong.getMessage());

    // the same checkpoint again (a retry) is fine; another hash for it, or going back, is not
    assertEquals(EnclaveResponse.BodyCase.SIGN_AUDIT_CHECKPOINT,
        checkpoint(s, 10, hash(1)).getBodyCase());
    EnclaveResponse otherHash = checkpoint(s, 10, hash(2));
    assertEquals(ErrorCode.INVALID_REQUEST, otherHash.getError().getCode(), otherHash.toString());
    EnclaveResponse back = checkpoint(s, 9, hash(3));
    assertEquals(ErrorCode.INVALID_REQUEST, back.getError().getCode(), back.toString());
    assertEquals(EnclaveResponse.BodyCase.SIGN_AUDIT_CHECKPOINT,
        checkpoint(s, 11, hash(4)).getBodyCase());

    EnclaveResponse bad = checkpoint(s, 12, new byte[31]);
    assertEquals(ErrorCode.INVALID_REQUEST, bad.getError().getCode());
    EnclaveResponse zero = checkpoint(sealed(), 0, hash(1));
    assertEquals(ErrorCode.INVALID_REQUEST, zero.getError().getCode());
  }
}
