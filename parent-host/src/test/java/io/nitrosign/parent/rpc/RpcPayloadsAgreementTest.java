package io.nitrosign.parent.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.jackson.Jackson;
import io.nitrosign.authz.Jcs;
import io.nitrosign.authz.PrivyRequest;
import io.nitrosign.authz.RpcPayloads;
import io.nitrosign.chains.bitcoin.Transaction;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.ethereum.Eip712;
import io.nitrosign.chains.ethereum.TypedDataJson;
import io.nitrosign.chains.stellar.StellarEnvelope;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.RpcRequest;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.proto.v1.SignRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Differential test: for an owned wallet the enclave signs the payload {@link RpcPayloads#derive}
 * reads from the signed rpc body (StrictJson), and the parent checks the enclave's answer against
 * what its own {@link RpcMethod} decoded from the same body (Jackson). For every method and chain
 * type, on the published vectors the parent's method tests and devkit's end-to-end tests use, the
 * two must name the same payload; for {@code eth_signTypedData_v4} the bytes may differ (an
 * object is canonicalized by RpcPayloads, serialized by Jackson in the parent) but their EIP-712
 * digest may not. Bodies both sides refuse must be refused by RpcPayloads with a
 * {@link ChainFormatException} (the only exception the parent's owned-wallet path catches).
 */
class RpcPayloadsAgreementTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  /** The body reader the running parent uses (Dropwizard's mapper, strict duplicates). */
  private static final JsonBodies BODIES = new JsonBodies(Jackson.newObjectMapper());

  /** RFC 8032 section 7.1 TEST 1-3 (devkit's Ed25519ChainsEndToEndTest): public key, message. */
  private static final String[][] RFC8032 = {
      {"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", ""},
      {"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72"},
      {"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82"}};

  // ------------------------------------------------------------------------------ the two sides

  /** The payload the parent sets, exactly as WalletManager.rpc prepares it. */
  private static SignRequest parentPayload(Wallet wallet, String body) {
    ObjectNode root = BODIES.object(body.getBytes(StandardCharsets.UTF_8));
    RpcMethod method = RpcMethods.of(RpcRequest.method(root), wallet.chain());
    RpcRequest request = RpcRequest.parse(root, method.name(), wallet);
    RpcMethod.Prepared prepared = method.prepare(request.params(), wallet,
        JsonBodies.optionalText(root, "", "caip2"));
    SignRequest.Builder b = SignRequest.newBuilder();
    prepared.payload(b);
    return RpcPayloads.payloadOnly(b.build());
  }

  /** The payload RpcPayloads derives from the same body bytes, as the enclave does. */
  private static SignRequest derived(Wallet wallet, String body) {
    return RpcPayloads.derive(PrivyRequest.parseObjectBody(body.getBytes(StandardCharsets.UTF_8)),
        wallet.chainType());
  }

  private static String rpc(String method, String params, String extra) {
    return "{\"method\":\"" + method + "\",\"params\":" + params
        + (extra == null ? "" : "," + extra) + "}";
  }

  private static String rpc(String method, String params) {
    return rpc(method, params, null);
  }

  private static void assertAgree(Wallet wallet, String body) {
    // the owner's signature check refuses bodies with inexact numbers before any payload is read
    assertTrue(Jcs.isExact(PrivyRequest.parseObjectBody(body.getBytes(StandardCharsets.UTF_8))),
        body);
    SignRequest parent = parentPayload(wallet, body);
    SignRequest derived = derived(wallet, body);
    assertTrue(parent.getPayloadCase() != SignRequest.PayloadCase.PAYLOAD_NOT_SET, body);
    assertTrue(RpcPayloads.kindsOf(wallet.chainType()).contains(derived.getPayloadCase()), body);
    if (parent.getPayloadCase() == SignRequest.PayloadCase.ETHEREUM_TYPED_DATA) {
      assertEquals(parent.getPayloadCase(), derived.getPayloadCase(), body);
      byte[] p = parent.getEthereumTypedData().getJson().toByteArray();
      byte[] d = derived.getEthereumTypedData().getJson().toByteArray();
      assertArrayEquals(Eip712.hash(TypedDataJson.parse(p)).digest(),
          Eip712.hash(TypedDataJson.parse(d)).digest(), body);
      return;
    }
    assertEquals(parent, derived, body);
  }

  private static void assertBothRefuse(Wallet wallet, String body) {
    try {
      parentPayload(wallet, body);
      fail("the parent accepted " + abbreviated(body));
    } catch (ApiException | ChainFormatException e) {
      // refused
    }
    assertThrows(ChainFormatException.class, () -> derived(wallet, body), abbreviated(body));
  }

  private static String abbreviated(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }

  // --------------------------------------------------------------------------------- wallets

  private static Wallet eth() {
    return EthereumRpcMethodsTest.wallet(EthereumRpcMethodsTest.EIP155_KEY);
  }

  private static Wallet ed25519(ChainType chain, String publicKeyHex) {
    return Ed25519MethodsTest.wallet(chain, HEX.parseHex(publicKeyHex));
  }

  // ---------------------------------------------------------------------------------- ethereum

  @Test
  void personalSignUtf8AndHex() {
    Wallet w = eth();
    for (String params : new String[] {
        "{\"message\":\"hello\",\"encoding\":\"utf-8\"}",
        "{\"message\":\"Some data\"}",
        "{\"message\":\"plain\",\"encoding\":\"utf8\"}",
        "{\"message\":\"h\\u00e9llo \\u2713 \\ud83c\\udf89\",\"encoding\":null}",
        "{\"message\":\"\"}",
        "{\"message\":\"0x48656c6c6f\",\"encoding\":\"hex\"}",
        "{\"message\":\"48656C6C6F\",\"encoding\":\"hex\"}",
        "{\"message\":\"0X00ff\",\"encoding\":\"hex\"}",
        "{\"message\":\"0x\",\"encoding\":\"hex\"}",
        "{\"message\":\"0x" + "ab".repeat(64 * 1024) + "\",\"encoding\":\"hex\"}"}) {
      assertAgree(w, rpc("personal_sign", params));
    }
    // the envelope's other fields do not change the payload
    assertAgree(w, rpc("personal_sign", "{\"message\":\"x\"}",
        "\"chain_type\":\"ethereum\",\"caip2\":\"eip155:1\""));
    assertAgree(w, rpc("personal_sign", "{\"message\":\"x\"}",
        "\"attest\":true,\"attestation_mode\":\"fast\",\"nonce\":\"0x01\""));
  }

  @Test
  void secp256k1SignForEthereumAndBitcoinWallets() {
    assertAgree(eth(), rpc("secp256k1_sign", "{\"hash\":\"0x" + "11".repeat(32) + "\"}"));
    assertAgree(eth(), rpc("secp256k1_sign", "{\"hash\":\"" + "ab".repeat(32) + "\"}"));
    for (ChainType chain : new ChainType[] {ChainType.BITCOIN, ChainType.BITCOIN_TESTNET}) {
      Wallet w = SignPsbtTest.wallet(chain, SignPsbtTest.P2WPKH_PUBKEY);
      assertAgree(w, rpc("secp256k1_sign", "{\"hash\":\"0x" + SignPsbtTest.P2WPKH_SIGHASH + "\"}"));
    }
  }

  @Test
  void ethSignTransactionAsJsonFieldsAndAsRlpHex() {
    Wallet w = eth();
    String json = EthereumRpcMethodsTest.EIP155_JSON;
    String unsigned = EthereumRpcMethodsTest.EIP155_UNSIGNED;
    assertAgree(w, rpc("eth_signTransaction", json, "\"caip2\":\"eip155:1\""));
    assertAgree(w, rpc("eth_signTransaction", json));
    assertAgree(w, rpc("eth_signTransaction", json, "\"caip2\":null"));
    assertAgree(w, rpc("eth_signTransaction", "{\"transaction\":\"0x" + unsigned + "\"}"));
    assertAgree(w, rpc("eth_signTransaction", "{\"transaction\":\"" + unsigned + "\"}"));
    assertAgree(w, rpc("eth_signTransaction", "{\"transaction\":\"0x" + unsigned + "\"}",
        "\"caip2\":\"eip155:1\""));
    // the wallet's own address as from; numbers written with a zero fraction or an exponent
    assertAgree(w, rpc("eth_signTransaction", json.replace("{\"chain_id\"",
        "{\"from\":\"" + w.address() + "\",\"chain_id\"")));
    assertAgree(w, rpc("eth_signTransaction", json.replace("\"nonce\":9", "\"nonce\":9.0")
        .replace("\"gas_limit\":21000", "\"gas_limit\":2.1e4")));
    // contract creation: to absent or null
    assertAgree(w, rpc("eth_signTransaction", json.replace("\"to\":\"0x3535353535353535353535353535353535353535\"",
        "\"to\":null")));
    assertAgree(w, rpc("eth_signTransaction", json.replace("\"to\":\"0x3535353535353535353535353535353535353535\",", "")));
    // pre-EIP-155, explicitly allowed
    String pre = json.replace("\"chain_id\":1,", "")
        .replace("{\"transaction\"", "{\"allow_pre_eip155\":true,\"transaction\"");
    assertAgree(w, rpc("eth_signTransaction", pre));
    assertAgree(w, rpc("eth_signTransaction", json.replace("{\"transaction\"",
        "{\"allow_pre_eip155\":false,\"transaction\"")));
    assertAgree(w, rpc("eth_signTransaction", "{\"allow_pre_eip155\":true,\"transaction\":\"0x"
        + unsigned + "\"}"));

    // EIP-2930 (ethereumjs, camelCase, hex quantities), with the chain as caip2
    String eip2930 = "{\"transaction\":{\"type\":\"0x1\",\"chainId\":\"0x796f6c6f763378\","
        + "\"nonce\":\"0x0\",\"gasPrice\":\"0x3b9aca00\",\"gas\":\"0x62d4\","
        + "\"to\":\"0xdf0a88b2b68c673713a8ec826003676f272e3573\",\"value\":\"0x1\",\"data\":\"0x\","
        + "\"accessList\":[{\"address\":\"0x0000000000000000000000000000000000001337\",\"storageKeys\":"
        + "[\"0x0000000000000000000000000000000000000000000000000000000000000000\"]}]}}";
    assertAgree(w, rpc("eth_signTransaction", eip2930,
        "\"caip2\":\"eip155:" + Long.parseLong("796f6c6f763378", 16) + "\""));
    // EIP-1559 (ethereumjs eip1559.json, nonces 819 and 353), JSON numbers
    for (String[] v : new String[][] {{"819", "43203529", "35552", "75853", "121212"},
        {"353", "61901619", "32593", "38850", "136295"}}) {
      assertAgree(w, rpc("eth_signTransaction", "{\"transaction\":{\"chain_id\":7822,\"nonce\":"
          + v[0] + ",\"value\":" + v[1] + ",\"gas_limit\":" + v[2] + ",\"max_priority_fee_per_gas\":"
          + v[3] + ",\"max_fee_per_gas\":" + v[4]
          + ",\"to\":\"0x000000000000000000000000000000000000aaaa\"}}", "\"caip2\":\"eip155:7822\""));
    }
    // EIP-7702 set-code transaction with a signed authorization (wallet-core's)
    assertAgree(w, rpc("eth_signTransaction", "{\"transaction\":{\"chain_id\":1,\"nonce\":0,"
        + "\"to\":\"0x000000000000000000000000000000000000aaaa\",\"gas_limit\":100000,"
        + "\"max_fee_per_gas\":10,\"max_priority_fee_per_gas\":1,\"data\":\"0xa9059cbb00\","
        + "\"authorization_list\":[{\"chain_id\":1,\"contract\":\"0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1\","
        + "\"nonce\":1,\"y_parity\":1,\"r\":\"0x2c39f2f64441dd38c364ee175dc6b9a87f34ca330bce968f6c8e22811e3bb710\","
        + "\"s\":\"0x5f1bcde93dee4b214e60bc0e63babcc13e4fecb8a23c4098fd89844762aa012c\"}]}}"));
  }

  @Test
  void ethSignTypedDataV4ObjectAndStringFormsHashTheSame() throws Exception {
    Wallet w = EthereumRpcMethodsTest.wallet(EthereumRpcMethodsTest.cow());
    String mail = EthereumRpcMethodsTest.MAIL;
    assertAgree(w, rpc("eth_signTypedData_v4", "{\"typed_data\":" + mail + "}"));
    assertAgree(w, rpc("eth_signTypedData_v4", "{\"typed_data\":" + JSON.writeValueAsString(mail) + "}"));
    assertAgree(w, rpc("eth_signTypedData_v4",
        "{\"typed_data\":" + JSON.writeValueAsString(mail.replace("\":", "\": ")) + "}"));
    // the string form is signed byte for byte by both
    String spaced = mail.replace("\":", "\": ");
    String body = rpc("eth_signTypedData_v4", "{\"typed_data\":" + JSON.writeValueAsString(spaced) + "}");
    assertEquals(parentPayload(w, body), derived(w, body));
    assertEquals(spaced, derived(w, body).getEthereumTypedData().getJson().toStringUtf8());
    // the object form: different bytes (canonical vs Jackson's), one digest
    String object = rpc("eth_signTypedData_v4", "{\"typed_data\":" + mail + "}");
    assertEquals(mail, parentPayload(w, object).getEthereumTypedData().getJson().toStringUtf8());
    assertEquals(Jcs.canonicalize(JSON.readValue(mail, Map.class)),
        derived(w, object).getEthereumTypedData().getJson().toStringUtf8());

    // numbers that JSON.parse keeps exactly but ECMAScript writes with an exponent (1e21 and
    // up), negative int256, escapes and non-ASCII text, members in another order
    String numbers = "{\"message\":{\"amount\":1000000000000000000000,\"delta\":-1500000000000000000000,"
        + "\"count\":7,\"memo\":\"caf\\u00e9 \\u2603 \\\"q\\\" \\\\ /\",\"small\":123456789012345},"
        + "\"domain\":{\"name\":\"N\",\"chainId\":8453},\"primaryType\":\"T\",\"types\":{"
        + "\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"chainId\",\"type\":\"uint256\"}],"
        + "\"T\":[{\"name\":\"amount\",\"type\":\"uint256\"},{\"name\":\"delta\",\"type\":\"int256\"},"
        + "{\"name\":\"count\",\"type\":\"uint8\"},{\"name\":\"memo\",\"type\":\"string\"},"
        + "{\"name\":\"small\",\"type\":\"uint64\"}]}}";
    assertAgree(w, rpc("eth_signTypedData_v4", "{\"typed_data\":" + numbers + "}"));
    assertAgree(w, rpc("eth_signTypedData_v4", "{\"typed_data\":" + JSON.writeValueAsString(numbers) + "}"));
    assertTrue(derived(w, rpc("eth_signTypedData_v4", "{\"typed_data\":" + numbers + "}"))
        .getEthereumTypedData().getJson().toStringUtf8().contains("1e+21"));
  }

  @Test
  void ethSign7702Authorization() {
    Wallet w = EthereumRpcMethodsTest.wallet(EthereumRpcMethodsTest.WALLET_CORE_KEY);
    assertAgree(w, rpc("eth_sign7702Authorization",
        "{\"contract\":\"0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1\",\"chain_id\":1,\"nonce\":\"0x1\"}",
        "\"caip2\":\"eip155:1\""));
    assertAgree(w, rpc("eth_sign7702Authorization",
        "{\"contract\":\"0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1\",\"chain_id\":1,\"nonce\":1}",
        "\"caip2\":\"eip155:1\""));
    assertAgree(w, rpc("eth_sign7702Authorization",
        "{\"contract\":\"0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1\",\"chain_id\":0,\"nonce\":0}"));
    assertAgree(w, rpc("eth_sign7702Authorization",
        "{\"contract\":\"0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1\",\"chain_id\":\"8453\","
            + "\"nonce\":\"0xffffffffffffffe\"}"));
  }

  // ----------------------------------------------------------------------------------- solana

  @Test
  void solanaSignTransactionAndSignMessage() throws Exception {
    Wallet raw = Ed25519MethodsTest.wallet(ChainType.SOLANA,
        Ed25519MethodsTest.publicKey(Ed25519MethodsTest.WC_RAW_KEY));
    String tx = B64.encodeToString(Ed25519MethodsTest.unsignedSolana(Ed25519MethodsTest.WC_RAW_SIGNED_TX));
    assertAgree(raw, rpc("signTransaction", "{\"transaction\":\"" + tx + "\",\"encoding\":\"base64\"}"));
    assertAgree(raw, rpc("signTransaction", "{\"transaction\":\"" + tx + "\"}"));
    Wallet token = Ed25519MethodsTest.wallet(ChainType.SOLANA,
        Ed25519MethodsTest.publicKey(Ed25519MethodsTest.WC_TOKEN_KEY));
    assertAgree(token, rpc("signTransaction", "{\"transaction\":\""
        + B64.encodeToString(Ed25519MethodsTest.unsignedSolana(Ed25519MethodsTest.WC_TOKEN_SIGNED_TX)) + "\"}"));
    Wallet jupiter = Ed25519MethodsTest.wallet(ChainType.SOLANA, io.nitrosign.chains.solana.SolanaAddress
        .parse("AHy6YZA8BsHgQfVkk7MbwpAN94iyN7Nf1zN4nPqUN32Q", "a").bytes());
    assertAgree(jupiter, rpc("signTransaction", "{\"transaction\":\""
        + B64.encodeToString(Ed25519MethodsTest.V0_JUPITER_TX) + "\"}"));
    // an already signed transaction: only the message is signed
    assertAgree(raw, rpc("signTransaction", "{\"transaction\":\""
        + B64.encodeToString(Ed25519MethodsTest.WC_RAW_SIGNED_TX) + "\"}"));

    Wallet message = ed25519(ChainType.SOLANA,
        "ee6d61a89fc8f9909585a996bb0d2b2ac69ae23b5acf39a19f32631239ba06f9");
    assertAgree(message, rpc("signMessage", "{\"message\":\""
        + B64.encodeToString("Hello world".getBytes(StandardCharsets.UTF_8)) + "\",\"encoding\":\"base64\"}"));
    assertAgree(message, rpc("signMessage", "{\"message\":\"" + B64.encodeToString(new byte[] {0}) + "\"}"));
  }

  @Test
  void rawSignHexAndBase64ForSolanaAndStellar() {
    for (ChainType chain : new ChainType[] {ChainType.SOLANA, ChainType.STELLAR}) {
      for (String[] v : RFC8032) {
        Wallet w = ed25519(chain, v[0]);
        assertAgree(w, rpc("raw_sign", "{\"bytes\":\"0x" + v[1] + "\",\"encoding\":\"hex\"}"));
        assertAgree(w, rpc("raw_sign", "{\"bytes\":\"" + v[1] + "\"}"));
        assertAgree(w, rpc("raw_sign", "{\"bytes\":\"" + B64.encodeToString(HEX.parseHex(v[1]))
            + "\",\"encoding\":\"base64\"}"));
      }
      Wallet w = ed25519(chain, RFC8032[0][0]);
      assertAgree(w, rpc("raw_sign", "{\"bytes\":\"0x" + "5a".repeat(65_536) + "\"}"));
      assertAgree(w, rpc("raw_sign", "{\"bytes\":\"" + B64.encodeToString(new byte[65_536])
          + "\",\"encoding\":\"base64\"}"));
    }
  }

  // ---------------------------------------------------------------------------------- stellar

  @Test
  void stellarSignTransactionWithNetworkAndWithPassphrase() throws Exception {
    Wallet w = Ed25519MethodsTest.wallet(ChainType.STELLAR,
        Ed25519MethodsTest.publicKey(Ed25519MethodsTest.PY_FEE_SOURCE_SEED));
    String unsigned = B64.encodeToString(Ed25519MethodsTest.withoutLastSignature(
        Base64.getDecoder().decode(Ed25519MethodsTest.PY_FEE_BUMP)));
    assertAgree(w, rpc("signTransaction", "{\"envelope\":\"" + unsigned + "\",\"network\":\"testnet\"}"));
    assertAgree(w, rpc("signTransaction", "{\"envelope\":\"" + unsigned + "\",\"network\":\"public\"}"));
    assertAgree(w, rpc("signTransaction", "{\"envelope\":\"" + unsigned + "\",\"network_passphrase\":\""
        + StellarEnvelope.TESTNET_PASSPHRASE + "\",\"encoding\":\"base64\"}"));
    assertAgree(w, rpc("signTransaction", "{\"envelope\":\"" + unsigned + "\",\"network_passphrase\":"
        + "\"Standalone Network ; February 2017\",\"network\":null}"));
    assertAgree(w, rpc("signTransaction", "{\"envelope\":\"" + Ed25519MethodsTest.PY_FEE_BUMP
        + "\",\"network_passphrase\":\"" + StellarEnvelope.TESTNET_PASSPHRASE + "\"}"));
  }

  // ---------------------------------------------------------------------------------- bitcoin

  @Test
  void bitcoinSignPsbtBase64AndHex() {
    for (ChainType chain : new ChainType[] {ChainType.BITCOIN, ChainType.BITCOIN_TESTNET}) {
      Wallet p2wpkh = SignPsbtTest.wallet(chain, SignPsbtTest.P2WPKH_PUBKEY);
      // BIP-143's example carries witness_utxo only: signed with allow_witness_utxo_only
      byte[] psbt = SignPsbtTest.p2wpkhPsbt();
      String allow = ",\"allow_witness_utxo_only\":true";
      assertAgree(p2wpkh, rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(psbt) + "\"" + allow + "}"));
      assertAgree(p2wpkh, rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(psbt)
          + "\",\"encoding\":\"base64\"" + allow + "}"));
      assertAgree(p2wpkh, rpc("signPsbt", "{\"psbt\":\"" + HEX.formatHex(psbt) + "\",\"encoding\":\"hex\"" + allow + "}"));
      assertAgree(p2wpkh, rpc("signPsbt", "{\"psbt\":\"0x" + HEX.formatHex(psbt) + "\",\"encoding\":\"hex\"" + allow + "}"));
      assertAgree(p2wpkh, rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(psbt) + "\"" + allow
          + ",\"allowed_sighash_types\":[\"SINGLE|ANYONECANPAY\",\"NONE\",\"ALL\",\"NONE\"]}"));
      assertAgree(p2wpkh, rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(psbt) + "\"" + allow
          + ",\"allowed_sighash_types\":[]}"));
      // a PSBT with its previous transaction, no flag
      Transaction prev = SignPsbtTest.previous(50_000);
      assertAgree(p2wpkh, rpc("signPsbt", "{\"psbt\":\"" + SignPsbtTest.spending(prev, new byte[] {0},
          prev.serialize()) + "\",\"allow_witness_utxo_only\":false}"));
      // BIP-341's input 0 uses SINGLE
      Wallet keyPath = SignPsbtTest.wallet(chain, "02" + SignPsbtTest.KP_INTERNAL_PUBKEY);
      assertAgree(keyPath, rpc("signPsbt", "{\"psbt\":\""
          + B64.encodeToString(SignPsbtTest.keyPathPsbt()) + "\",\"allowed_sighash_types\":[\"SINGLE\"]}"));
    }
  }

  // -------------------------------------------------------------------------------- refusals

  @Test
  void bodiesBothSidesRefuseAreRefusedByRpcPayloadsWithAChainFormatException() throws Exception {
    Wallet eth = eth();
    String json = EthereumRpcMethodsTest.EIP155_JSON;
    String auth = "{\"contract\":\"0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1\",\"chain_id\":1,\"nonce\":1}";
    List<String> ethBodies = new ArrayList<>(List.of(
        "{\"params\":{\"message\":\"x\"}}",
        "{\"method\":42,\"params\":{\"message\":\"x\"}}",
        "{\"method\":\"personal_sign\"}",
        "{\"method\":\"personal_sign\",\"params\":[]}",
        "{\"method\":\"personal_sign\",\"params\":\"x\"}",
        rpc("eth_sign", "{\"message\":\"x\"}"),
        rpc("raw_sign", "{\"bytes\":\"0x72\"}"),
        rpc("signTransaction", "{\"transaction\":\"AA==\"}"),
        rpc("personal_sign", "{}"),
        rpc("personal_sign", "{\"message\":42}"),
        rpc("personal_sign", "{\"message\":\"zz\",\"encoding\":\"hex\"}"),
        rpc("personal_sign", "{\"message\":\"0xabc\",\"encoding\":\"hex\"}"),
        rpc("personal_sign", "{\"message\":\"hi\",\"encoding\":\"base64\"}"),
        rpc("personal_sign", "{\"message\":\"hi\",\"encoding\":7}"),
        rpc("personal_sign", "{\"message\":\"0x" + "ab".repeat(64 * 1024 + 1) + "\",\"encoding\":\"hex\"}"),
        rpc("personal_sign", "{\"message\":\"" + "ab".repeat(64 * 1024 + 1) + "\",\"encoding\":\"hex\"}"),
        rpc("secp256k1_sign", "{\"hash\":\"0x1234\"}"),
        rpc("secp256k1_sign", "{\"hash\":\"0x" + "11".repeat(33) + "\"}"),
        rpc("secp256k1_sign", "{\"hash\":\"" + "g1".repeat(32) + "\"}"),
        rpc("secp256k1_sign", "{}"),
        rpc("eth_signTransaction", "{}"),
        rpc("eth_signTransaction", "{\"transaction\":42}"),
        rpc("eth_signTransaction", "{\"transaction\":null}"),
        rpc("eth_signTransaction", "{\"transaction\":[]}"),
        rpc("eth_signTransaction", "{\"transaction\":\"0xzz\"}"),
        rpc("eth_signTransaction", "{\"transaction\":\"0x" + "00".repeat(128 * 1024 + 1) + "\"}"),
        rpc("eth_signTransaction", json, "\"caip2\":\"eip155:01\""),
        rpc("eth_signTransaction", json, "\"caip2\":\"eip155:99999999999999999999\""),
        rpc("eth_signTransaction", json, "\"caip2\":\"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp\""),
        rpc("eth_signTransaction", json, "\"caip2\":1"),
        rpc("eth_signTransaction", json.replace("\"chain_id\":1,", "")),
        rpc("eth_signTransaction", json.replace("{\"transaction\"", "{\"allow_pre_eip155\":\"yes\",\"transaction\"")),
        rpc("eth_signTransaction", json.replace("\"gas_price\":\"20000000000\"", "\"gas_price\":1.5")),
        rpc("eth_signTransaction", json.replace("{\"chain_id\"", "{\"frobnicate\":1,\"chain_id\"")),
        rpc("eth_signTransaction", json.replace("{\"chain_id\"", "{\"type\":5,\"chain_id\"")),
        rpc("eth_signTransaction", json.replace("{\"chain_id\"", "{\"chainId\":1,\"chain_id\"")),
        rpc("eth_signTransaction", json.replace("\"0x3535353535353535353535353535353535353535\"", "\"0x35\"")),
        rpc("eth_signTypedData_v4", "{}"),
        rpc("eth_signTypedData_v4", "{\"typed_data\":[]}"),
        rpc("eth_signTypedData_v4", "{\"typed_data\":42}"),
        rpc("eth_signTypedData_v4", "{\"typed_data\":null}"),
        rpc("eth_sign7702Authorization", "{\"contract\":\"0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1\",\"chain_id\":1}"),
        rpc("eth_sign7702Authorization", auth.replace("\"nonce\":1", "\"nonce\":\"0x" + "f".repeat(16) + "\"")),
        rpc("eth_sign7702Authorization", auth.replace("0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1", "0x1234")),
        rpc("eth_sign7702Authorization", auth.replace("0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1",
            "0xb91aaa96b138a1b1d94c9df4628187132c5f2bF1")),
        rpc("eth_sign7702Authorization", auth.replace("\"nonce\":1", "\"nonce\":1,\"r\":\"0x1\"")),
        rpc("eth_sign7702Authorization", auth.replace("\"chain_id\":1", "\"chain_id\":-1")),
        rpc("eth_sign7702Authorization", auth.replace("\"chain_id\":1", "\"chain_id\":1.5"))));
    for (String body : ethBodies) {
      assertBothRefuse(eth, body);
    }

    Wallet sol = Ed25519MethodsTest.wallet(ChainType.SOLANA,
        Ed25519MethodsTest.publicKey(Ed25519MethodsTest.WC_RAW_KEY));
    byte[] unsignedTx = Ed25519MethodsTest.unsignedSolana(Ed25519MethodsTest.WC_RAW_SIGNED_TX);
    for (String body : new String[] {
        rpc("signTransaction", "{\"transaction\":\"%%%\"}"),
        rpc("signTransaction", "{\"transaction\":42}"),
        rpc("signTransaction", "{}"),
        rpc("signTransaction", "{\"transaction\":\"" + B64.encodeToString(
            java.util.Arrays.copyOf(unsignedTx, unsignedTx.length - 1)) + "\"}"),
        rpc("signMessage", "{\"message\":\"" + B64.encodeToString(unsignedTx) + "\"}"),
        rpc("signMessage", "{\"message\":\"\"}"),
        rpc("signMessage", "{\"message\":\"***\"}"),
        rpc("raw_sign", "{\"bytes\":\"zz\"}"),
        rpc("raw_sign", "{\"bytes\":\"0x7\"}"),
        rpc("raw_sign", "{\"bytes\":42}"),
        // one byte over the limit, with and without the 0x prefix
        rpc("raw_sign", "{\"bytes\":\"0x" + "5a".repeat(65_537) + "\"}"),
        rpc("raw_sign", "{\"bytes\":\"" + "5a".repeat(65_537) + "\"}"),
        rpc("raw_sign", "{\"bytes\":\"%%%\",\"encoding\":\"base64\"}"),
        rpc("personal_sign", "{\"message\":\"x\"}"),
        rpc("secp256k1_sign", "{\"hash\":\"0x" + "11".repeat(32) + "\"}"),
        rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(SignPsbtTest.p2wpkhPsbt()) + "\"}")}) {
      assertBothRefuse(sol, body);
    }

    Wallet xlm = Ed25519MethodsTest.wallet(ChainType.STELLAR,
        Ed25519MethodsTest.publicKey(Ed25519MethodsTest.PY_FEE_SOURCE_SEED));
    byte[] published = Base64.getDecoder().decode(Ed25519MethodsTest.PY_FEE_BUMP);
    String unsigned = B64.encodeToString(Ed25519MethodsTest.withoutLastSignature(published));
    for (String body : new String[] {
        rpc("signTransaction", "{\"envelope\":\"" + unsigned + "\"}"),
        rpc("signTransaction", "{\"envelope\":\"" + unsigned + "\",\"network\":\"futurenet\"}"),
        rpc("signTransaction", "{\"envelope\":\"" + unsigned + "\",\"network\":\"testnet\","
            + "\"network_passphrase\":\"x\"}"),
        rpc("signTransaction", "{\"envelope\":\"" + unsigned + "\",\"network\":1}"),
        rpc("signTransaction", "{\"network\":\"testnet\"}"),
        rpc("signTransaction", "{\"envelope\":\"AAAA BQ==\",\"network\":\"testnet\"}"),
        rpc("signMessage", "{\"message\":\"AA==\"}"),
        rpc("raw_sign", "{\"bytes\":\"zz\"}")}) {
      assertBothRefuse(xlm, body);
    }

    Wallet btc = SignPsbtTest.wallet(ChainType.BITCOIN, SignPsbtTest.P2WPKH_PUBKEY);
    byte[] psbt = SignPsbtTest.p2wpkhPsbt();
    for (String body : new String[] {
        rpc("signPsbt", "{\"psbt\":\"not base64!\"}"),
        rpc("signPsbt", "{\"psbt\":\"zz\",\"encoding\":\"hex\"}"),
        rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(java.util.Arrays.copyOf(psbt, psbt.length - 3)) + "\"}"),
        rpc("signPsbt", "{}"),
        rpc("signPsbt", "{\"psbt\":42}"),
        rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(psbt) + "\",\"allow_witness_utxo_only\":\"true\"}"),
        rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(psbt) + "\",\"allow_witness_utxo_only\":1}"),
        rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(psbt) + "\",\"allowed_sighash_types\":\"SINGLE\"}"),
        rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(psbt) + "\",\"allowed_sighash_types\":[3]}"),
        rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(psbt) + "\",\"allowed_sighash_types\":[\"single\"]}"),
        rpc("secp256k1_sign", "{\"hash\":\"0x1234\"}"),
        rpc("personal_sign", "{\"message\":\"x\"}"),
        rpc("raw_sign", "{\"bytes\":\"0x72\"}")}) {
      assertBothRefuse(btc, body);
    }
  }

  /**
   * What RpcPayloads leaves to the enclave's payload signers (it reads fields; it does not decode
   * the transaction or check that the wallet signs it): the parent refuses these bodies, so no
   * request reaches the enclave with them, and the enclave's signer would refuse them as well.
   */
  @Test
  void semanticChecksAreLeftToThePayloadSigners() {
    Wallet eth = eth();
    String unsigned = EthereumRpcMethodsTest.EIP155_UNSIGNED;
    Wallet xlm = Ed25519MethodsTest.wallet(ChainType.STELLAR, HEX.parseHex(RFC8032[0][0]));
    byte[] published = Base64.getDecoder().decode(Ed25519MethodsTest.PY_FEE_BUMP);
    Wallet sol = ed25519(ChainType.SOLANA, RFC8032[0][0]);
    Wallet otherBtc = SignPsbtTest.wallet(ChainType.BITCOIN,
        "03ad1d8e89212f0b92c74d23bb710c00662ad1470198ac48c43f7d6f93a2a26873");
    Object[][] cases = {
        {eth, rpc("eth_signTransaction", "{\"transaction\":\"0x" + unsigned.substring(0, 40) + "\"}")},
        {eth, rpc("eth_signTransaction", "{\"transaction\":\"0x05c0\"}")},
        {eth, rpc("eth_signTransaction", "{\"transaction\":\"0x" + unsigned + "\"}", "\"caip2\":\"eip155:5\"")},
        {xlm, rpc("signTransaction", "{\"envelope\":\"" + B64.encodeToString(
            java.util.Arrays.copyOf(published, published.length - 3)) + "\",\"network\":\"testnet\"}")},
        {xlm, rpc("signTransaction", "{\"envelope\":\"" + Ed25519MethodsTest.PY_FEE_BUMP + "\",\"network\":\"testnet\"}")},
        {xlm, rpc("signTransaction", "{\"envelope\":\"" + Ed25519MethodsTest.PY_FEE_BUMP + "\",\"network_passphrase\":\"\"}")},
        {sol, rpc("signTransaction", "{\"transaction\":\"" + B64.encodeToString(
            Ed25519MethodsTest.unsignedSolana(Ed25519MethodsTest.WC_RAW_SIGNED_TX)) + "\"}")},
        {otherBtc, rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(SignPsbtTest.p2wpkhPsbt()) + "\"}")},
        // witness_utxo only without the flag, and SINGLE not allowed: the signers' rules
        {SignPsbtTest.wallet(ChainType.BITCOIN, SignPsbtTest.P2WPKH_PUBKEY),
            rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(SignPsbtTest.p2wpkhPsbt()) + "\"}")},
        {SignPsbtTest.wallet(ChainType.BITCOIN, "02" + SignPsbtTest.KP_INTERNAL_PUBKEY),
            rpc("signPsbt", "{\"psbt\":\"" + B64.encodeToString(SignPsbtTest.keyPathPsbt()) + "\"}")}};
    for (Object[] c : cases) {
      Wallet w = (Wallet) c[0];
      String body = (String) c[1];
      assertThrows(RuntimeException.class, () -> parentPayload(w, body), body);
      assertTrue(RpcPayloads.kindsOf(w.chainType()).contains(derived(w, body).getPayloadCase()), body);
    }
  }
}
