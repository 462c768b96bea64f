package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.AttestationPurpose;
import com.google.protobuf.ByteString;
import io.nitrosign.enclave.crypto.Drbg;
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
import io.nitrosign.proto.v1.RequestAuthorization;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GetImportKeyRequest;
import io.nitrosign.proto.v1.GetImportKeyResponse;
import io.nitrosign.proto.v1.ImportKeyRequest;
import io.nitrosign.proto.v1.ImportKeyResponse;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
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

/** Key import and export driven through the dispatcher (no sockets). */
class KeyImportExportTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  private static final HexFormat HEX = HexFormat.of();

  // The web3.js documentation's account: private key, its address, and
  // web3.eth.accounts.sign("Some data", key).signature = r || s || v.
  private static final byte[] KNOWN_KEY =
      HEX.parseHex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  private static final String KNOWN_ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
  private static final String SOME_DATA_SIGNATURE =
      "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
          + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a029" + "1c";

  @TempDir Path keyDir;
  private final List<EnclaveService> services = new ArrayList<>();
  /** The deployment export quorum's one key. */
  static final Owners.AuthKey EXPORTER = Owners.AuthKey.generate();

  @AfterEach
  void closeAll() {
    services.forEach(EnclaveService::close);
  }

  private EnclaveService service(TestOnlyNsmDevice nsm, boolean ready) throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService s = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test")
        .withNsm(nsm).withAuthorization(Owners.settings(Owners.quorum("export", 1, EXPORTER))));
    services.add(s);
    sm.transitionTo(EnclaveState.SEALED);
    if (ready) {
      s.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM));
    }
    return s;
  }

  private static EnclaveResponse call(EnclaveService s, EnclaveRequest.Builder request) {
    return s.handle(request.setRequestId(7).build()).join();
  }

  private static ErrorCode errorOf(EnclaveResponse r) {
    assertEquals(EnclaveResponse.BodyCase.ERROR, r.getBodyCase(), r.toString());
    return r.getError().getCode();
  }

  private static GetImportKeyResponse getImportKey(EnclaveService s, byte[] nonce) {
    EnclaveResponse r = call(s, EnclaveRequest.newBuilder().setGetImportKey(
        GetImportKeyRequest.newBuilder().setNonce(ByteString.copyFrom(nonce))));
    assertEquals(EnclaveResponse.BodyCase.GET_IMPORT_KEY, r.getBodyCase(), r.toString());
    return r.getGetImportKey();
  }

  private static EnclaveRequest.Builder importRequest(String walletId, Hpke.Sealed sealed) {
    return EnclaveRequest.newBuilder().setImportKey(ImportKeyRequest.newBuilder()
        .setWalletId(walletId)
        .setCurve(Curve.SECP256K1)
        .setOwner(Owners.appOwned("ethereum"))
        .setEnc(ByteString.copyFrom(sealed.enc()))
        .setCiphertext(ByteString.copyFrom(sealed.ciphertext())));
  }

  private static ImportKeyResponse importKnownKey(EnclaveService s, String walletId)
      throws Exception {
    byte[] enclaveKey = getImportKey(s, new byte[] {1}).getHpkePublicKey().toByteArray();
    Hpke.Sealed sealed = ImportEnvelope.seal(enclaveKey, walletId, KNOWN_KEY, RANDOM);
    EnclaveResponse r = call(s, importRequest(walletId, sealed));
    assertEquals(EnclaveResponse.BodyCase.IMPORT_KEY, r.getBodyCase(), r.toString());
    return r.getImportKey();
  }

  /** An export authorized by the deployment export quorum (these wallets are app-owned). */
  private static EnclaveResponse export(EnclaveService s, WalletKey key, byte[] recipient) {
    return call(s, EnclaveRequest.newBuilder().setExportKey(ExportKeyRequest.newBuilder()
        .setKey(key).setRecipientPublicKey(ByteString.copyFrom(recipient))
        .setAuthorization(exportAuthorization(key.getWalletId(), recipient))));
  }

  static RequestAuthorization exportAuthorization(String walletId, byte[] recipient) {
    String body = "{\"encryption_type\":\"HPKE\",\"recipient_public_key\":\""
        + java.util.Base64.getEncoder().encodeToString(recipient) + "\"}";
    return Owners.signed("POST", "/v1/wallets/" + walletId + "/export", body, EXPORTER);
  }

  @Test
  void getImportKeyAttestsThePerBootHpkeKeyWithTheCallersNonce() throws Exception {
    TestOnlyNsmDevice nsm = TestOnlyNsmDevice.working();
    EnclaveService s = service(nsm, true);
    byte[] nonce = HEX.parseHex("00112233445566778899aabbccddeeff");
    GetImportKeyResponse first = getImportKey(s, nonce);
    byte[] publicKey = first.getHpkePublicKey().toByteArray();
    assertEquals(65, publicKey.length);
    assertTrue(HpkeKeyPair.isValidPublicKey(publicKey));
    assertArrayEquals(TestOnlyNsmDevice.PLACEHOLDER_DOCUMENT,
        first.getAttestationDocument().toByteArray());
    assertArrayEquals(publicKey, nsm.lastPublicKey());
    assertArrayEquals(nonce, nsm.lastNonce());
    assertArrayEquals(AttestationPurpose.IMPORT_KEY.tag(), nsm.lastUserData());
    // the same key for the whole boot, a fresh document each time
    assertEquals(first.getHpkePublicKey(), getImportKey(s, new byte[] {9}).getHpkePublicKey());
    assertEquals(2, nsm.attestations());
    // another boot, another key
    EnclaveService other = service(TestOnlyNsmDevice.working(), true);
    assertFalse(first.getHpkePublicKey().equals(
        getImportKey(other, nonce).getHpkePublicKey()));
  }

  @Test
  void getImportKeyFailuresAreTyped() throws Exception {
    assertEquals(ErrorCode.NSM_ERROR, errorOf(call(service(TestOnlyNsmDevice.failing(), true),
        EnclaveRequest.newBuilder().setGetImportKey(GetImportKeyRequest.getDefaultInstance()))));
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService noNsm = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test"));
    services.add(noNsm);
    sm.transitionTo(EnclaveState.SEALED);
    noNsm.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM));
    assertEquals(ErrorCode.NSM_ERROR, errorOf(call(noNsm,
        EnclaveRequest.newBuilder().setGetImportKey(GetImportKeyRequest.getDefaultInstance()))));
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(call(service(TestOnlyNsmDevice.working(), true),
        EnclaveRequest.newBuilder().setGetImportKey(GetImportKeyRequest.newBuilder()
            .setNonce(ByteString.copyFrom(new byte[1025]))))));
  }

  @Test
  void importExportAndGetImportKeyNeedReady() throws Exception {
    EnclaveService sealed = service(TestOnlyNsmDevice.working(), false);
    assertEquals(ErrorCode.NOT_READY, errorOf(call(sealed, EnclaveRequest.newBuilder()
        .setGetImportKey(GetImportKeyRequest.getDefaultInstance()))));
    assertEquals(ErrorCode.NOT_READY, errorOf(call(sealed, EnclaveRequest.newBuilder()
        .setImportKey(ImportKeyRequest.getDefaultInstance()))));
    assertEquals(ErrorCode.NOT_READY, errorOf(call(sealed, EnclaveRequest.newBuilder()
        .setExportKey(ExportKeyRequest.getDefaultInstance()))));
  }

  @Test
  void importedKnownKeyHasItsAddressAndReproducesTheWeb3jsSignature() throws Exception {
    EnclaveService s = service(TestOnlyNsmDevice.working(), true);
    ImportKeyResponse imported = importKnownKey(s, "imported-1");
    assertEquals(KNOWN_ADDRESS, imported.getAddress());
    WalletKey key = imported.getKey();
    assertEquals("imported-1", key.getWalletId());
    assertEquals(Curve.SECP256K1, key.getCurve());
    assertEquals(Owners.appOwned("ethereum"), key.getOwner());

    EnclaveResponse r = call(s, EnclaveRequest.newBuilder().setSign(SignRequest.newBuilder()
        .setKey(key)
        .setPersonalMessage(PersonalMessage.newBuilder()
            .setMessage(ByteString.copyFrom("Some data", StandardCharsets.UTF_8)))));
    assertEquals(EnclaveResponse.BodyCase.SIGN, r.getBodyCase(), r.toString());
    SignResponse sig = r.getSign();
    String rsv = HEX.formatHex(sig.getR().toByteArray()) + HEX.formatHex(sig.getS().toByteArray())
        + HEX.formatHex(new byte[] {(byte) (27 + sig.getRecoveryId())});
    assertEquals(SOME_DATA_SIGNATURE, rsv);
  }

  @Test
  void exportReturnsTheSameKeyToTheRecipient() throws Exception {
    EnclaveService s = service(TestOnlyNsmDevice.working(), true);
    WalletKey key = importKnownKey(s, "imported-2").getKey();
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      EnclaveResponse r = export(s, key, recipient.publicKey());
      assertEquals(EnclaveResponse.BodyCase.EXPORT_KEY, r.getBodyCase(), r.toString());
      byte[] exported = ExportEnvelope.open(recipient, "imported-2",
          r.getExportKey().getEnc().toByteArray(), r.getExportKey().getCiphertext().toByteArray());
      assertArrayEquals(KNOWN_KEY, exported);
    }
  }

  @Test
  void exportOfAGeneratedKeyOpensToTheKeyOfItsAddress() throws Exception {
    EnclaveService s = service(TestOnlyNsmDevice.working(), true);
    EnclaveResponse g = call(s, EnclaveRequest.newBuilder().setGenerateKey(
        GenerateKeyRequest.newBuilder().setWalletId("gen-1").setCurve(Curve.SECP256K1)
            .setOwner(Owners.appOwned("ethereum"))));
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      EnclaveResponse r = export(s, g.getGenerateKey().getKey(), recipient.publicKey());
      byte[] exported = ExportEnvelope.open(recipient, "gen-1",
          r.getExportKey().getEnc().toByteArray(), r.getExportKey().getCiphertext().toByteArray());
      // re-importing the exported key into another wallet gives the same address
      byte[] enclaveKey = getImportKey(s, new byte[0]).getHpkePublicKey().toByteArray();
      EnclaveResponse again = call(s, importRequest("gen-1-copy",
          ImportEnvelope.seal(enclaveKey, "gen-1-copy", exported, RANDOM)));
      assertEquals(g.getGenerateKey().getAddress(), again.getImportKey().getAddress());
      assertEquals(g.getGenerateKey().getKey().getPublicKey(),
          again.getImportKey().getKey().getPublicKey());
    }
  }

  @Test
  void importUnderAnotherWalletIdIsRefused() throws Exception {
    EnclaveService s = service(TestOnlyNsmDevice.working(), true);
    byte[] enclaveKey = getImportKey(s, new byte[0]).getHpkePublicKey().toByteArray();
    Hpke.Sealed sealed = ImportEnvelope.seal(enclaveKey, "wallet-a", KNOWN_KEY, RANDOM);
    EnclaveResponse r = call(s, importRequest("wallet-b", sealed));
    assertEquals(ErrorCode.MALFORMED_CIPHERTEXT, errorOf(r));
    assertEquals("import ciphertext did not decrypt", r.getError().getDetail());
  }

  @Test
  void tamperedImportCiphertextOrEncIsRefusedWithoutDetail() throws Exception {
    EnclaveService s = service(TestOnlyNsmDevice.working(), true);
    byte[] enclaveKey = getImportKey(s, new byte[0]).getHpkePublicKey().toByteArray();
    Hpke.Sealed sealed = ImportEnvelope.seal(enclaveKey, "w", KNOWN_KEY, RANDOM);
    List<String> failures = new ArrayList<>();
    for (String field : List.of("enc", "ciphertext")) {
      byte[] original = field.equals("enc") ? sealed.enc() : sealed.ciphertext();
      for (int i = 0; i < original.length; i++) {
        byte[] t = original.clone();
        t[i] ^= (byte) (1 << (i % 8));
        Hpke.Sealed tampered = field.equals("enc")
            ? new Hpke.Sealed(t, sealed.ciphertext()) : new Hpke.Sealed(sealed.enc(), t);
        EnclaveResponse r = call(s, importRequest("w", tampered));
        if (r.getBodyCase() != EnclaveResponse.BodyCase.ERROR
            || r.getError().getCode() != ErrorCode.MALFORMED_CIPHERTEXT
            || !r.getError().getDetail().equals("import ciphertext did not decrypt")) {
          failures.add(field + " byte " + i + ": " + r);
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void importSealedToAnotherKeyOrAsAnExportIsRefused() throws Exception {
    EnclaveService s = service(TestOnlyNsmDevice.working(), true);
    byte[] enclaveKey = getImportKey(s, new byte[0]).getHpkePublicKey().toByteArray();
    try (HpkeKeyPair stranger = HpkeKeyPair.generate(RANDOM)) {
      assertEquals(ErrorCode.MALFORMED_CIPHERTEXT, errorOf(call(s, importRequest("w",
          ImportEnvelope.seal(stranger.publicKey(), "w", KNOWN_KEY, RANDOM)))));
    }
    assertEquals(ErrorCode.MALFORMED_CIPHERTEXT, errorOf(call(s, importRequest("w",
        ExportEnvelope.seal(enclaveKey, "w", KNOWN_KEY, RANDOM)))));
  }

  @Test
  void invalidImportedKeysAndMalformedRequestsAreRefused() throws Exception {
    EnclaveService s = service(TestOnlyNsmDevice.working(), true);
    byte[] enclaveKey = getImportKey(s, new byte[0]).getHpkePublicKey().toByteArray();
    byte[] n = HEX.parseHex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    for (byte[] bad : List.of(new byte[32], n)) {
      EnclaveResponse r = call(s, importRequest("w",
          ImportEnvelope.seal(enclaveKey, "w", bad, RANDOM)));
      assertEquals(ErrorCode.INVALID_REQUEST, errorOf(r));
      assertEquals("imported key is not a valid secp256k1 private key", r.getError().getDetail());
    }
    // a 31-byte plaintext decrypts but is not a key
    Hpke.Sealed short31 = Hpke.seal(ImportEnvelope.SUITE, enclaveKey, ImportEnvelope.info(),
        ImportEnvelope.aad("w"), new byte[31], RANDOM);
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(call(s, importRequest("w", short31))));
    Hpke.Sealed good = ImportEnvelope.seal(enclaveKey, "w", KNOWN_KEY, RANDOM);
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(call(s, importRequest("Bad Id", good))));
    assertEquals(ErrorCode.MALFORMED_CIPHERTEXT, errorOf(call(s,
        importRequest("w", new Hpke.Sealed(new byte[64], good.ciphertext())))));
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(call(s, importRequest("w", good)
        .setImportKey(importRequest("w", good).getImportKeyBuilder()
            .setCurve(Curve.CURVE_UNSPECIFIED)))));
  }

  @Test
  void exportChecksTheRecipientKeyAndTheSealedShares() throws Exception {
    EnclaveService s = service(TestOnlyNsmDevice.working(), true);
    WalletKey key = importKnownKey(s, "imported-3").getKey();
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      byte[] offCurve = recipient.publicKey();
      offCurve[64] ^= 1;
      assertEquals(ErrorCode.INVALID_REQUEST, errorOf(export(s, key, offCurve)));
      assertEquals(ErrorCode.INVALID_REQUEST, errorOf(export(s, key, new byte[33])));
      // shares bound to another wallet id do not open
      WalletKey renamed = key.toBuilder().setWalletId("someone-else").build();
      assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(export(s, renamed, recipient.publicKey())));
      byte[] ct = key.getExecShare().getCiphertext().toByteArray();
      ct[0] ^= 1;
      WalletKey tampered = key.toBuilder().setExecShare(
          key.getExecShare().toBuilder().setCiphertext(ByteString.copyFrom(ct))).build();
      assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(export(s, tampered, recipient.publicKey())));
      assertEquals(ErrorCode.INVALID_REQUEST, errorOf(call(s, EnclaveRequest.newBuilder()
          .setExportKey(ExportKeyRequest.newBuilder()
              .setRecipientPublicKey(ByteString.copyFrom(recipient.publicKey()))))));
    }
  }
}
