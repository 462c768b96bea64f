package io.nitrosign.enclave.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.ethereum.EthTransaction;
import io.nitrosign.chains.ethereum.Keccak256;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.crypto.Secp256k1Signer;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.EthereumAuthorization;
import io.nitrosign.proto.v1.EthereumTransaction;
import io.nitrosign.proto.v1.EthereumTypedData;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The Ethereum payload signers with the published keys of each vector: the enclave's own digest
 * and its deterministic (RFC 6979, low-S) signature reproduce the published signed bytes.
 */
class EthereumSignersTest {

  private static final HexFormat HEX = HexFormat.of();

  static byte[] hex(String s) {
    return HEX.parseHex(s.startsWith("0x") ? s.substring(2) : s);
  }

  /** Signs {@code request} with {@code privateKeyHex} the way WalletOperations does. */
  static SignResponse sign(String privateKeyHex, SignRequest request) throws EnclaveException {
    PayloadSigner signer = PayloadSigners.create(new java.security.SecureRandom()).of(request);
    PayloadSigner.Prepared prepared = signer.prepare(request);
    try (SecretBytes key = new SecretBytes(hex(privateKeyHex));
        Secp256k1Signer secp = Secp256k1Signer.create(key)) {
      return prepared.sign(new UnsealedKey(key, secp));
    }
  }

  static SignRequest tx(byte[] unsigned, long expectedChainId, boolean allowPreEip155) {
    return SignRequest.newBuilder().setEthereumTransaction(EthereumTransaction.newBuilder()
        .setUnsignedTransaction(ByteString.copyFrom(unsigned)).setExpectedChainId(expectedChainId)
        .setAllowPreEip155(allowPreEip155)).build();
  }

  /** The raw signed transaction the parent assembles from the enclave's answer. */
  static String signedTx(byte[] unsigned, SignResponse r) {
    EthTransaction t = EthTransaction.decodeUnsigned(unsigned, true);
    assertArrayEquals(t.signingHash(), r.getDigest().toByteArray(), "the digest is the signing hash");
    return HEX.formatHex(t.encodeSigned(new BigInteger(1, r.getR().toByteArray()),
        new BigInteger(1, r.getS().toByteArray()), r.getRecoveryId()));
  }

  // Origin: EIP-155 "Example" (ethereum/EIPs EIPS/eip-155.md): private key 0x4646…46, nonce 9,
  // gas price 20 gwei, gas 21000, to 0x3535…35, value 1 ether, chain id 1.
  static final String EIP155_KEY = "46".repeat(32);
  static final String EIP155_UNSIGNED =
      "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";
  static final String EIP155_SIGNED =
      "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a0"
          + "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb70"
          + "3304b3800ccf555c9f3dc64214b297fb1966a3b6d83";

  @Test
  void eip155Example() throws Exception {
    SignResponse r = sign(EIP155_KEY, tx(hex(EIP155_UNSIGNED), 1, false));
    assertEquals("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53",
        HEX.formatHex(r.getDigest().toByteArray()));
    assertEquals(EIP155_SIGNED, signedTx(hex(EIP155_UNSIGNED), r));
    // expected_chain_id 0 means "no expectation"
    assertEquals(EIP155_SIGNED, signedTx(hex(EIP155_UNSIGNED),
        sign(EIP155_KEY, tx(hex(EIP155_UNSIGNED), 0, false))));
  }

  // Origin: ethereumjs/ethereumjs-monorepo packages/tx/test/eip2930.spec.ts (commit
  // 9c847d78c080007db99299f967971abe41b68162), "should sign transaction correctly and return
  // expected JSON" (data from INFURA/go-ethlibs eth/transaction_signing_test.go): private key
  // 0xfad9c885…, chain id 0x796f6c6f763378, one access-list entry.
  static final String EIP2930_KEY = "fad9c8855b740a0b7ed4c221dbad0f33a83a49cad6b3fe8d5817ac83d38b6a19";
  static final String EIP2930_UNSIGNED = "01f86287796f6c6f76337880843b9aca008262d494df0a88b2b68c673713a8ec"
      + "826003676f272e35730180f838f7940000000000000000000000000000000000001337e1a00000000000000000"
      + "000000000000000000000000000000000000000000000000";
  static final String EIP2930_SIGNED = "01f8a587796f6c6f76337880843b9aca008262d494df0a88b2b68c673713a8ec"
      + "826003676f272e35730180f838f7940000000000000000000000000000000000001337e1a00000000000000000"
      + "00000000000000000000000000000000000000000000000080a0294ac94077b35057971e6b4b06dfdf55a6fbed"
      + "819133a6c1d31e187f1bca938da00be950468ba1c25a5cb50e9f6d8aa13c8cd21f24ba909402775b262ac76d"
      + "374d";

  @Test
  void eip2930EthereumjsVector() throws Exception {
    SignResponse r = sign(EIP2930_KEY, tx(hex(EIP2930_UNSIGNED), 0x796f6c6f763378L, false));
    String signed = signedTx(hex(EIP2930_UNSIGNED), r);
    assertEquals(EIP2930_SIGNED, signed);
    assertEquals("bbd570a3c6acc9bb7da0d5c0322fe4ea2a300db80226f7df4fef39b2d6649eec",
        HEX.formatHex(EthTransaction.txHash(hex(signed))));
  }

