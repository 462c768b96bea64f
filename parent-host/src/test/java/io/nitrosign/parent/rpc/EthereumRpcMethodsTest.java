package io.nitrosign.parent.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.ethereum.EthereumAddress;
import io.nitrosign.chains.ethereum.Keccak256;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.asymmetric.ECDomainParametersIndex;
import org.bouncycastle.crypto.fips.FipsEC;
import org.junit.jupiter.api.Test;

/**
 * The Ethereum methods' parent side: params in Privy's shapes, the payload sent to the enclave,
 * the parent's own check of the answer, and the response assembled from the published signature
 * of each vector (standing in for the enclave's answer, which the enclave tests reproduce).
 */
class EthereumRpcMethodsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  static Wallet wallet(String privateKeyHex) {
    byte[] pub = ECDomainParametersIndex.lookupDomainParameters(FipsEC.DomainParameterID.secp256k1)
        .getG().multiply(new BigInteger(privateKeyHex, 16)).normalize().getEncoded(false);
    return new Wallet("w1", "app", "ethereum", Wallet.CURVE_SECP256K1, pub,
        EthereumAddress.fromPublicKey(pub), new byte[0], 1, Instant.EPOCH);
  }

  static ObjectNode params(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  static SignResponse answer(byte[] digest, String r, String s, int recoveryId) {
    return SignResponse.newBuilder().setDigest(ByteString.copyFrom(digest))
        .setR(ByteString.copyFrom(HEX.parseHex(r))).setS(ByteString.copyFrom(HEX.parseHex(s)))
        .setRecoveryId(recoveryId).build();
  }

  static SignRequest payloadOf(RpcMethod.Prepared p) {
    SignRequest.Builder b = SignRequest.newBuilder();
    p.payload(b);
    return b.build();
  }

  static RpcMethod method(String name) {
    return RpcMethods.of(name, ChainType.ETHEREUM);
  }

  // ------------------------------------------------------------------ eth_signTransaction

  // Origin: EIP-155 "Example" (ethereum/EIPs EIPS/eip-155.md): key 0x4646…46, nonce 9, 20 gwei,
  // 21000 gas, to 0x3535…35, 1 ether, chain 1; the EIP's signature (v 37).
  static final String EIP155_KEY = "46".repeat(32);
  static final String EIP155_UNSIGNED =
      "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";
  static final String EIP155_DIGEST = "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53";
  static final String EIP155_R = "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276";
  static final String EIP155_S = "67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
  static final String EIP155_SIGNED = "0xf86c098504a817c800825208943535353535353535353535353535353535353535"
      + "880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067"
      + "cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
  static final String EIP155_JSON = "{\"transaction\":{\"chain_id\":1,\"nonce\":9,"
      + "\"gas_price\":\"20000000000\",\"gas_limit\":21000,\"to\":\"0x3535353535353535353535353535353535353535\","
      + "\"value\":\"0xde0b6b3a7640000\",\"data\":\"0x\"}}";

  @Test
  void eip155ExampleAsPrivyJsonFields() throws Exception {
    Wallet w = wallet(EIP155_KEY);
    RpcMethod m = method("eth_signTransaction");
    assertTrue(m.attestable());
    RpcMethod.Prepared p = m.prepare(params(EIP155_JSON), w, "eip155:1");
    SignRequest sent = payloadOf(p);
    assertEquals(EIP155_UNSIGNED, HEX.formatHex(sent.getEthereumTransaction().getUnsignedTransaction().toByteArray()));
    assertEquals(1, sent.getEthereumTransaction().getExpectedChainId());
    assertEquals(false, sent.getEthereumTransaction().getAllowPreEip155());
    Map<String, Object> d = p.decoded().audit();
    assertEquals("json", d.get("format"));
    assertEquals(0, d.get("type"));
    assertEquals(1L, d.get("chain_id"));
    assertEquals("9", d.get("nonce"));
    assertEquals("0x3535353535353535353535353535353535353535", d.get("to"));
    assertEquals("1000000000000000000", d.get("value"));
    assertEquals("21000", d.get("gas_limit"));
    assertEquals("20000000000", d.get("gas_price"));
    assertEquals(0, d.get("data_length"));

    Map<String, Object> data = p.result(answer(HEX.parseHex(EIP155_DIGEST), EIP155_R, EIP155_S, 0));
    assertEquals(EIP155_SIGNED, data.get("signed_transaction"));
    assertEquals("rlp", data.get("encoding"));
    assertEquals("0x" + HEX.formatHex(Keccak256.hash(HEX.parseHex(EIP155_SIGNED.substring(2)))), data.get("hash"));
    assertEquals("0x" + EIP155_DIGEST, p.decoded().audit().get("digest"));
    assertEquals(data.get("hash"), p.decoded().audit().get("tx_hash"));
  }

  @Test
  void eip155ExampleAsUnsignedRlpHex() throws Exception {
    RpcMethod.Prepared p = method("eth_signTransaction").prepare(
        params("{\"transaction\":\"0x" + EIP155_UNSIGNED + "\"}"), wallet(EIP155_KEY), null);
    assertEquals("rlp", p.decoded().audit().get("format"));
    assertEquals(0, payloadOf(p).getEthereumTransaction().getExpectedChainId());
    assertEquals(EIP155_SIGNED, p.result(answer(HEX.parseHex(EIP155_DIGEST), EIP155_R, EIP155_S, 0))
        .get("signed_transaction"));
  }

  // Origin: ethereumjs/ethereumjs-monorepo packages/tx/test/eip2930.spec.ts (commit
  // 9c847d78c080007db99299f967971abe41b68162), "should sign transaction correctly and return
  // expected JSON" (from INFURA/go-ethlibs): key 0xfad9c885…, chain 0x796f6c6f763378.
  @Test
  void eip2930EthereumjsVectorAsCamelCaseJson() throws Exception {
    String json = "{\"transaction\":{\"type\":\"0x1\",\"chainId\":\"0x796f6c6f763378\",\"nonce\":\"0x0\","
        + "\"gasPrice\":\"0x3b9aca00\",\"gas\":\"0x62d4\",\"to\":\"0xdf0a88b2b68c673713a8ec826003676f272e3573\","
        + "\"value\":\"0x1\",\"data\":\"0x\",\"accessList\":[{\"address\":\"0x0000000000000000000000000000000000001337\","
        + "\"storageKeys\":[\"0x0000000000000000000000000000000000000000000000000000000000000000\"]}]}}";
    Wallet w = wallet("fad9c8855b740a0b7ed4c221dbad0f33a83a49cad6b3fe8d5817ac83d38b6a19");
    RpcMethod.Prepared p = method("eth_signTransaction").prepare(params(json), w, null);
    assertEquals(1, p.decoded().audit().get("type"));
    assertEquals(1, p.decoded().audit().get("access_list_entries"));
    byte[] digest = Keccak256.hash(payloadOf(p).getEthereumTransaction().getUnsignedTransaction().toByteArray());
    Map<String, Object> data = p.result(answer(digest,
        "294ac94077b35057971e6b4b06dfdf55a6fbed819133a6c1d31e187f1bca938d",
        "0be950468ba1c25a5cb50e9f6d8aa13c8cd21f24ba909402775b262ac76d374d", 0));
    assertEquals("0x01f8a587796f6c6f76337880843b9aca008262d494df0a88b2b68c673713a8ec826003676f272e35"
        + "730180f838f7940000000000000000000000000000000000001337e1a000000000000000000000000000000000"
        + "0000000000000000000000000000000080a0294ac94077b35057971e6b4b06dfdf55a6fbed819133a6c1d31e187f"
        + "1bca938da00be950468ba1c25a5cb50e9f6d8aa13c8cd21f24ba909402775b262ac76d374d",
        data.get("signed_transaction"));
    assertEquals("0xbbd570a3c6acc9bb7da0d5c0322fe4ea2a300db80226f7df4fef39b2d6649eec", data.get("hash"));
  }

  @Test
  void theEnclavesAnswerIsCheckedBeforeAnythingIsReleased() throws Exception {
    RpcMethod.Prepared p = method("eth_signTransaction").prepare(params(EIP155_JSON), wallet(EIP155_KEY), null);
    // a valid signature by the right key, but of another digest
    byte[] other = HEX.parseHex(EIP155_DIGEST);
    other[0] ^= 1;
    assertThrows(EnclaveCallException.class, () -> p.result(answer(other, EIP155_R, EIP155_S, 0)));
    // the right digest, the wrong recovery id
    assertThrows(EnclaveCallException.class,
        () -> p.result(answer(HEX.parseHex(EIP155_DIGEST), EIP155_R, EIP155_S, 1)));
    // another wallet's key
    RpcMethod.Prepared q = method("eth_signTransaction").prepare(params(EIP155_JSON), wallet("47".repeat(32)), null);
    assertThrows(EnclaveCallException.class,
        () -> q.result(answer(HEX.parseHex(EIP155_DIGEST), EIP155_R, EIP155_S, 0)));
  }

  private static ApiException invalid(String method, String params, String caip2) {
    ApiException e = assertThrows(ApiException.class,
        () -> method(method).prepare(params(params), wallet(EIP155_KEY), caip2));
    assertEquals(400, e.status());
    assertEquals("invalid_request", e.code());
    return e;
  }

  private static String malformed(String method, String params, String caip2) {
    return assertThrows(ChainFormatException.class,
        () -> method(method).prepare(params(params), wallet(EIP155_KEY), caip2)).field();
  }

  @Test
  void transactionsAreRefusedWithTypedErrors() throws Exception {
    String m = "eth_signTransaction";
    // chain binding
    assertEquals("tx.chainId", malformed(m, EIP155_JSON, "eip155:5"));
    invalid(m, EIP155_JSON, "eip155:01");
    invalid(m, EIP155_JSON, "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");
    invalid(m, EIP155_JSON, "eip155:99999999999999999999");
    // pre-EIP-155: refused unless explicitly allowed, and never with a chain named
    String pre = EIP155_JSON.replace("\"chain_id\":1,", "");
    assertEquals("tx.chainId", malformed(m, pre, null));
    RpcMethod.Prepared allowed = method(m).prepare(
        params(pre.replace("{\"transaction\"", "{\"allow_pre_eip155\":true,\"transaction\"")), wallet(EIP155_KEY), null);
    assertEquals(true, allowed.decoded().audit().get("pre_eip155"));
    assertTrue(payloadOf(allowed).getEthereumTransaction().getAllowPreEip155());
    assertEquals("tx.chainId", malformed(m,
        pre.replace("{\"transaction\"", "{\"allow_pre_eip155\":true,\"transaction\""), "eip155:1"));
    invalid(m, pre.replace("{\"transaction\"", "{\"allow_pre_eip155\":\"yes\",\"transaction\""), null);
    // RLP: truncated, trailing, unknown type
    assertEquals("tx", malformed(m, "{\"transaction\":\"0x" + EIP155_UNSIGNED.substring(0, 40) + "\"}", null));
    assertEquals("tx", malformed(m, "{\"transaction\":\"0x" + EIP155_UNSIGNED + "00\"}", null));
    assertEquals("tx.type", malformed(m, "{\"transaction\":\"0x05c0\"}", null));
    assertEquals("tx.type", malformed(m, EIP155_JSON.replace("{\"chain_id\"", "{\"type\":5,\"chain_id\""), null));
    // JSON fields
    assertEquals("tx.gasPrice", malformed(m, EIP155_JSON.replace("\"gas_price\":\"20000000000\"", "\"gas_price\":1.5"), null));
    assertEquals("tx.frobnicate", malformed(m, EIP155_JSON.replace("{\"chain_id\"", "{\"frobnicate\":1,\"chain_id\""), null));
    // params themselves
    invalid(m, "{}", null);
    invalid(m, "{\"transaction\":42}", null);
    invalid(m, "{\"transaction\":\"0xzz\"}", null);
    invalid(m, "{\"transaction\":\"0x" + "00".repeat(128 * 1024 + 1) + "\"}", null);
    invalid(m, EIP155_JSON.replace("{\"transaction\"", "{\"extra\":1,\"transaction\""), null);
    invalid(m, EIP155_JSON.replace("{\"chain_id\"", "{\"from\":\"0x0000000000000000000000000000000000000001\",\"chain_id\""), null);
    // the right 'from' is fine
    method(m).prepare(params(EIP155_JSON.replace("{\"chain_id\"",
        "{\"from\":\"" + wallet(EIP155_KEY).address().toLowerCase() + "\",\"chain_id\"")), wallet(EIP155_KEY), null);
  }

  @Test
  void setCodeTransactionsListTheirAuthorizations() throws Exception {
    String json = "{\"transaction\":{\"chain_id\":1,\"nonce\":0,\"to\":\"0x000000000000000000000000000000000000aaaa\","
        + "\"gas_limit\":100000,\"max_fee_per_gas\":10,\"max_priority_fee_per_gas\":1,\"data\":\"0xa9059cbb00\","
        + "\"authorization_list\":[{\"chain_id\":1,\"contract\":\"0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1\","
        + "\"nonce\":1,\"y_parity\":1,\"r\":\"0x2c39f2f64441dd38c364ee175dc6b9a87f34ca330bce968f6c8e22811e3bb710\","
        + "\"s\":\"0x5f1bcde93dee4b214e60bc0e63babcc13e4fecb8a23c4098fd89844762aa012c\"}]}}";
    Map<String, Object> d = method("eth_signTransaction").prepare(params(json), wallet(EIP155_KEY), null).decoded().audit();
    assertEquals(4, d.get("type"));
    assertEquals("0xa9059cbb", d.get("selector"));
    assertEquals(5, d.get("data_length"));
    assertEquals(1, d.get("authorization_count"));
    assertEquals(List.of(Map.of("chain_id", "1", "address", "0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1",
        "nonce", "1")), d.get("authorizations"));
    assertEquals("10", d.get("max_fee_per_gas"));
  }

  // ------------------------------------------------------------------ eth_signTypedData_v4

  // Origin: EIP-712 (ethereum/EIPs EIPS/eip-712.md, assets/eip-712/Example.js): the Mail example,
  // key keccak256("cow"), v 28, r 0x4355c47d…, s 0x07299936….
  static final String MAIL = "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},"
      + "{\"name\":\"version\",\"type\":\"string\"},{\"name\":\"chainId\",\"type\":\"uint256\"},"
      + "{\"name\":\"verifyingContract\",\"type\":\"address\"}],\"Person\":[{\"name\":\"name\","
      + "\"type\":\"string\"},{\"name\":\"wallet\",\"type\":\"address\"}],\"Mail\":[{\"name\":\"from\","
      + "\"type\":\"Person\"},{\"name\":\"to\",\"type\":\"Person\"},{\"name\":\"contents\",\"type\":"
      + "\"string\"}]},\"primary_type\":\"Mail\",\"domain\":{\"name\":\"Ether Mail\",\"version\":\"1\","
      + "\"chainId\":1,\"verifyingContract\":\"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"},"
      + "\"message\":{\"from\":{\"name\":\"Cow\",\"wallet\":\"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"},"
      + "\"to\":{\"name\":\"Bob\",\"wallet\":\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"},"
      + "\"contents\":\"Hello, Bob!\"}}";
  static final String MAIL_DIGEST = "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2";
  static final String MAIL_SIGNATURE = "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d"
      + "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b915621c";

  static String cow() {
    return HEX.formatHex(Keccak256.hash("cow".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void eip712MailExampleAsObjectAndAsString() throws Exception {
    Wallet w = wallet(cow());
    assertEquals("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", w.address());
    for (String params : new String[] {"{\"typed_data\":" + MAIL + "}",
        "{\"typed_data\":" + JSON.writeValueAsString(MAIL) + "}"}) {
      RpcMethod.Prepared p = method("eth_signTypedData_v4").prepare(params(params), w, null);
      byte[] sent = payloadOf(p).getEthereumTypedData().getJson().toByteArray();
      assertEquals(MAIL, new String(sent, StandardCharsets.UTF_8), "compact JSON either way");
      assertEquals("Mail", p.decoded().audit().get("primary_type"));
      assertEquals(Map.of("name", "Ether Mail", "version", "1", "chain_id", "1",
          "verifying_contract", "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"), p.decoded().audit().get("domain"));
      Map<String, Object> data = p.result(answer(HEX.parseHex(MAIL_DIGEST),
          MAIL_SIGNATURE.substring(2, 66), MAIL_SIGNATURE.substring(66, 130), 1));
      assertEquals(MAIL_SIGNATURE, data.get("signature"));
      assertEquals("hex", data.get("encoding"));
      assertEquals("0x" + MAIL_DIGEST, data.get("digest"));
    }
  }

  @Test
  void theStringFormIsSentByteForByte() throws Exception {
    String spaced = MAIL.replace("\":", "\": ");
    RpcMethod.Prepared p = method("eth_signTypedData_v4").prepare(
        params("{\"typed_data\":" + JSON.writeValueAsString(spaced) + "}"), wallet(cow()), null);
    assertArrayEquals(spaced.getBytes(StandardCharsets.UTF_8),
        payloadOf(p).getEthereumTypedData().getJson().toByteArray());
  }

  @Test
  void typedDataIsRefusedWithTypedErrors() throws Exception {
    String m = "eth_signTypedData_v4";
    invalid(m, "{}", null);
    invalid(m, "{\"typed_data\":[]}", null);
    invalid(m, "{\"typed_data\":" + MAIL + ",\"x\":1}", null);
    invalid(m, "{\"typed_data\":" + MAIL.replace("\"chainId\":1,", "\"chainId\":1.0,") + "}", null);
    invalid(m, "{\"typed_data\":" + JSON.writeValueAsString(" ".repeat(256 * 1024) + MAIL) + "}", null);
    invalid(m, "{\"typed_data\":" + MAIL.replace("\"Cow\"", "\"\\ud800\"") + "}", null);
    invalid(m, "{\"typed_data\":" + JSON.writeValueAsString(MAIL.replace("\"Cow\"", "\"\ud800\"")) + "}", null);
    assertEquals("typedData", malformed(m, "{\"typed_data\":" + JSON.writeValueAsString(MAIL + "{}") + "}", null));
    assertEquals("typedData", malformed(m, "{\"typed_data\":" + JSON.writeValueAsString(
        MAIL.replace("{\"name\":\"Bob\",", "{\"name\":\"Bob\",\"name\":\"Eve\",")) + "}", null));
    assertEquals("typedData.message.contents", malformed(m,
        "{\"typed_data\":" + MAIL.replace("\"Hello, Bob!\"", "42") + "}", null));
    String longArray = "{\"typed_data\":{\"types\":{\"EIP712Domain\":[],\"T\":[{\"name\":\"v\",\"type\":\"uint8[]\"}]},"
        + "\"primaryType\":\"T\",\"domain\":{},\"message\":{\"v\":[" + "1,".repeat(1024) + "1]}}}";
    assertEquals("typedData.message.v", malformed(m, longArray, null));
  }

  // ------------------------------------------------------------------ eth_sign7702Authorization

  // Origin: trustwallet/wallet-core rust/tw_evm/tests/eip7702.rs (commit
  // bda7c1e7ad61802a6442e53fee7617d554169ddd), test_sign_authorization: key 0x947dd69a…,
  // chain 1, contract 0xB91aaa96…, nonce 1 → y_parity 1, r 0x2c39f2f6…, s 0x5f1bcde9….
  static final String WALLET_CORE_KEY = "947dd69af402e7f48da1b845dfc1df6be593d01a0d8274bd03ec56712e7164e8";

  @Test
  void eip7702WalletCoreVector() throws Exception {
    RpcMethod.Prepared p = method("eth_sign7702Authorization").prepare(params(
        "{\"contract\":\"0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1\",\"chain_id\":1,\"nonce\":\"0x1\"}"),
        wallet(WALLET_CORE_KEY), "eip155:1");
    SignRequest sent = payloadOf(p);
    assertArrayEquals(new byte[] {1}, sent.getEthereumAuthorization().getChainId().toByteArray());
    assertArrayEquals(new byte[] {1}, sent.getEthereumAuthorization().getNonce().toByteArray());
    assertEquals(Map.of("contract", "0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1", "chain_id", "1", "nonce", "1"),
        p.decoded().audit());
    Map<String, Object> data = p.result(answer(
        HEX.parseHex("3ae543b2fa103a39a6985d964a67caed05f6b9bb2430ad6d498cda743fe911d9"),
        "2c39f2f64441dd38c364ee175dc6b9a87f34ca330bce968f6c8e22811e3bb710",
        "5f1bcde93dee4b214e60bc0e63babcc13e4fecb8a23c4098fd89844762aa012c", 1));
    String rendered = JSON.writeValueAsString(data);
    assertEquals("{\"authorization\":{\"contract\":\"0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1\","
        + "\"chain_id\":1,\"nonce\":1,"
        + "\"r\":\"0x2c39f2f64441dd38c364ee175dc6b9a87f34ca330bce968f6c8e22811e3bb710\","
        + "\"s\":\"0x5f1bcde93dee4b214e60bc0e63babcc13e4fecb8a23c4098fd89844762aa012c\","
        + "\"y_parity\":1}}", rendered);
  }

  @Test
  void authorizationsAreRefusedWithTypedErrors() throws Exception {
    String m = "eth_sign7702Authorization";
    String ok = "{\"contract\":\"0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1\",\"chain_id\":1,\"nonce\":1}";
    assertEquals("authorization.chainId", malformed(m, ok, "eip155:5"));
    assertEquals(true, method(m).prepare(params(ok.replace("\"chain_id\":1", "\"chain_id\":0")),
        wallet(EIP155_KEY), null).decoded().audit().get("all_chains"));
    assertEquals("authorization.nonce", malformed(m, ok.replace("\"nonce\":1", "\"nonce\":\"0x" + "f".repeat(16) + "\""), null));
    assertEquals("authorization.address", malformed(m, ok.replace("0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1", "0x1234"), null));
    assertEquals("authorization.address", malformed(m, ok.replace("0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1",
        "0xb91aaa96b138a1b1d94c9df4628187132c5f2bF1"), null));
    invalid(m, "{\"contract\":\"0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1\",\"chain_id\":1}", null);
    invalid(m, ok.replace("\"nonce\":1", "\"nonce\":1,\"r\":\"0x1\""), null);
  }
}
