package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.solana.Base58;
import io.nitrosign.chains.stellar.StrKey;
import io.nitrosign.enclave.authority.Owners;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.nsm.TestOnlyNsmDevice;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.hpke.Hpke;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.hpke.ImportEnvelope;
import io.nitrosign.hpke.PrivyEnvelope;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.ExportKeyRequest;
import io.nitrosign.proto.v1.GetImportKeyRequest;
import io.nitrosign.proto.v1.ImportKeyRequest;
import io.nitrosign.proto.v1.ImportKeyResponse;
import io.nitrosign.proto.v1.KeyEnvelope;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.RequestAuthorization;
import io.nitrosign.proto.v1.WalletKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Import and export in Privy's SDK format ({@code KEY_ENVELOPE_PRIVY}) through the dispatcher:
 * ChaCha20Poly1305 with empty info and aad, the key as the SDK encodes it, SPKI recipients; and
 * that neither format opens as the other.
 */
class PrivyKeyTransferTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  private static final HexFormat HEX = HexFormat.of();

  /** The web3.js documentation's account. */
  private static final byte[] ETH_KEY =
      HEX.parseHex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  private static final String ETH_ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
  /** RFC 8032 section 7.1, TEST 1: seed and public key. */
  private static final byte[] ED_SEED =
      HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  private static final byte[] ED_PUBLIC =
      HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

  static final Owners.AuthKey EXPORTER = Owners.AuthKey.generate();
  static final Owners.AuthKey OWNER = Owners.AuthKey.generate();

  @TempDir Path keyDir;
  private final List<EnclaveService> services = new ArrayList<>();
  private EnclaveService s;

  @AfterEach
  void closeAll() {
    services.forEach(EnclaveService::close);
  }

  private EnclaveService service() throws Exception {
    if (s == null) {
      EnclaveStateMachine sm = new EnclaveStateMachine();
      s = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test")
          .withNsm(TestOnlyNsmDevice.working())
          .withAuthorization(Owners.settings(Owners.quorum("export", 1, EXPORTER))));
      services.add(s);
      sm.transitionTo(EnclaveState.SEALED);
      s.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM));
    }
    return s;
  }

  private EnclaveResponse call(EnclaveRequest.Builder request) throws Exception {
    return service().handle(request.setRequestId(11).build()).join();
  }

  private static ErrorCode errorOf(EnclaveResponse r) {
    assertEquals(EnclaveResponse.BodyCase.ERROR, r.getBodyCase(), r.toString());
    return r.getError().getCode();
  }

  private byte[] enclaveKey() throws Exception {
    return call(EnclaveRequest.newBuilder().setGetImportKey(GetImportKeyRequest.getDefaultInstance()))
        .getGetImportKey().getHpkePublicKey().toByteArray();
  }

  private EnclaveResponse importPrivy(String walletId, Curve curve, ByteString owner,
      Hpke.Sealed sealed) throws Exception {
    return call(EnclaveRequest.newBuilder().setImportKey(ImportKeyRequest.newBuilder()
        .setWalletId(walletId).setCurve(curve).setOwner(owner)
        .setEnvelope(KeyEnvelope.KEY_ENVELOPE_PRIVY)
        .setEnc(ByteString.copyFrom(sealed.enc()))
        .setCiphertext(ByteString.copyFrom(sealed.ciphertext()))));
  }

  private ImportKeyResponse imported(String walletId, Curve curve, ByteString owner,
      byte[] plaintext) throws Exception {
    EnclaveResponse r = importPrivy(walletId, curve, owner,
        PrivyEnvelope.seal(enclaveKey(), plaintext, RANDOM));
    assertEquals(EnclaveResponse.BodyCase.IMPORT_KEY, r.getBodyCase(), r.toString());
    return r.getImportKey();
  }

  private static String exportBody(byte[] recipient, String extra) {
    return "{\"encryption_type\":\"HPKE\",\"recipient_public_key\":\""
        + Base64.getEncoder().encodeToString(recipient) + "\"" + extra + "}";
  }

  private EnclaveResponse exportPrivy(WalletKey key, byte[] recipientSpki,
      RequestAuthorization authorization) throws Exception {
    return call(EnclaveRequest.newBuilder().setExportKey(ExportKeyRequest.newBuilder()
        .setKey(key).setRecipientPublicKey(ByteString.copyFrom(recipientSpki))
        .setEnvelope(KeyEnvelope.KEY_ENVELOPE_PRIVY).setAuthorization(authorization)));
  }

  private static RequestAuthorization signedExport(String walletId, String body,
      Owners.AuthKey key) {
    return Owners.signed("POST", "/v1/wallets/" + walletId + "/export", body, key);
  }

  /** Exports {@code key} in Privy's format, signed by {@code signer}, and opens it as the SDK does. */
  private String exportedText(WalletKey key, Owners.AuthKey signer) throws Exception {
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      byte[] spki = PrivyEnvelope.spkiOf(recipient.publicKey());
      EnclaveResponse r = exportPrivy(key, spki,
          signedExport(key.getWalletId(), exportBody(spki, ",\"export_seed_phrase\":false"), signer));
      assertEquals(EnclaveResponse.BodyCase.EXPORT_KEY, r.getBodyCase(), r.toString());
      byte[] text = PrivyEnvelope.open(recipient, r.getExportKey().getEnc().toByteArray(),
          r.getExportKey().getCiphertext().toByteArray());
      return new String(text, StandardCharsets.UTF_8);
    }
  }

  @Test
  void anEthereumKeyImportedAsTheSdkSealsItExportsAsTheSdkReadsIt() throws Exception {
    ImportKeyResponse imported = imported("privy-eth", Curve.SECP256K1,
        Owners.appOwned("ethereum"), ETH_KEY);
    assertEquals(ETH_ADDRESS, imported.getAddress());
    assertEquals("0x" + HEX.formatHex(ETH_KEY), exportedText(imported.getKey(), EXPORTER));
  }

  @Test
  void anOwnedWalletImportedThisWayIsExportedOnlyWithItsOwnersSignature() throws Exception {
    KeyQuorum owner = Owners.quorum("", 1, OWNER);
    WalletKey key = imported("privy-owned", Curve.SECP256K1,
        Owners.ownedBy("ethereum", owner), ETH_KEY).getKey();
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      byte[] spki = PrivyEnvelope.spkiOf(recipient.publicKey());
      String body = exportBody(spki, "");
      assertEquals(ErrorCode.AUTHORIZATION_INVALID,
          errorOf(exportPrivy(key, spki, signedExport("privy-owned", body, EXPORTER))),
          "the export quorum does not export an owned wallet");
    }
    assertEquals("0x" + HEX.formatHex(ETH_KEY), exportedText(key, OWNER));
  }

  @Test
  void aSolanaKeypairOfSeedAndPublicKeyRoundTripsAsBase58() throws Exception {
    byte[] keypair = concat(ED_SEED, ED_PUBLIC);
    WalletKey key = imported("privy-sol", Curve.ED25519, Owners.appOwned("solana"), keypair)
        .getKey();
    assertArrayEquals(ED_PUBLIC, key.getPublicKey().toByteArray());
    String text = exportedText(key, EXPORTER);
    assertEquals(Base58.encode(keypair), text);
    assertArrayEquals(keypair, Base58.decode(text, "private_key"));
    // a bare 32-byte seed imports to the same key
    assertArrayEquals(ED_PUBLIC, imported("privy-sol-seed", Curve.ED25519,
        Owners.appOwned("solana"), ED_SEED).getKey().getPublicKey().toByteArray());
  }

  @Test
  void stellarExportsItsSecretStrkeyAndBitcoinItsWif() throws Exception {
    WalletKey stellar = imported("privy-xlm", Curve.ED25519, Owners.appOwned("stellar"), ED_SEED)
        .getKey();
    String strkey = exportedText(stellar, EXPORTER);
    assertTrue(strkey.startsWith("S"), strkey);
    assertArrayEquals(ED_SEED, StrKey.decodeSeed(strkey));
    // The bitcoin wiki's WIF example key, compressed.
    byte[] btcKey = HEX.parseHex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d");
    WalletKey bitcoin = imported("privy-btc", Curve.SECP256K1, Owners.appOwned("bitcoin"), btcKey)
        .getKey();
    assertEquals("KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617",
        exportedText(bitcoin, EXPORTER));
  }

  @Test
  void importedKeysThatAreNoKeysAreRefusedAsInvalid() throws Exception {
    byte[] wrongPublicHalf = concat(ED_SEED, ED_SEED);
    EnclaveResponse r = importPrivy("bad-1", Curve.ED25519, Owners.appOwned("solana"),
        PrivyEnvelope.seal(enclaveKey(), wrongPublicHalf, RANDOM));
    assertEquals(ErrorCode.INVALID_REQUEST, errorOf(r));
    assertEquals("imported key's public half does not belong to its seed", r.getError().getDetail());
    for (byte[] bad : List.of(new byte[31], new byte[33], new byte[64], new byte[32],
        "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
            .getBytes(StandardCharsets.UTF_8))) {
      assertEquals(ErrorCode.INVALID_REQUEST, errorOf(importPrivy("bad-2", Curve.SECP256K1,
          Owners.appOwned("ethereum"), PrivyEnvelope.seal(enclaveKey(), bad, RANDOM))),
          "plaintext of " + bad.length + " bytes");
    }
  }

  @Test
  void theFormatsDoNotOpenAsEachOtherAndAnythingMalformedIsMalformedCiphertext()
      throws Exception {
    byte[] enclaveKey = enclaveKey();
    Hpke.Sealed ours = ImportEnvelope.seal(enclaveKey, "w", ETH_KEY, RANDOM);
    assertEquals(ErrorCode.MALFORMED_CIPHERTEXT,
        errorOf(importPrivy("w", Curve.SECP256K1, Owners.appOwned("ethereum"), ours)));
    Hpke.Sealed privys = PrivyEnvelope.seal(enclaveKey, ETH_KEY, RANDOM);
    EnclaveResponse asOurs = call(EnclaveRequest.newBuilder().setImportKey(
        ImportKeyRequest.newBuilder().setWalletId("w").setCurve(Curve.SECP256K1)
            .setOwner(Owners.appOwned("ethereum"))
            .setEnc(ByteString.copyFrom(privys.enc()))
            .setCiphertext(ByteString.copyFrom(privys.ciphertext()))));
    assertEquals(ErrorCode.MALFORMED_CIPHERTEXT, errorOf(asOurs));
    byte[] ct = privys.ciphertext();
    ct[ct.length - 1] ^= 1;
    assertEquals(ErrorCode.MALFORMED_CIPHERTEXT, errorOf(importPrivy("w", Curve.SECP256K1,
        Owners.appOwned("ethereum"), new Hpke.Sealed(privys.enc(), ct))));
    assertEquals(ErrorCode.MALFORMED_CIPHERTEXT, errorOf(importPrivy("w", Curve.SECP256K1,
        Owners.appOwned("ethereum"), new Hpke.Sealed(new byte[65], privys.ciphertext()))));
    assertEquals(ErrorCode.MALFORMED_CIPHERTEXT, errorOf(importPrivy("w", Curve.SECP256K1,
        Owners.appOwned("ethereum"),
        new Hpke.Sealed(Arrays.copyOf(privys.enc(), 64), privys.ciphertext()))));
    assertEquals(ErrorCode.MALFORMED_CIPHERTEXT, errorOf(importPrivy("w", Curve.SECP256K1,
        Owners.appOwned("ethereum"), new Hpke.Sealed(privys.enc(), new byte[0]))));
  }

  @Test
  void aPrivyImportNeedsAnAuthorityOfTheSameCurve() throws Exception {
    Hpke.Sealed sealed = PrivyEnvelope.seal(enclaveKey(), ETH_KEY, RANDOM);
    assertEquals(ErrorCode.INVALID_REQUEST,
        errorOf(importPrivy("w", Curve.SECP256K1, ByteString.EMPTY, sealed)));
    assertEquals(ErrorCode.INVALID_REQUEST,
        errorOf(importPrivy("w", Curve.SECP256K1, Owners.appOwned("solana"), sealed)));
  }

  @Test
  void theRecipientsFormIsTheEnvelopesAndTheSignedBodyDecidesIt() throws Exception {
    WalletKey key = imported("privy-r", Curve.SECP256K1, Owners.appOwned("ethereum"), ETH_KEY)
        .getKey();
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      byte[] raw = recipient.publicKey();
      byte[] spki = PrivyEnvelope.spkiOf(raw);
      // Privy's envelope takes SPKI only; ours the raw point only
      assertEquals(ErrorCode.INVALID_REQUEST, errorOf(exportPrivy(key, raw,
          signedExport("privy-r", exportBody(raw, ""), EXPORTER))));
      assertEquals(ErrorCode.INVALID_REQUEST, errorOf(call(EnclaveRequest.newBuilder()
          .setExportKey(ExportKeyRequest.newBuilder().setKey(key)
              .setRecipientPublicKey(ByteString.copyFrom(spki))
              .setAuthorization(signedExport("privy-r", exportBody(spki, ""), EXPORTER))))));
      // the parent cannot swap in another recipient than the signed one
      byte[] other;
      try (HpkeKeyPair attacker = HpkeKeyPair.generate(RANDOM)) {
        other = PrivyEnvelope.spkiOf(attacker.publicKey());
      }
      assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(exportPrivy(key, other,
          signedExport("privy-r", exportBody(spki, ""), EXPORTER))));
      // a signed request for a seed phrase is refused: these wallets have none
      EnclaveResponse seed = exportPrivy(key, spki,
          signedExport("privy-r", exportBody(spki, ",\"export_seed_phrase\":true"), EXPORTER));
      assertEquals(ErrorCode.INVALID_REQUEST, errorOf(seed));
      assertEquals("the wallet has no seed phrase to export", seed.getError().getDetail());
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
