package io.nitrosign.enclave.service;

import static io.nitrosign.enclave.service.Ed25519Vectors.HEX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.solana.Base58;
import io.nitrosign.chains.stellar.StellarEnvelope;
import io.nitrosign.chains.stellar.StrKey;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.nsm.TestOnlyNsmDevice;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.hpke.Hpke;
import io.nitrosign.hpke.ImportEnvelope;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GetImportKeyRequest;
import io.nitrosign.proto.v1.ImportKeyRequest;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.SolanaMessage;
import io.nitrosign.proto.v1.SolanaTransaction;
import io.nitrosign.proto.v1.StellarTransaction;
import io.nitrosign.proto.v1.WalletKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ed25519 payloads (solana_transaction, solana_message, stellar_transaction, raw_message)
 * through the enclave's dispatcher: known seeds imported over HPKE, then the published vectors
 * signed and compared byte for byte; bad payloads refused with MALFORMED_PAYLOAD.
 */
class Ed25519PayloadSignersTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  @TempDir static Path keyDir;
  private static EnclaveService service;
  private static int walletCounter;

  @BeforeAll
  static void up() throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    service = new EnclaveService(
        EnclaveService.Options.of(sm, RANDOM, "test").withNsm(TestOnlyNsmDevice.working()));
    sm.transitionTo(EnclaveState.SEALED);
    service.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM));
  }

  @AfterAll
  static void down() {
    service.close();
  }

  private static EnclaveResponse call(EnclaveRequest.Builder request) {
    return service.handle(request.setRequestId(7).build()).join();
  }

  /** Imports a 32-byte Ed25519 seed as a new wallet. */
  private static WalletKey importSeed(byte[] seed) throws Exception {
    String walletId = "ed-" + (++walletCounter);
    byte[] enclaveKey = call(EnclaveRequest.newBuilder().setGetImportKey(
        GetImportKeyRequest.newBuilder().setNonce(ByteString.copyFrom(new byte[] {1}))))
        .getGetImportKey().getHpkePublicKey().toByteArray();
    Hpke.Sealed sealed = ImportEnvelope.seal(enclaveKey, walletId, seed, RANDOM);
    EnclaveResponse r = call(EnclaveRequest.newBuilder().setImportKey(ImportKeyRequest.newBuilder()
        .setWalletId(walletId).setCurve(Curve.ED25519)
        .setEnc(ByteString.copyFrom(sealed.enc()))
        .setCiphertext(ByteString.copyFrom(sealed.ciphertext()))));
    assertEquals(EnclaveResponse.BodyCase.IMPORT_KEY, r.getBodyCase(), r.toString());
    return r.getImportKey().getKey();
  }

  private static EnclaveResponse sign(WalletKey key, java.util.function.Consumer<SignRequest.Builder> payload) {
    SignRequest.Builder b = SignRequest.newBuilder().setKey(key);
    payload.accept(b);
    return call(EnclaveRequest.newBuilder().setSign(b));
  }

  private static SignResponse signed(EnclaveResponse r) {
    assertEquals(EnclaveResponse.BodyCase.SIGN, r.getBodyCase(), r.toString());
    return r.getSign();
  }

  private static void assertMalformed(EnclaveResponse r, String detailPart) {
    assertEquals(EnclaveResponse.BodyCase.ERROR, r.getBodyCase(), r.toString());
    assertEquals(ErrorCode.MALFORMED_PAYLOAD, r.getError().getCode(), r.toString());
    assertTrue(r.getError().getDetail().contains(detailPart), r.getError().getDetail());
  }

  private static EnclaveResponse solanaTx(WalletKey key, byte[] message) {
    return sign(key, b -> b.setSolanaTransaction(
        SolanaTransaction.newBuilder().setMessage(ByteString.copyFrom(message))));
  }

  private static EnclaveResponse stellar(WalletKey key, byte[] xdr, String passphrase) {
    return sign(key, b -> b.setStellarTransaction(StellarTransaction.newBuilder()
        .setEnvelopeXdr(ByteString.copyFrom(xdr)).setNetworkPassphrase(passphrase)));
  }

  // ------------------------------------------------------------------------------------ raw

  @Test
  void rawMessageReproducesRfc8032Tests1To3() throws Exception {
    for (String[] v : Ed25519Vectors.RFC8032) {
      WalletKey key = importSeed(HEX.parseHex(v[0]));
      assertEquals(v[1], HEX.formatHex(key.getPublicKey().toByteArray()));
      SignResponse r = signed(sign(key, b -> b.setRawMessage(ByteString.copyFrom(HEX.parseHex(v[2])))));
      assertEquals(v[3], HEX.formatHex(r.getSignature().toByteArray()));
      assertTrue(r.getDigest().isEmpty());
    }
  }

  // --------------------------------------------------------------------------------- solana

  @Test
  void solanaLegacyTransferReproducesWalletCoresSignRawMessage() throws Exception {
    WalletKey key = importSeed(Ed25519Vectors.WC_RAW_KEY);
    assertEquals(Ed25519Vectors.WC_RAW_ADDRESS, Base58.encode(key.getPublicKey().toByteArray()));
    SignResponse r = signed(solanaTx(key, Ed25519Vectors.WC_RAW_MESSAGE));
    assertArrayEquals(Ed25519Vectors.solanaSignature(Ed25519Vectors.WC_RAW_SIGNED_TX, 0),
        r.getSignature().toByteArray());
  }

  @Test
  void solanaV0TransferReproducesTheBroadcastTestnetTransaction() throws Exception {
    WalletKey key = importSeed(Ed25519Vectors.WC_V0_KEY);
    assertEquals(Ed25519Vectors.WC_V0_ADDRESS, Base58.encode(key.getPublicKey().toByteArray()));
    byte[] message = Ed25519Vectors.solanaMessage(Ed25519Vectors.WC_V0_SIGNED_TX);
    assertEquals((byte) 0x80, message[0], "a v0 message");
    SignResponse r = signed(solanaTx(key, message));
    assertArrayEquals(Ed25519Vectors.solanaSignature(Ed25519Vectors.WC_V0_SIGNED_TX, 0),
        r.getSignature().toByteArray());
  }

  @Test
  void solanaTokenTransferCheckedReproducesTheMainnetTransaction() throws Exception {
    WalletKey key = importSeed(Ed25519Vectors.WC_TOKEN_KEY);
    assertEquals(Ed25519Vectors.WC_TOKEN_ADDRESS, Base58.encode(key.getPublicKey().toByteArray()));
    SignResponse r = signed(solanaTx(key, Ed25519Vectors.solanaMessage(Ed25519Vectors.WC_TOKEN_SIGNED_TX)));
    assertEquals("3vZ67CGoRYkuT76TtpP2VrtTPBfnvG2xj6mUTvvux46qbnpThgQDgm27nC3yQVUZrABFjT9Qo7vA74tCjtV5P9Xg",
        Base58.encode(r.getSignature().toByteArray()));
  }

  @Test
  void solanaTransactionOfAnotherSignerIsRefusedBeforeAnythingIsSigned() throws Exception {
    WalletKey key = importSeed(HEX.parseHex(Ed25519Vectors.RFC8032[1][0]));
    assertMalformed(solanaTx(key, Ed25519Vectors.WC_RAW_MESSAGE), "not one of the message's required signers");
  }

  @Test
  void solanaMalformedMessagesAreRefused() throws Exception {
    WalletKey key = importSeed(Ed25519Vectors.WC_RAW_KEY);
    byte[] m = Ed25519Vectors.WC_RAW_MESSAGE;
    assertMalformed(solanaTx(key, Arrays.copyOf(m, m.length - 1)), "instructions[0].data");
    assertMalformed(solanaTx(key, Arrays.copyOf(m, m.length + 1)), "message");
    assertMalformed(solanaTx(key, new byte[0]), "message.version");
    // the whole transaction (signatures first) is not a message
    assertMalformed(solanaTx(key, Ed25519Vectors.unsignedSolana(Ed25519Vectors.WC_RAW_SIGNED_TX)), "malformed");
    // a System transfer whose data is one byte short of its u64 lamports
    byte[] badTransfer = m.clone();
    badTransfer[badTransfer.length - 13] = 11; // data length 12 -> 11
    assertMalformed(solanaTx(key, Arrays.copyOf(badTransfer, badTransfer.length - 1)),
        "instructions[0].data.lamports");
  }

  @Test
  void solanaSignMessageReproducesWalletCoresMessageSigner() throws Exception {
    WalletKey key = importSeed(Ed25519Vectors.WC_MESSAGE_KEY);
    assertEquals(Ed25519Vectors.WC_MESSAGE_PUBLIC_KEY, HEX.formatHex(key.getPublicKey().toByteArray()));
    SignResponse r = signed(sign(key, b -> b.setSolanaMessage(SolanaMessage.newBuilder()
        .setMessage(ByteString.copyFrom("Hello world", StandardCharsets.UTF_8)))));
    assertArrayEquals(Ed25519Vectors.WC_MESSAGE_SIGNATURE, r.getSignature().toByteArray());
  }

  @Test
  void solanaSignMessageRefusesTransactionsAndMessages() throws Exception {
    WalletKey key = importSeed(Ed25519Vectors.WC_RAW_KEY);
    for (byte[] bytes : new byte[][] {Ed25519Vectors.WC_RAW_MESSAGE,
        Ed25519Vectors.unsignedSolana(Ed25519Vectors.WC_RAW_SIGNED_TX),
        Ed25519Vectors.solanaMessage(Ed25519Vectors.WC_V0_SIGNED_TX), new byte[0]}) {
      assertMalformed(sign(key, b -> b.setSolanaMessage(SolanaMessage.newBuilder()
          .setMessage(ByteString.copyFrom(bytes)))), "message");
    }
  }

  @Test
  void solanaPayloadsNeedAnEd25519Wallet() throws Exception {
    // a secp256k1 wallet (the web3.js documentation's key) asked for a Solana signature
    byte[] enclaveKey = call(EnclaveRequest.newBuilder().setGetImportKey(
        GetImportKeyRequest.newBuilder().setNonce(ByteString.copyFrom(new byte[] {2}))))
        .getGetImportKey().getHpkePublicKey().toByteArray();
    Hpke.Sealed sealed = ImportEnvelope.seal(enclaveKey, "secp-1", HEX.parseHex(
        "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"), RANDOM);
    WalletKey secp = call(EnclaveRequest.newBuilder().setImportKey(ImportKeyRequest.newBuilder()
        .setWalletId("secp-1").setCurve(Curve.SECP256K1).setEnc(ByteString.copyFrom(sealed.enc()))
        .setCiphertext(ByteString.copyFrom(sealed.ciphertext())))).getImportKey().getKey();
    EnclaveResponse r = solanaTx(secp, Ed25519Vectors.WC_RAW_MESSAGE);
    assertEquals(ErrorCode.INVALID_REQUEST, r.getError().getCode(), r.toString());
  }

  // -------------------------------------------------------------------------------- stellar

  @Test
  void stellarV1AndFeeBumpReproducePyStellarBasesSignatures() throws Exception {
    StellarEnvelope published = StellarEnvelope.decode(Ed25519Vectors.PY_FEE_BUMP);

    // the inner v1 envelope, unsigned, signed by its source
    byte[] innerUnsigned = Ed25519Vectors.stellarWithoutLastSignatures(published.innerEnvelope().toXdr(), 1);
    WalletKey inner = importSeed(Ed25519Vectors.PY_INNER_SEED);
    SignResponse r1 = signed(stellar(inner, innerUnsigned, StellarEnvelope.TESTNET_PASSPHRASE));
    assertArrayEquals(published.innerEnvelope().hash(StellarEnvelope.TESTNET_PASSPHRASE),
        r1.getDigest().toByteArray());
    assertArrayEquals(published.innerEnvelope().signatures().get(0).signature(),
        r1.getSignature().toByteArray());

    // the fee bump, outer signature removed, signed by its fee source
    byte[] feeBumpUnsigned = Ed25519Vectors.stellarWithoutLastSignatures(Ed25519Vectors.PY_FEE_BUMP, 1);
    WalletKey feeSource = importSeed(Ed25519Vectors.PY_FEE_SOURCE_SEED);
    assertEquals(published.feeSource().accountId(),
        StrKey.encodeAccountId(feeSource.getPublicKey().toByteArray()));
    SignResponse r2 = signed(stellar(feeSource, feeBumpUnsigned, StellarEnvelope.TESTNET_PASSPHRASE));
    assertArrayEquals(published.hash(StellarEnvelope.TESTNET_PASSPHRASE), r2.getDigest().toByteArray());
    assertArrayEquals(published.signatures().get(0).signature(), r2.getSignature().toByteArray());

    // the same envelope on the public network: another hash, another signature
    SignResponse r3 = signed(stellar(feeSource, feeBumpUnsigned, StellarEnvelope.PUBLIC_PASSPHRASE));
    assertArrayEquals(published.hash(StellarEnvelope.PUBLIC_PASSPHRASE), r3.getDigest().toByteArray());
    assertTrue(!Arrays.equals(r2.getSignature().toByteArray(), r3.getSignature().toByteArray()));
  }

  @Test
  void stellarRefusesWalletsTheEnvelopeDoesNotNeed() throws Exception {
    WalletKey inner = importSeed(Ed25519Vectors.PY_INNER_SEED);
    // the inner source is not the fee source: a fee-bump signature of it would be useless
    assertMalformed(stellar(inner, Ed25519Vectors.stellarWithoutLastSignatures(Ed25519Vectors.PY_FEE_BUMP, 1),
        StellarEnvelope.TESTNET_PASSPHRASE), "feeBump.tx.feeSource");
    // an unrelated key on the v1 transaction
    WalletKey other = importSeed(HEX.parseHex(Ed25519Vectors.RFC8032[2][0]));
    byte[] innerUnsigned = Ed25519Vectors.stellarWithoutLastSignatures(
        StellarEnvelope.decode(Ed25519Vectors.PY_FEE_BUMP).innerEnvelope().toXdr(), 1);
    assertMalformed(stellar(other, innerUnsigned, StellarEnvelope.TESTNET_PASSPHRASE), "tx.sourceAccount");
  }

  @Test
  void stellarRefusesMalformedEnvelopesAndPassphrases() throws Exception {
    WalletKey feeSource = importSeed(Ed25519Vectors.PY_FEE_SOURCE_SEED);
    byte[] xdr = Ed25519Vectors.stellarWithoutLastSignatures(Ed25519Vectors.PY_FEE_BUMP, 1);
    assertMalformed(stellar(feeSource, xdr, ""), "network_passphrase");
    assertMalformed(stellar(feeSource, xdr, "x".repeat(257)), "network_passphrase");
    assertMalformed(stellar(feeSource, xdr, "Test SDF Network\n; September 2015"), "network_passphrase");
    assertMalformed(stellar(feeSource, Arrays.copyOf(xdr, xdr.length - 1), StellarEnvelope.TESTNET_PASSPHRASE),
        "malformed");
    assertMalformed(stellar(feeSource, Arrays.copyOf(xdr, xdr.length + 4), StellarEnvelope.TESTNET_PASSPHRASE),
        "envelope");
    byte[] unknownType = xdr.clone();
    unknownType[3] = 9;
    assertMalformed(stellar(feeSource, unknownType, StellarEnvelope.TESTNET_PASSPHRASE), "envelope.type");
  }
}
