package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.Ed25519Verifier;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.nsm.TestOnlyNsmDevice;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.hpke.ExportEnvelope;
import io.nitrosign.hpke.Hpke;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.hpke.ImportEnvelope;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.enclave.authority.Owners;
import io.nitrosign.proto.v1.ExportKeyRequest;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GetImportKeyRequest;
import io.nitrosign.proto.v1.ImportKeyRequest;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.ResealRequest;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.WalletKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ed25519 wallets next to secp256k1 ones: generate, import, sign (raw_message), export, reseal,
 * and the curve checks of the Sign dispatcher.
 */
class CurveGenericWalletTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  private static final HexFormat HEX = HexFormat.of();

  // RFC 8032 section 7.1, TEST 2: secret key (seed), public key, message 0x72, signature.
  private static final byte[] RFC8032_T2_SEED =
      HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  private static final byte[] RFC8032_T2_PUBLIC =
      HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  private static final byte[] RFC8032_T2_SIGNATURE = HEX.parseHex(
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
          + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

  @TempDir Path keyDir;
  private final List<EnclaveService> services = new ArrayList<>();

  @AfterEach
  void closeAll() {
    services.forEach(EnclaveService::close);
  }

  private EnclaveService ready() throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService s = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test")
        .withNsm(TestOnlyNsmDevice.working()).withAuthorization(Owners.settings(
            Owners.quorum("export", 1, KeyImportExportTest.EXPORTER))));
    services.add(s);
    sm.transitionTo(EnclaveState.SEALED);
    s.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM));
    return s;
  }

  private static EnclaveResponse call(EnclaveService s, EnclaveRequest.Builder request) {
    return s.handle(request.setRequestId(3).build()).join();
  }

  private static WalletKey generate(EnclaveService s, Curve curve) {
    EnclaveResponse r = call(s, EnclaveRequest.newBuilder().setGenerateKey(
        GenerateKeyRequest.newBuilder().setWalletId("w-" + curve.name().toLowerCase())
            .setCurve(curve)));
    assertEquals(EnclaveResponse.BodyCase.GENERATE_KEY, r.getBodyCase(), r.toString());
    return r.getGenerateKey().getKey();
  }

  private static EnclaveResponse sign(EnclaveService s, SignRequest.Builder request) {
    return call(s, EnclaveRequest.newBuilder().setSign(request));
  }

  private static ErrorCode errorOf(EnclaveResponse r) {
    assertEquals(EnclaveResponse.BodyCase.ERROR, r.getBodyCase(), r.toString());
    return r.getError().getCode();
  }

  @Test
  void generatedEd25519WalletSignsRawMessagesThatVerify() throws Exception {
    EnclaveService s = ready();
    WalletKey key = generate(s, Curve.ED25519);
    assertEquals(32, key.getPublicKey().size());
    byte[] message = "hello solana".getBytes(StandardCharsets.UTF_8);
    EnclaveResponse r = sign(s, SignRequest.newBuilder().setKey(key)
        .setRawMessage(ByteString.copyFrom(message)));
    assertEquals(EnclaveResponse.BodyCase.SIGN, r.getBodyCase(), r.toString());
    assertEquals(64, r.getSign().getSignature().size());
    assertTrue(r.getSign().getDigest().isEmpty() && r.getSign().getR().isEmpty());
    assertTrue(Ed25519Verifier.verify(key.getPublicKey().toByteArray(), message,
        r.getSign().getSignature().toByteArray()));
  }

  @Test
  void importedRfc8032KeyReproducesItsSignatureAndExportsTheSameSeed() throws Exception {
    EnclaveService s = ready();
    byte[] hpke = call(s, EnclaveRequest.newBuilder().setGetImportKey(
        GetImportKeyRequest.getDefaultInstance())).getGetImportKey().getHpkePublicKey()
        .toByteArray();
    Hpke.Sealed sealed = ImportEnvelope.seal(hpke, "rfc8032", RFC8032_T2_SEED, RANDOM);
    EnclaveResponse imported = call(s, EnclaveRequest.newBuilder().setImportKey(
        ImportKeyRequest.newBuilder().setWalletId("rfc8032").setCurve(Curve.ED25519)
            .setEnc(ByteString.copyFrom(sealed.enc()))
            .setCiphertext(ByteString.copyFrom(sealed.ciphertext()))));
    assertEquals(EnclaveResponse.BodyCase.IMPORT_KEY, imported.getBodyCase(), imported.toString());
    WalletKey key = imported.getImportKey().getKey();
    assertArrayEquals(RFC8032_T2_PUBLIC, key.getPublicKey().toByteArray());
    assertEquals("", imported.getImportKey().getAddress());

    EnclaveResponse signed = sign(s, SignRequest.newBuilder().setKey(key)
        .setRawMessage(ByteString.copyFrom(new byte[] {0x72})));
    assertArrayEquals(RFC8032_T2_SIGNATURE, signed.getSign().getSignature().toByteArray());

    // Reseal keeps the key (same public key, same signatures).
    WalletKey moved = call(s, EnclaveRequest.newBuilder().setReseal(
        ResealRequest.newBuilder().setKey(key))).getReseal().getKey();
    assertArrayEquals(RFC8032_T2_PUBLIC, moved.getPublicKey().toByteArray());
    assertArrayEquals(RFC8032_T2_SIGNATURE, sign(s, SignRequest.newBuilder().setKey(moved)
        .setRawMessage(ByteString.copyFrom(new byte[] {0x72}))).getSign().getSignature()
        .toByteArray());

    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      EnclaveResponse exported = call(s, EnclaveRequest.newBuilder().setExportKey(
          ExportKeyRequest.newBuilder().setKey(key)
              .setRecipientPublicKey(ByteString.copyFrom(recipient.publicKey()))
              .setAuthorization(KeyImportExportTest.exportAuthorization(key.getWalletId(),
                  recipient.publicKey()))));
      byte[] seed = ExportEnvelope.open(recipient, "rfc8032",
          exported.getExportKey().getEnc().toByteArray(),
          exported.getExportKey().getCiphertext().toByteArray());
      assertArrayEquals(RFC8032_T2_SEED, seed);
    }
  }

  @Test
  void aPayloadForTheOtherCurveIsRefusedBeforeAnyKeyWork() throws Exception {
    EnclaveService s = ready();
    WalletKey ed = generate(s, Curve.ED25519);
    WalletKey secp = generate(s, Curve.SECP256K1);
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(sign(s, SignRequest.newBuilder().setKey(ed)
        .setPersonalMessage(PersonalMessage.newBuilder().setMessage(ByteString.copyFromUtf8("x"))))));
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(sign(s, SignRequest.newBuilder().setKey(ed)
        .setDigest(ByteString.copyFrom(new byte[32])))));
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(sign(s, SignRequest.newBuilder().setKey(secp)
        .setRawMessage(ByteString.copyFromUtf8("x")))));
    // Ed25519 keys are 32 bytes; a 65-byte key under curve ED25519 is malformed.
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(sign(s, SignRequest.newBuilder()
        .setKey(ed.toBuilder().setPublicKey(secp.getPublicKey()))
        .setRawMessage(ByteString.copyFromUtf8("x")))));
    // Shares of an Ed25519 wallet presented as secp256k1 fail authentication (curve is bound).
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(sign(s, SignRequest.newBuilder()
        .setKey(ed.toBuilder().setCurve(Curve.SECP256K1).setPublicKey(secp.getPublicKey()))
        .setDigest(ByteString.copyFrom(new byte[32])))));
  }

  @Test
  void rawMessagesAreBounded() throws Exception {
    EnclaveService s = ready();
    WalletKey ed = generate(s, Curve.ED25519);
    // The empty message is a valid Ed25519 message (RFC 8032 TEST 1 signs it).
    assertEquals(EnclaveResponse.BodyCase.SIGN, sign(s, SignRequest.newBuilder().setKey(ed)
        .setRawMessage(ByteString.EMPTY)).getBodyCase());
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(sign(s, SignRequest.newBuilder().setKey(ed)
        .setRawMessage(ByteString.copyFrom(new byte[65_537])))));
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(sign(s, SignRequest.newBuilder().setKey(ed))));
  }

  @Test
  void attestedSignaturesAreOnlyForSingleSecp256k1Signatures() throws Exception {
    EnclaveService s = ready();
    WalletKey ed = generate(s, Curve.ED25519);
    assertEquals(ErrorCode.UNSUPPORTED, errorOf(sign(s, SignRequest.newBuilder().setKey(ed)
        .setRawMessage(ByteString.copyFromUtf8("x"))
        .setAttest(io.nitrosign.proto.v1.Attest.newBuilder()
            .setMode(io.nitrosign.proto.v1.Attest.Mode.FAST)))));
  }
}
