package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.ethereum.Eip191;
import io.nitrosign.chains.ethereum.EthereumAddress;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.crypto.Secp256k1Recovery;
import io.nitrosign.enclave.crypto.Secp256k1Verifier;
import io.nitrosign.enclave.sealing.KeySplit;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.enclave.sealing.ShareSealer;
import io.nitrosign.enclave.sealing.WalletBinding;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GenerateKeyResponse;
import io.nitrosign.proto.v1.HealthRequest;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.SealedShare;
import io.nitrosign.proto.v1.ShareKind;
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

/** Drives the dispatcher directly (no sockets). */
class EnclaveServiceTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());

  @TempDir Path keyDir;
  private final List<EnclaveService> services = new ArrayList<>();

  @AfterEach
  void closeAll() {
    services.forEach(EnclaveService::close);
  }

  private EnclaveService sealedService() {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService service = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test"));
    services.add(service);
    sm.transitionTo(EnclaveState.SEALED);
    return service;
  }

  private EnclaveService readyService() throws Exception {
    EnclaveService service = sealedService();
    service.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM));
    return service;
  }

  private static EnclaveResponse call(EnclaveService service, EnclaveRequest request) {
    return service.handle(request).join();
  }

  /**
   * A distinct app-owned WalletAuthority per tag (app id "app-" + hex of the tag); the empty tag
   * is the empty owner of wallets sealed before owners existed.
   */
  private static ByteString authority(byte[] tag) {
    return tag.length == 0 ? ByteString.EMPTY : io.nitrosign.proto.v1.WalletAuthority.newBuilder()
        .setVersion(1).setAppId("app-" + java.util.HexFormat.of().formatHex(tag))
        .setChainType("ethereum").build().toByteString();
  }

  private static GenerateKeyResponse generate(EnclaveService s, String walletId, byte[] owner) {
    EnclaveResponse r = call(s, EnclaveRequest.newBuilder().setRequestId(1)
        .setGenerateKey(GenerateKeyRequest.newBuilder().setWalletId(walletId)
            .setCurve(Curve.SECP256K1).setOwner(authority(owner)))
        .build());
    assertEquals(EnclaveResponse.BodyCase.GENERATE_KEY, r.getBodyCase(), r.toString());
    return r.getGenerateKey();
  }

  private static EnclaveResponse signDigest(EnclaveService s, WalletKey key, byte[] digest) {
    return call(s, EnclaveRequest.newBuilder().setRequestId(2)
        .setSign(SignRequest.newBuilder().setKey(key).setDigest(ByteString.copyFrom(digest)))
        .build());
  }

  private static ErrorCode errorOf(EnclaveResponse r) {
    assertEquals(EnclaveResponse.BodyCase.ERROR, r.getBodyCase(), r.toString());
    return r.getError().getCode();
  }

  private static void assertSignatureFor(GenerateKeyResponse generated, SignResponse sig) {
    byte[] recovered = Secp256k1Recovery.recoverPublicKey(sig.getDigest().toByteArray(),
        sig.getR().toByteArray(), sig.getS().toByteArray(), sig.getRecoveryId());
    assertArrayEquals(generated.getKey().getPublicKey().toByteArray(), recovered);
    assertEquals(generated.getAddress(), EthereumAddress.fromPublicKey(recovered));
    assertTrue(Secp256k1Verifier.verify(recovered, sig.getDigest().toByteArray(),
        sig.getR().toByteArray(), sig.getS().toByteArray()));
  }

  @Test
  void generateThenSignPersonalMessageAndDigest() throws Exception {
    EnclaveService s = readyService();
    GenerateKeyResponse g = generate(s, "wallet-1", new byte[] {9, 9});
    assertTrue(EthereumAddress.isValidChecksum(g.getAddress()));
    assertEquals(65, g.getKey().getPublicKey().size());
    assertEquals(ShareKind.AUTH, g.getKey().getAuthShare().getKind());
    assertEquals(ShareKind.EXEC, g.getKey().getExecShare().getKind());

    byte[] message = "hello enclave".getBytes(StandardCharsets.UTF_8);
    EnclaveResponse personal = call(s, EnclaveRequest.newBuilder().setRequestId(3)
        .setSign(SignRequest.newBuilder().setKey(g.getKey())
            .setPersonalMessage(PersonalMessage.newBuilder()
                .setMessage(ByteString.copyFrom(message))))
        .build());
    assertEquals(EnclaveResponse.BodyCase.SIGN, personal.getBodyCase(), personal.toString());
    assertArrayEquals(Eip191.personalMessageHash(message),
        personal.getSign().getDigest().toByteArray());
    assertSignatureFor(g, personal.getSign());

    byte[] digest = new byte[32];
    RANDOM.nextBytes(digest);
    EnclaveResponse raw = signDigest(s, g.getKey(), digest);
    assertEquals(EnclaveResponse.BodyCase.SIGN, raw.getBodyCase(), raw.toString());
    assertArrayEquals(digest, raw.getSign().getDigest().toByteArray());
    assertEquals(32, raw.getSign().getR().size());
    assertEquals(32, raw.getSign().getS().size());
    assertSignatureFor(g, raw.getSign());
  }

  @Test
  void healthReportsStateAndKeySource() throws Exception {
    EnclaveService sealed = sealedService();
    EnclaveResponse h = call(sealed,
        EnclaveRequest.newBuilder().setHealth(HealthRequest.getDefaultInstance()).build());
    assertEquals(EnclaveState.SEALED, h.getHealth().getState());
    assertEquals(0, h.getHealth().getCurrentKeyVersion());
    EnclaveService ready = readyService();
    h = call(ready,
        EnclaveRequest.newBuilder().setHealth(HealthRequest.getDefaultInstance()).build());
    assertEquals(EnclaveState.READY, h.getHealth().getState());
    assertEquals(1, h.getHealth().getCurrentKeyVersion());
    assertEquals("local-dev-file", h.getHealth().getSealingKeySource());
    assertEquals("test", h.getHealth().getVersion());
  }

  @Test
  void flippingAnyByteOfNonceOrCiphertextFails() throws Exception {
    EnclaveService s = readyService();
    GenerateKeyResponse g = generate(s, "w", new byte[0]);
    byte[] digest = new byte[32];
    List<String> failures = new ArrayList<>();
    for (ShareKind kind : List.of(ShareKind.AUTH, ShareKind.EXEC)) {
      SealedShare share = kind == ShareKind.AUTH
          ? g.getKey().getAuthShare() : g.getKey().getExecShare();
      for (String field : List.of("nonce", "ciphertext")) {
        byte[] bytes = (field.equals("nonce") ? share.getNonce() : share.getCiphertext())
            .toByteArray();
        for (int i = 0; i < bytes.length; i++) {
          byte[] flipped = bytes.clone();
          flipped[i] ^= (byte) (1 << (i % 8));
          SealedShare.Builder b = share.toBuilder();
          if (field.equals("nonce")) {
            b.setNonce(ByteString.copyFrom(flipped));
          } else {
            b.setCiphertext(ByteString.copyFrom(flipped));
          }
          WalletKey.Builder key = g.getKey().toBuilder();
          if (kind == ShareKind.AUTH) {
            key.setAuthShare(b);
          } else {
            key.setExecShare(b);
          }
          EnclaveResponse r = signDigest(s, key.build(), digest);
          if (r.getBodyCase() != EnclaveResponse.BodyCase.ERROR
              || r.getError().getCode() != ErrorCode.SEAL_INTEGRITY) {
            failures.add(kind + " " + field + " byte " + i + ": " + r.getBodyCase());
          } else if (!r.getError().getDetail().equals("sealed share failed authentication")) {
            failures.add(kind + " " + field + " byte " + i + ": detail " + r.getError());
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void sharesCannotMoveBetweenWallets() throws Exception {
    EnclaveService s = readyService();
    GenerateKeyResponse a = generate(s, "wallet-a", new byte[0]);
    GenerateKeyResponse b = generate(s, "wallet-b", new byte[0]);
    byte[] digest = new byte[32];
    // wallet A's shares presented with wallet B's fields
    WalletKey aSharesBFields = b.getKey().toBuilder()
        .setAuthShare(a.getKey().getAuthShare()).setExecShare(a.getKey().getExecShare()).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(signDigest(s, aSharesBFields, digest)));
    // one share from each wallet
    WalletKey mixed = a.getKey().toBuilder().setExecShare(b.getKey().getExecShare()).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(signDigest(s, mixed, digest)));
    // wallet A's shares under wallet B's id only
    WalletKey renamed = a.getKey().toBuilder().setWalletId("wallet-b").build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(signDigest(s, renamed, digest)));
  }

  @Test
  void swappedSharesFail() throws Exception {
    EnclaveService s = readyService();
    GenerateKeyResponse g = generate(s, "w", new byte[0]);
    WalletKey swapped = g.getKey().toBuilder()
        .setAuthShare(g.getKey().getExecShare()).setExecShare(g.getKey().getAuthShare()).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(signDigest(s, swapped, new byte[32])));
    // swapped and relabelled: each opened with the key of its position, still fails
    WalletKey relabelled = g.getKey().toBuilder()
        .setAuthShare(g.getKey().getExecShare().toBuilder().setKind(ShareKind.AUTH))
        .setExecShare(g.getKey().getAuthShare().toBuilder().setKind(ShareKind.EXEC)).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(signDigest(s, relabelled, new byte[32])));
  }

  @Test
  void boundFieldsCannotBeEdited() throws Exception {
    EnclaveService s = readyService();
    GenerateKeyResponse g = generate(s, "w", new byte[] {1});
    byte[] otherPub = g.getKey().getPublicKey().toByteArray();
    otherPub[10] ^= 1;
    WalletKey wrongPub = g.getKey().toBuilder().setPublicKey(ByteString.copyFrom(otherPub)).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(signDigest(s, wrongPub, new byte[32])));
    WalletKey wrongOwner = g.getKey().toBuilder().setOwner(authority(new byte[] {2}))
        .build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, errorOf(signDigest(s, wrongOwner, new byte[32])));
    WalletKey wrongVersion = g.getKey().toBuilder()
        .setAuthShare(g.getKey().getAuthShare().toBuilder().setKeyVersion(7)).build();
    assertEquals(ErrorCode.UNKNOWN_KEY_VERSION, errorOf(signDigest(s, wrongVersion, new byte[32])));
  }

  @Test
  void consistentlySealedWrongPublicKeyIsKeyMismatch() throws Exception {
    // Shares sealed (validly) under a public key that is not the key's own.
    EnclaveService s = readyService();
    byte[] pub = generate(s, "other", new byte[0]).getKey().getPublicKey().toByteArray();
    WalletBinding binding = new WalletBinding("w", Curve.SECP256K1, pub, new byte[0]);
    try (LocalDevSealingKeyProvider keys = LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM);
        SecretBytes key = new SecretBytes(HexFormat.of().parseHex(
            "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"));
        KeySplit.Shares shares = KeySplit.split(key, RANDOM)) {
      ShareSealer sealer = new ShareSealer(keys, RANDOM);
      WalletKey wk = WalletKey.newBuilder().setWalletId("w").setCurve(Curve.SECP256K1)
          .setPublicKey(ByteString.copyFrom(pub))
          .setAuthShare(sealer.seal(ShareKind.AUTH, binding, shares.auth()))
          .setExecShare(sealer.seal(ShareKind.EXEC, binding, shares.exec()))
          .build();
      EnclaveResponse r = signDigest(s, wk, new byte[32]);
      assertEquals(ErrorCode.KEY_MISMATCH, errorOf(r));
    }
  }

  @Test
  void sealedEnclaveServesHealthOnly() {
    EnclaveService s = sealedService();
    assertEquals(ErrorCode.NOT_READY, errorOf(call(s, EnclaveRequest.newBuilder()
        .setGenerateKey(GenerateKeyRequest.newBuilder().setWalletId("w")
            .setCurve(Curve.SECP256K1)).build())));
    assertEquals(ErrorCode.NOT_READY, errorOf(call(s, EnclaveRequest.newBuilder()
        .setSign(SignRequest.newBuilder().setDigest(ByteString.copyFrom(new byte[32]))).build())));
    assertEquals(EnclaveResponse.BodyCase.HEALTH, call(s, EnclaveRequest.newBuilder()
        .setHealth(HealthRequest.getDefaultInstance()).build()).getBodyCase());
  }

  @Test
  void failedEnclaveRefusesWork() throws Exception {
    EnclaveService s = readyService();
    GenerateKeyResponse g = generate(s, "w", new byte[0]);
    s.stateMachine().fail();
    assertEquals(ErrorCode.NOT_READY, errorOf(signDigest(s, g.getKey(), new byte[32])));
    assertEquals(EnclaveState.FAILED, call(s, EnclaveRequest.newBuilder()
        .setHealth(HealthRequest.getDefaultInstance()).build()).getHealth().getState());
  }

  @Test
  void unsealOnlyFromSealed() throws Exception {
    EnclaveService s = readyService();
    assertThrows(IllegalStateException.class,
        () -> s.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM)));
    EnclaveService booting = new EnclaveService(
        EnclaveService.Options.of(new EnclaveStateMachine(), RANDOM, "test"));
    services.add(booting);
    assertThrows(IllegalStateException.class,
        () -> booting.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM)));
  }

  @Test
  void invalidGenerateRequests() throws Exception {
    EnclaveService s = readyService();
    List<String> failures = new ArrayList<>();
    record Case(String name, GenerateKeyRequest request, ErrorCode expected) {}
    GenerateKeyRequest ok = GenerateKeyRequest.newBuilder().setWalletId("ok")
        .setCurve(Curve.SECP256K1).build();
    List<Case> cases = List.of(
        new Case("empty id", ok.toBuilder().setWalletId("").build(), ErrorCode.INVALID_REQUEST),
        new Case("65 chars", ok.toBuilder().setWalletId("a".repeat(65)).build(),
            ErrorCode.INVALID_REQUEST),
        new Case("upper case", ok.toBuilder().setWalletId("Wallet").build(),
            ErrorCode.INVALID_REQUEST),
        new Case("slash", ok.toBuilder().setWalletId("a/b").build(), ErrorCode.INVALID_REQUEST),
        new Case("unicode", ok.toBuilder().setWalletId("wället").build(),
            ErrorCode.INVALID_REQUEST),
        new Case("no curve", ok.toBuilder().clearCurve().build(), ErrorCode.INVALID_REQUEST),
        new Case("unknown curve", ok.toBuilder().setCurveValue(99).build(), ErrorCode.UNSUPPORTED),
        new Case("owner too big", ok.toBuilder()
            .setOwner(ByteString.copyFrom(new byte[4097])).build(), ErrorCode.INVALID_REQUEST));
    for (Case c : cases) {
      EnclaveResponse r = call(s, EnclaveRequest.newBuilder().setGenerateKey(c.request()).build());
      if (r.getBodyCase() != EnclaveResponse.BodyCase.ERROR
          || r.getError().getCode() != c.expected()) {
        failures.add(c.name() + ": " + r.getBodyCase() + " " + r.getError().getCode());
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    // boundaries that are fine
    generate(s, "a".repeat(64), new byte[62]);
    generate(s, "a-b_c-0123456789", new byte[0]);
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(call(s, EnclaveRequest.newBuilder().build())));
  }

  @Test
  void invalidSignRequests() throws Exception {
    EnclaveService s = readyService();
    WalletKey key = generate(s, "w", new byte[0]).getKey();
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(signDigest(s, key, new byte[31])));
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(signDigest(s, key, new byte[33])));
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(call(s, EnclaveRequest.newBuilder()
        .setSign(SignRequest.newBuilder().setKey(key)).build())));
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(call(s, EnclaveRequest.newBuilder()
        .setSign(SignRequest.newBuilder().setDigest(ByteString.copyFrom(new byte[32]))).build())));
    assertEquals(ErrorCode.INVALID_REQUEST,
        errorOf(signDigest(s, key.toBuilder().clearExecShare().build(), new byte[32])));
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(signDigest(s,
        key.toBuilder().setPublicKey(key.getPublicKey().substring(1)).build(), new byte[32])));
    assertEquals(ErrorCode.UNSUPPORTED,
        errorOf(signDigest(s, key.toBuilder().setCurveValue(5).build(), new byte[32])));
    assertEquals(ErrorCode.INVALID_REQUEST,
        errorOf(signDigest(s, key.toBuilder().setWalletId("W").build(), new byte[32])));
  }

  @Test
  void restartedEnclaveOpensOldShares() throws Exception {
    EnclaveService first = readyService();
    GenerateKeyResponse g = generate(first, "persistent", new byte[] {5});
    first.close();
    EnclaveService second = readyService();
    byte[] digest = new byte[32];
    RANDOM.nextBytes(digest);
    EnclaveResponse r = signDigest(second, g.getKey(), digest);
    assertEquals(EnclaveResponse.BodyCase.SIGN, r.getBodyCase(), r.toString());
    assertSignatureFor(g, r.getSign());
  }

  @Test
  void responsesNeverCarrySecrets() throws Exception {
    EnclaveService s = readyService();
    GenerateKeyResponse g = generate(s, "w", new byte[0]);
    String text = g.toString();
    assertFalse(text.contains("SecretBytes"));
    EnclaveResponse bad = signDigest(s, g.getKey().toBuilder()
        .setAuthShare(g.getKey().getExecShare()).build(), new byte[32]);
    assertEquals("sealed share failed authentication", bad.getError().getDetail());
  }
}
