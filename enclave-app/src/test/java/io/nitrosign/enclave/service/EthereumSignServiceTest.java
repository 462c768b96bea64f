package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.ethereum.EthTransaction;
import io.nitrosign.chains.ethereum.TypedDataJson;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.crypto.Secp256k1Recovery;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.EthereumAuthorization;
import io.nitrosign.proto.v1.EthereumTransaction;
import io.nitrosign.proto.v1.EthereumTypedData;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.WalletKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Ethereum payloads through the enclave's dispatcher, with a wallet the enclave generated. */
class EthereumSignServiceTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  private static final byte[] EIP155_UNSIGNED = HexFormat.of().parseHex(
      "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080");

  @TempDir Path keyDir;
  private EnclaveService service;
  private WalletKey key;

  @BeforeEach
  void ready() throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    service = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test"));
    sm.transitionTo(EnclaveState.SEALED);
    service.unseal(LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM));
    EnclaveResponse r = service.handle(EnclaveRequest.newBuilder().setRequestId(1)
        .setGenerateKey(GenerateKeyRequest.newBuilder().setWalletId("eth-1").setCurve(Curve.SECP256K1))
        .build()).join();
    key = r.getGenerateKey().getKey();
  }

  @AfterEach
  void close() {
    service.close();
  }

  private EnclaveResponse sign(WalletKey k, SignRequest.Builder payload) {
    return service.handle(EnclaveRequest.newBuilder().setRequestId(2)
        .setSign(payload.setKey(k)).build()).join();
  }

  private static SignRequest.Builder tx(byte[] unsigned, long expectedChainId) {
    return SignRequest.newBuilder().setEthereumTransaction(EthereumTransaction.newBuilder()
        .setUnsignedTransaction(ByteString.copyFrom(unsigned)).setExpectedChainId(expectedChainId));
  }

  private void assertSignedByTheWallet(SignResponse s, byte[] expectedDigest) {
    assertArrayEquals(expectedDigest, s.getDigest().toByteArray());
    assertArrayEquals(key.getPublicKey().toByteArray(), Secp256k1Recovery.recoverPublicKey(
        expectedDigest, s.getR().toByteArray(), s.getS().toByteArray(), s.getRecoveryId()));
  }

  @Test
  void signsEveryEthereumPayloadWithTheWalletsKey() {
    EnclaveResponse t = sign(key, tx(EIP155_UNSIGNED, 1));
    assertEquals(EnclaveResponse.BodyCase.SIGN, t.getBodyCase(), t.toString());
    assertSignedByTheWallet(t.getSign(), EthTransaction.decodeUnsigned(EIP155_UNSIGNED, false).signingHash());

    byte[] typed = ("{\"types\":{\"EIP712Domain\":[{\"name\":\"chainId\",\"type\":\"uint256\"}],"
        + "\"T\":[{\"name\":\"v\",\"type\":\"string\"}]},\"primary_type\":\"T\",\"domain\":{\"chainId\":1},"
        + "\"message\":{\"v\":\"hi\"}}").getBytes(StandardCharsets.UTF_8);
    EnclaveResponse d = sign(key, SignRequest.newBuilder().setEthereumTypedData(
        EthereumTypedData.newBuilder().setJson(ByteString.copyFrom(typed))));
    assertEquals(EnclaveResponse.BodyCase.SIGN, d.getBodyCase(), d.toString());
    assertSignedByTheWallet(d.getSign(), TypedDataJson.hash(typed).digest());

    EnclaveResponse a = sign(key, SignRequest.newBuilder().setEthereumAuthorization(
        EthereumAuthorization.newBuilder().setAddress(ByteString.copyFrom(new byte[20]))));
    assertEquals(EnclaveResponse.BodyCase.SIGN, a.getBodyCase(), a.toString());
    assertEquals(32, a.getSign().getDigest().size());
  }

  @Test
  void malformedPayloadsAreRefusedWithTheFieldNamed() {
    EnclaveResponse truncated = sign(key, tx(java.util.Arrays.copyOf(EIP155_UNSIGNED, 20), 0));
    assertEquals(ErrorCode.MALFORMED_PAYLOAD, truncated.getError().getCode());
    assertTrue(truncated.getError().getDetail().startsWith("malformed tx"), truncated.getError().getDetail());
    EnclaveResponse wrongChain = sign(key, tx(EIP155_UNSIGNED, 5));
    assertEquals(ErrorCode.MALFORMED_PAYLOAD, wrongChain.getError().getCode());
    assertEquals("malformed tx.chainId: transaction is for chain 1, expected 5",
        wrongChain.getError().getDetail());
    EnclaveResponse badJson = sign(key, SignRequest.newBuilder().setEthereumTypedData(
        EthereumTypedData.newBuilder().setJson(ByteString.copyFromUtf8("{\"a\":1,\"a\":1}"))));
    assertEquals(ErrorCode.MALFORMED_PAYLOAD, badJson.getError().getCode());
  }

  @Test
  void aPayloadThatDoesNotDecodeIsRefusedBeforeAnythingIsUnsealed() {
    // Shares that would fail authentication: were they opened first, the answer would be
    // SEAL_INTEGRITY. MALFORMED_PAYLOAD shows the payload was refused before any unsealing.
    byte[] ct = key.getExecShare().getCiphertext().toByteArray();
    ct[0] ^= 1;
    WalletKey tampered = key.toBuilder().setExecShare(key.getExecShare().toBuilder()
        .setCiphertext(ByteString.copyFrom(ct))).build();
    assertEquals(ErrorCode.SEAL_INTEGRITY, sign(tampered, tx(EIP155_UNSIGNED, 1)).getError().getCode());
    assertEquals(ErrorCode.MALFORMED_PAYLOAD,
        sign(tampered, tx(new byte[] {0x05, (byte) 0xc0}, 0)).getError().getCode());
  }
}
