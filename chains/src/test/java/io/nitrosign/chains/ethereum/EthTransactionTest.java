package io.nitrosign.chains.ethereum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esaulpaugh.headlong.rlp.RLPDecoder;
import com.esaulpaugh.headlong.rlp.RLPItem;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.nitrosign.chains.ChainFormatException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EthTransactionTest {

  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s.startsWith("0x") ? s.substring(2) : s);
  }

  // ------------------------------------------------------------------ EIP-155 example
  // Origin: EIP-155 "Example" section, ethereum/EIPs EIPS/eip-155.md
  // (commit 02e4eda4183ca3b4af10801d6d25f32517f34cc6).
  private static final String EIP155_SIGNING_DATA =
      "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";
  private static final String EIP155_SIGNING_HASH =
      "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53";
  private static final BigInteger EIP155_R =
      new BigInteger("18515461264373351373200002665853028612451056578545711640558177340181847433846");
  private static final BigInteger EIP155_S =
      new BigInteger("46948507304638947509940763649030358759909902576025900602547168820602576006531");
  private static final String EIP155_SIGNED =
      "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a0"
          + "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb70"
          + "3304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
  private static final BigInteger EIP155_KEY = new BigInteger("46".repeat(32), 16);

  private static Map<String, Object> eip155Json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("chainId", 1);
    m.put("nonce", 9);
    m.put("gasPrice", "20000000000");
    m.put("gas", 21000);
    m.put("to", "0x3535353535353535353535353535353535353535");
    m.put("value", "0xde0b6b3a7640000");
    m.put("data", "0x");
    return m;
  }

  @Test
  void eip155ExampleFromJson() {
    EthTransaction tx = EthTransaction.fromJson(eip155Json(), false);
    assertEquals(0, tx.type());
    assertEquals(EIP155_SIGNING_DATA, HEX.formatHex(tx.signingPayload()));
    assertEquals(EIP155_SIGNING_HASH, HEX.formatHex(tx.signingHash()));
    byte[] signed = tx.encodeSigned(EIP155_R, EIP155_S, 37);
    assertEquals(EIP155_SIGNED, HEX.formatHex(signed));
    // v given as the recovery id gives the same bytes
    assertArrayEquals(signed, tx.encodeSigned(EIP155_R, EIP155_S, 0));
    assertArrayEquals(Keccak256.hash(signed), EthTransaction.txHash(signed));
    // the EIP's signature verifies against the digest computed here, with the EIP's key
    assertTrue(Secp256k1Check.verifies(EIP155_KEY, tx.signingHash(), EIP155_R, EIP155_S, 0));
  }

  @Test
  void eip155ExampleFromUnsignedRlp() {
    EthTransaction tx = EthTransaction.decodeUnsigned(hex(EIP155_SIGNING_DATA), false);
    assertEquals(1L, tx.chainId());
    assertEquals(BigInteger.valueOf(9), tx.nonce());
    assertEquals(new BigInteger("20000000000"), tx.gasPrice());
    assertEquals(BigInteger.valueOf(21000), tx.gasLimit());
    assertEquals("0x3535353535353535353535353535353535353535", tx.toAddress());
    assertEquals(BigInteger.TEN.pow(18), tx.value());
    assertEquals(0, tx.data().length);
    assertEquals(EIP155_SIGNING_HASH, HEX.formatHex(tx.signingHash()));
    assertEquals(EIP155_SIGNED, HEX.formatHex(tx.encodeSigned(EIP155_R, EIP155_S, 37)));
    assertEquals(1L, tx.requireChainId(1).chainId());
  }

  @Test
  void wrongChainIdIsRefused() {
    EthTransaction tx = EthTransaction.decodeUnsigned(hex(EIP155_SIGNING_DATA), false);
    ChainFormatException e = assertThrows(ChainFormatException.class, () -> tx.requireChainId(5));
    assertEquals("tx.chainId", e.field());
    // a v for another chain, or pre-EIP-155 v, does not fit this transaction
    assertEquals("signature.v", assertThrows(ChainFormatException.class,
        () -> tx.encodeSigned(EIP155_R, EIP155_S, 5 * 2 + 35)).field());
    assertEquals("signature.v", assertThrows(ChainFormatException.class,
        () -> tx.encodeSigned(EIP155_R, EIP155_S, 27)).field());
  }

  @Test
  void preEip155RefusedUnlessAllowed() {
    Map<String, Object> json = eip155Json();
    json.remove("chainId");
    assertEquals("tx.chainId",
        assertThrows(ChainFormatException.class, () -> EthTransaction.fromJson(json, false)).field());
    EthTransaction tx = EthTransaction.fromJson(json, true);
    assertTrue(tx.isPreEip155());
    byte[] sixFields = tx.signingPayload();
    assertEquals("tx.chainId", assertThrows(ChainFormatException.class,
        () -> EthTransaction.decodeUnsigned(sixFields, false)).field());
    assertNull(EthTransaction.decodeUnsigned(sixFields, true).chainId());
    // pre-EIP-155 v is 27 + recovery id
    byte[] signed = tx.encodeSigned(EIP155_R, EIP155_S, 1);
    assertEquals((byte) 28, signed[signed.length - 67]);
  }

  // ------------------------------------------------------------------ EIP-2930
  // Origin: go-ethereum core/types/transaction_test.go (commit
  // dd2483c0d902f503bd868279bb1f729608ad3ac1): emptyEip2718Tx / signedEip2718Tx,
  // TestEIP2718TransactionSigHash (49b486f0...) and TestEIP2718TransactionEncode (01f863...).
  // (An older revision of that file, from the pre-Berlin "YOLO" draft, has c44faa8f... and
  // another signature; that draft's signing payload differs from the final EIP-2930.)
  @Test
  void eip2930GoEthereumVector() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "0x1");
    m.put("chainId", 1);
    m.put("nonce", 3);
    m.put("to", "0xb94f5374fce5edbc8e2a8697c15331677e6ebf0b");
    m.put("value", 10);
    m.put("gasLimit", 25000);
    m.put("gasPrice", 1);
    m.put("data", "0x5544");
    m.put("accessList", List.of());
    EthTransaction tx = EthTransaction.fromJson(m, false);
    assertEquals(1, tx.type());
    assertEquals("49b486f0ec0a60dfbbca2d30cb07c9e8ffb2a2ff41f29a1ab6737475f6ff69f3",
        HEX.formatHex(tx.signingHash()));
    byte[] signed = tx.encodeSigned(
        new BigInteger("c9519f4f2b30335884581971573fadf60c6204f59a911df35ee8a540456b2660", 16),
        new BigInteger("32f1e8e2c5dd761f9e4f88f41c8310aeaba26a8bfcdacfedfa12ec3862d37521", 16), 1);
    assertEquals("01f8630103018261a894b94f5374fce5edbc8e2a8697c15331677e6ebf0b0a825544c001a0c9519f"
        + "4f2b30335884581971573fadf60c6204f59a911df35ee8a540456b2660a032f1e8e2c5dd761f9e4f88f41c83"
        + "10aeaba26a8bfcdacfedfa12ec3862d37521", HEX.formatHex(signed));
    // round trip through the unsigned RLP
    EthTransaction again = EthTransaction.decodeUnsigned(tx.signingPayload(), false);
    assertArrayEquals(tx.signingHash(), again.signingHash());
  }

  // Origin: same go-ethereum file, TestEIP2930Signer: AccessListTx{ChainID: 1, Nonce: 1} (all
  // else zero, no recipient) hashes to 846ad767... under chain 1 and to 367967... under chain 2.
  @Test
  void eip2930GoEthereumSignerHashes() {
    assertEquals("846ad7672f2a3a40c1f959cd4a8ad21786d620077084d84c8d7c077714caa139",
        HEX.formatHex(EthTransaction.fromJson(
            Map.of("type", 1, "chainId", 1, "nonce", 1, "gas", 0, "gasPrice", 0), false).signingHash()));
    assertEquals("367967247499343401261d718ed5aa4c9486583e4d89251afce47f4a33c33362",
        HEX.formatHex(EthTransaction.fromJson(
            Map.of("type", 1, "chainId", 2, "nonce", 1, "gas", 0, "gasPrice", 0), false).signingHash()));
  }

  // ------------------------------------------------------------------ EIP-1559
  /** Origin recorded in the resource's "origin" field (ethereumjs-monorepo packages/tx/test/json/eip1559.json). */
  @Test
  void eip1559EthereumjsVectors() throws Exception {
    JsonObject file;
    try (var in = new InputStreamReader(
        getClass().getResourceAsStream("ethereumjs-eip1559-vectors.json"), StandardCharsets.UTF_8)) {
      file = new Gson().fromJson(in, JsonObject.class);
    }
    int checked = 0;
    for (JsonElement el : file.getAsJsonArray("vectors")) {
      JsonObject v = el.getAsJsonObject();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("chainId", 7822);
      m.put("nonce", v.get("nonce").getAsLong());
      m.put("value", v.get("value").getAsLong());
      m.put("gasLimit", v.get("gasLimit").getAsLong());
      m.put("maxPriorityFeePerGas", v.get("maxInclusionFeePerGas").getAsLong());
      m.put("maxFeePerGas", v.get("maxFeePerGas").getAsLong());
      m.put("to", v.get("to").getAsString());
      EthTransaction tx = EthTransaction.fromJson(m, false);
      assertEquals(2, tx.type());

      // The published raw transaction is the payload of an RLP string.
      byte[] raw = RLPDecoder.RLP_STRICT.wrapString(hex(v.get("signedTransactionRLP").getAsString())).data();
      List<RLPItem> fields = RLPDecoder.RLP_STRICT.wrapList(raw, 1).elements(RLPDecoder.RLP_STRICT);
      int yParity = fields.get(9).asInt();
      BigInteger r = fields.get(10).asBigInt();
      BigInteger s = fields.get(11).asBigInt();

      assertArrayEquals(raw, tx.encodeSigned(r, s, yParity), "vector nonce " + tx.nonce());
      BigInteger key = new BigInteger(v.get("privateKey").getAsString().substring(2), 16);
      assertTrue(Secp256k1Check.verifies(key, tx.signingHash(), r, s, yParity),
          "signature of vector nonce " + tx.nonce() + " verifies against our signing hash");
      // the unsigned payload decodes back to the same transaction
      assertArrayEquals(tx.signingPayload(),
          EthTransaction.decodeUnsigned(tx.signingPayload(), false).signingPayload());
      checked++;
    }
    assertEquals(10, checked);
  }

  // ------------------------------------------------------------------ types 3 and 4
  @Test
  void blobAndSetCodeRoundTrip() {
    Map<String, Object> blob = new LinkedHashMap<>();
    blob.put("chainId", "0x1");
    blob.put("nonce", 0);
    blob.put("to", "0x000000000000000000000000000000000000f1c1");
    blob.put("gas", 21000);
    blob.put("maxFeePerGas", 10);
    blob.put("maxPriorityFeePerGas", 1);
    blob.put("maxFeePerBlobGas", 1000);
    blob.put("blobVersionedHashes",
        List.of("0x010a8b6ba3ab54a1119c273b22a15c700be68aba00cc989903f0a53459d6daad"));
    EthTransaction tx = EthTransaction.fromJson(blob, false);
    assertEquals(3, tx.type());
    assertEquals(3, tx.signingPayload()[0]);
    assertArrayEquals(tx.signingPayload(),
        EthTransaction.decodeUnsigned(tx.signingPayload(), false).signingPayload());
    assertEquals(BigInteger.valueOf(21000 * 10 + 131072 * 1000), tx.maxFeeWei());

    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("chainId", 1);
    auth.put("address", "0x000000000000000000000000000000000000aaaa");
    auth.put("nonce", 1);
    auth.put("yParity", 0);
    auth.put("r", "0x1");
    auth.put("s", "0x2");
    Map<String, Object> setCode = new LinkedHashMap<>();
    setCode.put("chainId", 1);
    setCode.put("nonce", 0);
    setCode.put("to", "0x000000000000000000000000000000000000aaaa");
    setCode.put("gas", 100000);
    setCode.put("maxFeePerGas", 10);
    setCode.put("maxPriorityFeePerGas", 1);
    setCode.put("authorizationList", List.of(auth));
    EthTransaction t4 = EthTransaction.fromJson(setCode, false);
    assertEquals(4, t4.type());
    EthTransaction back = EthTransaction.decodeUnsigned(t4.signingPayload(), false);
    assertEquals(1, back.authorizationList().size());
    assertEquals(BigInteger.ONE, back.authorizationList().get(0).nonce());
    assertArrayEquals(t4.signingPayload(), back.signingPayload());
  }

  // ------------------------------------------------------------------ bad input
  private static String field(byte[] payload) {
    return assertThrows(ChainFormatException.class,
        () -> EthTransaction.decodeUnsigned(payload, false)).field();
  }

  @Test
  void truncatedRlpIsRefused() {
    byte[] ok = hex(EIP155_SIGNING_DATA);
    for (int len = 0; len < ok.length; len++) {
      byte[] cut = Arrays.copyOf(ok, len);
      assertThrows(ChainFormatException.class, () -> EthTransaction.decodeUnsigned(cut, false),
          "truncated to " + len);
    }
  }

  @Test
  void trailingBytesAreRefused() {
    byte[] ok = hex(EIP155_SIGNING_DATA);
    byte[] longer = Arrays.copyOf(ok, ok.length + 1);
    assertEquals("tx", field(longer));
  }

  @Test
  void nonCanonicalIntegersAreRefused() {
    // nonce 9 written as 0x8109 (a single byte < 0x80 wrapped in a string header)
    assertEquals("tx[0]", field(hex(
        "ed81098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080")));
    // nonce 9 written with a leading zero byte: 0x820009
    assertEquals("tx.nonce", field(hex(
        "ee8200098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080")));
    // chain id 1 written as 0x00 0x01 ... the zero value written as 0x00 instead of 0x80
    assertEquals("tx.nonce", field(hex(
        "ec008504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080")));
    // list header in long form (0xf8 0x2c) for a 44-byte payload
    assertEquals("tx", field(hex(
        "f82c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080")));
  }

  @Test
  void structuralErrorsNameTheField() {
    // empty, unknown type, an RLP string instead of a list
    assertEquals("tx", field(new byte[0]));
    assertEquals("tx.type", field(new byte[] {0x05, (byte) 0xc0}));
    assertEquals("tx.type", field(hex("8180")));
    // typed envelope with a wrong field count
    assertEquals("tx", field(hex("02c3010203")));
    // 'to' of 19 bytes
    assertEquals("tx.to", field(hex(
        "eb098504a817c8008252089335353535353535353535353535353535353535880de0b6b3a764000080018080")));
    // EIP-155 payload whose r is not empty
    assertEquals("tx.r", field(hex(
        "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080010180")));
    // chain id 0
    assertEquals("tx.chainId", field(hex(
        "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080808080")));
    byte[] huge = new byte[EthTransaction.MAX_TX_BYTES + 1];
    huge[0] = (byte) 0xc0;
    assertEquals("tx", field(huge));
  }

  @Test
  void jsonErrorsNameTheField() {
    Map<String, Object> m = eip155Json();
    m.put("nonce", "0x09");
    assertEquals("tx.nonce", assertThrows(ChainFormatException.class,
        () -> EthTransaction.fromJson(m, false)).field());
    Map<String, Object> m2 = eip155Json();
    // EIP-55's example address 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed with one letter's case flipped
    m2.put("to", "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    assertEquals("tx.to", assertThrows(ChainFormatException.class,
        () -> EthTransaction.fromJson(m2, false)).field());
    Map<String, Object> m3 = eip155Json();
    m3.put("maxFeePerGas", 1);
    m3.put("type", 0);
    assertEquals("tx.maxFeePerGas", assertThrows(ChainFormatException.class,
        () -> EthTransaction.fromJson(m3, false)).field());
    Map<String, Object> m4 = eip155Json();
    m4.put("bogus", 1);
    assertEquals("tx.bogus", assertThrows(ChainFormatException.class,
        () -> EthTransaction.fromJson(m4, false)).field());
    Map<String, Object> m5 = eip155Json();
    m5.put("gasLimit", 1);
    assertEquals("tx.gasLimit", assertThrows(ChainFormatException.class,
        () -> EthTransaction.fromJson(m5, false)).field());
    Map<String, Object> m6 = eip155Json();
    m6.put("value", "0x1" + "0".repeat(64));
    assertEquals("tx.value", assertThrows(ChainFormatException.class,
        () -> EthTransaction.fromJson(m6, false)).field());
  }

  @Test
  void highSIsRefused() {
    EthTransaction tx = EthTransaction.fromJson(eip155Json(), false);
    BigInteger highS = EthTransaction.SECP256K1_N.subtract(EIP155_S);
    assertEquals("signature.s", assertThrows(ChainFormatException.class,
        () -> tx.encodeSigned(EIP155_R, highS, 37)).field());
  }

  @Test
  void snakeCaseFieldsAsPrivySendsThem() {
    // same EIP-155 example, Privy-style snake_case keys
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("chain_id", 1);
    m.put("nonce", 9);
    m.put("gas_price", "0x4a817c800");
    m.put("gas_limit", "0x5208");
    m.put("to", "0x3535353535353535353535353535353535353535");
    m.put("value", "1000000000000000000");
    assertEquals(EIP155_SIGNING_HASH, HEX.formatHex(EthTransaction.fromJson(m, false).signingHash()));
    m.put("gasLimit", 21000);
    // two spellings of the same field are refused
    assertEquals("tx.gas_limit", assertThrows(ChainFormatException.class,
        () -> EthTransaction.fromJson(m, false)).field());
  }

  @Test
  void typedPayloadFieldErrors() {
    // type 4 with an empty authorization list
    byte[] emptyAuth = hex("04" + "e0" + "01" + "80" + "01" + "0a" + "82520894" + "00".repeat(19) + "aa" + "80" + "80" + "c0" + "c0");
    assertEquals("tx.authorizationList", field(emptyAuth));
    // type 2 with a 19-byte access list address
    byte[] badAccess = hex("02" + "e1" + "01" + "80" + "01" + "0a" + "825208" + "80" + "80" + "80"
        + "d6" + "d5" + "93" + "00".repeat(19) + "c0");
    assertEquals("tx.accessList[0].address", field(badAccess));
    // type 3 without a recipient
    byte[] blobCreate = hex("03" + "cd" + "01" + "80" + "01" + "0a" + "825208" + "80" + "80" + "80" + "c0" + "01" + "c0");
    assertEquals("tx.to", field(blobCreate));
  }
}