  // Origin: ethereumjs/ethereumjs-monorepo packages/tx/test/json/eip1559.json (commit
  // 052242cc97facfc1e449afbbff8e0efa3ceea964), the vectors with nonce 819 and 353: private key
  // 0x8f2a5594…, chain id 7822, to 0x…aaaa. The published signedTransactionRLP wraps the raw
  // transaction in an RLP string header (b873/b872), left out here.
  static final String EIP1559_KEY = "8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63";
  static final String[] EIP1559_SIGNED = {
      "02f870821e8e8203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc9"
          + "80c080a0d067f2167008c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0a01d305af9fe81fd"
          + "ba43f0dfcd400ed24dcace0a7e30d4e85701dcaaf484cd079e",
      "02f86f821e8e8201618297c283021467827f5194000000000000000000000000000000000000aaaa8403b08b3380"
          + "c001a004205678f13fc1d7b10feea6513dfa76e24418b6e08097d95c6f93a3b64e536da01d45ad61bfece438"
          + "62de2cce7d2575a8c1d08c26c87f3cb5f26d7b0be54a91b2"};

  /** The unsigned payload of a signed type-2 transaction: its first 9 fields. */
  static byte[] unsignedOf1559(String signedHex) {
    byte[] signed = hex(signedHex);
    var list = com.esaulpaugh.headlong.rlp.RLPDecoder.RLP_STRICT.wrapList(signed, 1);
    var fields = list.elements(com.esaulpaugh.headlong.rlp.RLPDecoder.RLP_STRICT);
    Object[] nine = fields.subList(0, 9).stream()
        .map(f -> f.isList() ? (Object) java.util.List.of() : f.data()).toArray();
    byte[] rlp = com.esaulpaugh.headlong.rlp.RLPEncoder.list(nine);
    byte[] out = new byte[rlp.length + 1];
    out[0] = 2;
    System.arraycopy(rlp, 0, out, 1, rlp.length);
    return out;
  }

  @Test
  void eip1559EthereumjsVectors() throws Exception {
    for (String signed : EIP1559_SIGNED) {
      byte[] unsigned = unsignedOf1559(signed);
      assertEquals(signed, signedTx(unsigned, sign(EIP1559_KEY, tx(unsigned, 7822, false))));
    }
  }

  // Origin: EIP-712 (ethereum/EIPs EIPS/eip-712.md, assets/eip-712/Example.js): the Mail example
  // signed with keccak256("cow"): v 28, r 0x4355c47d…, s 0x07299936….
  static final String MAIL_JSON = "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},"
      + "{\"name\":\"version\",\"type\":\"string\"},{\"name\":\"chainId\",\"type\":\"uint256\"},"
      + "{\"name\":\"verifyingContract\",\"type\":\"address\"}],\"Person\":[{\"name\":\"name\","
      + "\"type\":\"string\"},{\"name\":\"wallet\",\"type\":\"address\"}],\"Mail\":[{\"name\":\"from\","
      + "\"type\":\"Person\"},{\"name\":\"to\",\"type\":\"Person\"},{\"name\":\"contents\",\"type\":"
      + "\"string\"}]},\"primaryType\":\"Mail\",\"domain\":{\"name\":\"Ether Mail\",\"version\":\"1\","
      + "\"chainId\":1,\"verifyingContract\":\"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"},"
      + "\"message\":{\"from\":{\"name\":\"Cow\",\"wallet\":\"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"},"
      + "\"to\":{\"name\":\"Bob\",\"wallet\":\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"},"
      + "\"contents\":\"Hello, Bob!\"}}";

  static SignRequest typedData(String json) {
    return SignRequest.newBuilder().setEthereumTypedData(EthereumTypedData.newBuilder()
        .setJson(ByteString.copyFrom(json, StandardCharsets.UTF_8))).build();
  }

  @Test
  void eip712MailExample() throws Exception {
    String cow = HEX.formatHex(Keccak256.hash("cow".getBytes(StandardCharsets.US_ASCII)));
    SignResponse r = sign(cow, typedData(MAIL_JSON));
    assertEquals("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2",
        HEX.formatHex(r.getDigest().toByteArray()));
    assertEquals("4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d",
        HEX.formatHex(r.getR().toByteArray()));
    assertEquals("07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562",
        HEX.formatHex(r.getS().toByteArray()));
    assertEquals(1, r.getRecoveryId(), "v = 28");
  }

  // Origin: trustwallet/wallet-core rust/tw_evm/tests/eip7702.rs (commit
  // bda7c1e7ad61802a6442e53fee7617d554169ddd), test_sign_authorization ("Verified with viem"):
  // chain 1, contract 0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1, nonce 1, private key 0x947dd69a….
  @Test
  void eip7702WalletCoreVector() throws Exception {
    SignRequest request = SignRequest.newBuilder().setEthereumAuthorization(
        EthereumAuthorization.newBuilder().setChainId(ByteString.copyFrom(new byte[] {1}))
            .setAddress(ByteString.copyFrom(hex("B91aaa96B138A1B1D94c9df4628187132c5F2bf1")))
            .setNonce(ByteString.copyFrom(new byte[] {1}))).build();
    SignResponse r = sign("947dd69af402e7f48da1b845dfc1df6be593d01a0d8274bd03ec56712e7164e8", request);
    assertEquals("3ae543b2fa103a39a6985d964a67caed05f6b9bb2430ad6d498cda743fe911d9",
        HEX.formatHex(r.getDigest().toByteArray()));
    assertEquals("2c39f2f64441dd38c364ee175dc6b9a87f34ca330bce968f6c8e22811e3bb710",
        HEX.formatHex(r.getR().toByteArray()));
    assertEquals("5f1bcde93dee4b214e60bc0e63babcc13e4fecb8a23c4098fd89844762aa012c",
        HEX.formatHex(r.getS().toByteArray()));
    assertEquals(1, r.getRecoveryId());
  }

  // ------------------------------------------------------------------ refusals (nothing signed)

  private static ChainFormatException refused(SignRequest request) {
    return assertThrows(ChainFormatException.class, () -> PayloadSigners.create(new java.security.SecureRandom()).of(request).prepare(request));
  }

  @Test
  void transactionsThatDoNotDecodeOrDoNotFitAreRefusedBeforeSigning() {
    byte[] ok = hex(EIP155_UNSIGNED);
    for (int len = 0; len < ok.length; len++) {
      refused(tx(Arrays.copyOf(ok, len), 0, false));
    }
    assertEquals("tx", refused(tx(Arrays.copyOf(ok, ok.length + 1), 0, false)).field());
    assertEquals("tx.chainId", refused(tx(ok, 5, false)).field());
    assertEquals("tx.type", refused(tx(new byte[] {0x05, (byte) 0xc0}, 0, false)).field());
    // pre-EIP-155 (six fields): refused unless allowed, and never when a chain is expected
    byte[] pre = hex("e9098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080");
    assertEquals("tx.chainId", refused(tx(pre, 0, false)).field());
    assertEquals("tx.chainId", refused(tx(pre, 1, true)).field());
  }

  @Test
  void preEip155IsSignedWhenAllowed() throws Exception {
    byte[] pre = hex("e9098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080");
    SignResponse r = sign(EIP155_KEY, tx(pre, 0, true));
    assertArrayEquals(Keccak256.hash(pre), r.getDigest().toByteArray());
    String signed = signedTx(pre, r);
    int v = Integer.parseInt(signed.substring(signed.length() - 134, signed.length() - 132), 16);
    assertEquals(27 + r.getRecoveryId(), v);
  }

  @Test
  void typedDataThatIsNotStrictOrTooBigIsRefused() {
    assertEquals("typedData", refused(typedData(MAIL_JSON + " {}")).field());
    assertEquals("typedData", refused(typedData(
        MAIL_JSON.replace("\"contents\":\"Hello, Bob!\"", "\"contents\":\"Hello, Bob!\",\"contents\":\"x\""))).field());
    assertEquals("typedData", refused(typedData("{\"types\":" + " ".repeat(256 * 1024) + "{}}")).field());
    assertEquals("typedData.message.to", refused(typedData(MAIL_JSON.replace(",\"to\":{\"name\":\"Bob\","
        + "\"wallet\":\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"}", ",\"to\":\"Bob\""))).field());
  }

  @Test
  void authorizationsMustBeMinimalAndInRange() {
    EthereumAuthorization.Builder ok = EthereumAuthorization.newBuilder()
        .setChainId(ByteString.copyFrom(new byte[] {1}))
        .setAddress(ByteString.copyFrom(new byte[20]))
        .setNonce(ByteString.copyFrom(new byte[] {1}));
    SignRequest.Builder r = SignRequest.newBuilder();
    assertEquals("authorization.nonce", refused(r.setEthereumAuthorization(
        ok.clone().setNonce(ByteString.copyFrom(new byte[] {0, 1}))).build()).field());
    assertEquals("authorization.nonce", refused(r.setEthereumAuthorization(
        ok.clone().setNonce(ByteString.copyFrom(hex("ffffffffffffffff")))).build()).field());
    assertEquals("authorization.nonce", refused(r.setEthereumAuthorization(
        ok.clone().setNonce(ByteString.copyFrom(new byte[9]))).build()).field());
    assertEquals("authorization.chainId", refused(r.setEthereumAuthorization(
        ok.clone().setChainId(ByteString.copyFrom(new byte[33]))).build()).field());
    assertEquals("authorization.chainId", refused(r.setEthereumAuthorization(
        ok.clone().setChainId(ByteString.copyFrom(new byte[] {0}))).build()).field());
    assertEquals("authorization.address", refused(r.setEthereumAuthorization(
        ok.clone().setAddress(ByteString.copyFrom(new byte[19]))).build()).field());
  }
}
