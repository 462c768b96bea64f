package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.chains.ethereum.Keccak256;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Ethereum through the running system (PostgreSQL, the enclave JVM, the parent host, as separate
 * processes started by {@link LocalStack}): each specification's known private key is imported
 * with {@link WalletImportCli} (HPKE to the attested enclave), its example payload is signed
 * through {@code POST /v1/wallets/{id}/rpc}, and the published output comes back byte for byte.
 * Bad input is refused with 400 and a typed code, and audited as rejected.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EthereumEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static Path home;
  private static LocalStack stack;
  private static Http http;
  private static String auth;
  /** Wallet ids by private key (hex). */
  private static final Map<String, String> WALLETS = new HashMap<>();

  // Origin: EIP-155 "Example" (ethereum/EIPs EIPS/eip-155.md): key 0x4646…46, nonce 9, gas price
  // 20 gwei, gas 21000, to 0x3535…35, value 1 ether, chain id 1; the signed transaction 0xf86c….
  static final String EIP155_KEY = "46".repeat(32);
  static final String EIP155_UNSIGNED =
      "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";
  static final String EIP155_SIGNED = "0xf86c098504a817c800825208943535353535353535353535353535353535353535"
      + "880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067"
      + "cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
  static final String EIP155_PARAMS = "{\"transaction\":{\"chain_id\":1,\"nonce\":9,"
      + "\"gas_price\":\"20000000000\",\"gas_limit\":21000,\"to\":\"0x3535353535353535353535353535353535353535\","
      + "\"value\":\"0xde0b6b3a7640000\",\"data\":\"0x\"}}";

  // Origin: ethereumjs/ethereumjs-monorepo packages/tx/test/eip2930.spec.ts (commit
  // 9c847d78c080007db99299f967971abe41b68162), "should sign transaction correctly and return
  // expected JSON" (data from INFURA/go-ethlibs eth/transaction_signing_test.go).
  static final String EIP2930_KEY = "fad9c8855b740a0b7ed4c221dbad0f33a83a49cad6b3fe8d5817ac83d38b6a19";
  static final String EIP2930_PARAMS = "{\"transaction\":{\"type\":\"0x1\",\"chainId\":\"0x796f6c6f763378\","
      + "\"nonce\":\"0x0\",\"gasPrice\":\"0x3b9aca00\",\"gas\":\"0x62d4\","
      + "\"to\":\"0xdf0a88b2b68c673713a8ec826003676f272e3573\",\"value\":\"0x1\",\"data\":\"0x\","
      + "\"accessList\":[{\"address\":\"0x0000000000000000000000000000000000001337\",\"storageKeys\":"
      + "[\"0x0000000000000000000000000000000000000000000000000000000000000000\"]}]}}";
  static final String EIP2930_SIGNED = "0x01f8a587796f6c6f76337880843b9aca008262d494df0a88b2b68c673713a8ec"
      + "826003676f272e35730180f838f7940000000000000000000000000000000000001337e1a00000000000000000"
      + "00000000000000000000000000000000000000000000000080a0294ac94077b35057971e6b4b06dfdf55a6fbed"
      + "819133a6c1d31e187f1bca938da00be950468ba1c25a5cb50e9f6d8aa13c8cd21f24ba909402775b262ac76d"
      + "374d";
  static final String EIP2930_HASH = "0xbbd570a3c6acc9bb7da0d5c0322fe4ea2a300db80226f7df4fef39b2d6649eec";

  // Origin: ethereumjs/ethereumjs-monorepo packages/tx/test/json/eip1559.json (commit
  // 052242cc97facfc1e449afbbff8e0efa3ceea964): the vectors with nonce 819 and 353 (key
  // 0x8f2a5594…, chain 7822, to 0x…aaaa); signedTransactionRLP without its RLP string header.
  static final String EIP1559_KEY = "8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63";
  static final String[][] EIP1559 = {
      // nonce, value, gas limit, max priority fee, max fee, signed
      {"819", "43203529", "35552", "75853", "121212",
          "0x02f870821e8e8203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc9"
              + "80c080a0d067f2167008c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0a01d305af9fe81fd"
              + "ba43f0dfcd400ed24dcace0a7e30d4e85701dcaaf484cd079e"},
      {"353", "61901619", "32593", "38850", "136295",
          "0x02f86f821e8e8201618297c283021467827f5194000000000000000000000000000000000000aaaa8403b08b3380"
              + "c001a004205678f13fc1d7b10feea6513dfa76e24418b6e08097d95c6f93a3b64e536da01d45ad61bfece438"
              + "62de2cce7d2575a8c1d08c26c87f3cb5f26d7b0be54a91b2"}};

  // Origin: EIP-712 (ethereum/EIPs EIPS/eip-712.md, assets/eip-712/Example.js): the Mail example
  // signed with keccak256("cow"): v 28, r 0x4355c47d…, s 0x07299936…. Sent in Privy's shape
  // (primary_type).
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
  static final String MAIL_SIGNATURE = "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d"
      + "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b915621c";
  static final String MAIL_DIGEST = "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2";

  // Origin: trustwallet/wallet-core rust/tw_evm/tests/eip7702.rs (commit
  // bda7c1e7ad61802a6442e53fee7617d554169ddd), test_sign_authorization ("Verified with viem").
  static final String EIP7702_KEY = "947dd69af402e7f48da1b845dfc1df6be593d01a0d8274bd03ec56712e7164e8";

  @BeforeAll
  static void up() throws Exception {
    SharedStack shared = SharedStack.get();
    home = shared.home();
    stack = shared.stack();
    auth = shared.auth();
    http = shared.http();
  }

  /** Imports {@code privateKeyHex} once with the CLI; returns the wallet id. */
  private static String wallet(String privateKeyHex, String expectedAddress) throws Exception {
    String existing = WALLETS.get(privateKeyHex);
    if (existing != null) {
      return existing;
    }
    Path keyFile = home.resolve("key-" + WALLETS.size());
    Files.writeString(keyFile, privateKeyHex);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = WalletImportCli.run(new String[] {"--key-file", keyFile.toString(),
        "--chain-type", "ethereum"}, home, java.io.InputStream.nullInputStream(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    Files.delete(keyFile);
    assertEquals(0, code, err::toString);
    JsonNode w = JSON.readTree(out.toString());
    if (expectedAddress != null) {
      assertEquals(expectedAddress, w.get("address").asText());
    }
    WALLETS.put(privateKeyHex, w.get("id").asText());
    return w.get("id").asText();
  }

  private static Http.Reply rpc(String walletId, String method, String params, String extra)
      throws Exception {
    String body = "{\"method\":\"" + method + "\",\"params\":" + params
        + (extra == null ? "" : "," + extra) + "}";
    return http.post("/v1/wallets/" + walletId + "/rpc", auth, body);
  }

  private static JsonNode ok(Http.Reply r, String method) {
    assertEquals(200, r.status(), () -> r.raw().body());
    assertEquals(method, r.body().get("method").asText());
    return r.body().get("data");
  }

  private static String keccakHex(String hex) {
    return "0x" + HEX.formatHex(Keccak256.hash(HEX.parseHex(hex.substring(2))));
  }

  @Test
  @Order(10)
  void eip155ExampleAsPrivyJsonAndAsUnsignedRlp() throws Exception {
    String id = wallet(EIP155_KEY, "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F");
    JsonNode fromJson = ok(rpc(id, "eth_signTransaction", EIP155_PARAMS, "\"caip2\":\"eip155:1\""),
        "eth_signTransaction");
    assertEquals(EIP155_SIGNED, fromJson.get("signed_transaction").asText());
    assertEquals("rlp", fromJson.get("encoding").asText());
    assertEquals(keccakHex(EIP155_SIGNED), fromJson.get("hash").asText());
    JsonNode fromRlp = ok(rpc(id, "eth_signTransaction",
        "{\"transaction\":\"" + EIP155_UNSIGNED + "\"}", null), "eth_signTransaction");
    assertEquals(EIP155_SIGNED, fromRlp.get("signed_transaction").asText());
    assertEquals(fromJson.get("hash").asText(), fromRlp.get("hash").asText());
  }

  @Test
  @Order(20)
  void eip2930EthereumjsVector() throws Exception {
    JsonNode d = ok(rpc(wallet(EIP2930_KEY, null), "eth_signTransaction", EIP2930_PARAMS,
        "\"caip2\":\"eip155:" + Long.parseLong("796f6c6f763378", 16) + "\""), "eth_signTransaction");
    assertEquals(EIP2930_SIGNED, d.get("signed_transaction").asText());
    assertEquals(EIP2930_HASH, d.get("hash").asText());
  }

  @Test
  @Order(30)
  void eip1559EthereumjsVectors() throws Exception {
    String id = wallet(EIP1559_KEY, null);
    for (String[] v : EIP1559) {
      String params = "{\"transaction\":{\"chain_id\":7822,\"nonce\":" + v[0] + ",\"value\":" + v[1]
          + ",\"gas_limit\":" + v[2] + ",\"max_priority_fee_per_gas\":" + v[3] + ",\"max_fee_per_gas\":"
          + v[4] + ",\"to\":\"0x000000000000000000000000000000000000aaaa\"}}";
      JsonNode d = ok(rpc(id, "eth_signTransaction", params, "\"caip2\":\"eip155:7822\""),
          "eth_signTransaction");
      assertEquals(v[5], d.get("signed_transaction").asText(), "nonce " + v[0]);
      assertEquals(keccakHex(v[5]), d.get("hash").asText());
    }
  }

  @Test
  @Order(40)
  void eip712MailExample() throws Exception {
    String cow = HEX.formatHex(Keccak256.hash("cow".getBytes(StandardCharsets.US_ASCII)));
    String id = wallet(cow, "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
    JsonNode d = ok(rpc(id, "eth_signTypedData_v4", "{\"typed_data\":" + MAIL + "}", null),
        "eth_signTypedData_v4");
    assertEquals(MAIL_SIGNATURE, d.get("signature").asText());
    assertEquals("hex", d.get("encoding").asText());
    assertEquals(MAIL_DIGEST, d.get("digest").asText());
    // the same typed data as a JSON string (wallet JSON-RPC style) signs the same
    JsonNode s = ok(rpc(id, "eth_signTypedData_v4",
        "{\"typed_data\":" + JSON.writeValueAsString(MAIL.replace("\":", "\": ")) + "}", null),
        "eth_signTypedData_v4");
    assertEquals(MAIL_SIGNATURE, s.get("signature").asText());
  }

  @Test
  @Order(50)
  void eip7702WalletCoreVector() throws Exception {
    JsonNode d = ok(rpc(wallet(EIP7702_KEY, null), "eth_sign7702Authorization",
        "{\"contract\":\"0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1\",\"chain_id\":1,\"nonce\":1}",
        "\"caip2\":\"eip155:1\""), "eth_sign7702Authorization");
    JsonNode a = d.get("authorization");
    assertEquals("0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1", a.get("contract").asText());
    assertEquals(1, a.get("chain_id").asInt());
    assertEquals(1, a.get("nonce").asInt());
    assertEquals("0x2c39f2f64441dd38c364ee175dc6b9a87f34ca330bce968f6c8e22811e3bb710", a.get("r").asText());
    assertEquals("0x5f1bcde93dee4b214e60bc0e63babcc13e4fecb8a23c4098fd89844762aa012c", a.get("s").asText());
    assertEquals(1, a.get("y_parity").asInt());
  }

  @Test
  @Order(60)
  void ethereumSignaturesCanBeAttested() throws Exception {
    JsonNode d = ok(rpc(wallet(EIP155_KEY, null), "eth_signTransaction", EIP155_PARAMS,
        "\"attest\":true,\"attestation_mode\":\"fast\",\"nonce\":\"0x01\""), "eth_signTransaction");
    assertEquals(EIP155_SIGNED, d.get("signed_transaction").asText());
    assertEquals("fast", d.get("attestation").get("mode").asText());
    assertNotNull(d.get("binding"));
  }

  @Test
  @Order(70)
  void badInputIsRefusedWithTypedErrorsAndAuditedAsRejected() throws Exception {
    String id = wallet(EIP155_KEY, null);
    List<String[]> cases = new ArrayList<>();
    // {method, params, extra top-level fields, expected code, text the message contains}
    cases.add(new String[] {"eth_signTransaction",
        "{\"transaction\":\"" + EIP155_UNSIGNED.substring(0, 42) + "\"}", null, "malformed_payload", "tx"});
    cases.add(new String[] {"eth_signTransaction", EIP155_PARAMS, "\"caip2\":\"eip155:5\"",
        "malformed_payload", "tx.chainId"});
    cases.add(new String[] {"eth_signTransaction", EIP155_PARAMS.replace("\"chain_id\":1,", ""), null,
        "malformed_payload", "pre-EIP-155"});
    cases.add(new String[] {"eth_signTransaction", "{\"transaction\":\"0x05c0\"}", null,
        "malformed_payload", "tx.type"});
    cases.add(new String[] {"eth_signTransaction",
        EIP155_PARAMS.replace("{\"chain_id\"", "{\"type\":5,\"chain_id\""), null, "malformed_payload", "tx.type"});
    cases.add(new String[] {"eth_signTypedData_v4", "{\"typed_data\":{\"types\":{\"EIP712Domain\":[],"
        + "\"T\":[{\"name\":\"v\",\"type\":\"uint8[]\"}]},\"primaryType\":\"T\",\"domain\":{},"
        + "\"message\":{\"v\":[" + "1,".repeat(1024) + "1]}}}", null, "malformed_payload", "more than 1024"});
    cases.add(new String[] {"eth_signTypedData_v4", "{\"typed_data\":" + JSON.writeValueAsString(
        MAIL.replace("{\"name\":\"Bob\",", "{\"name\":\"Bob\",\"name\":\"Eve\",")) + "}", null,
        "malformed_payload", "duplicate key"});
    cases.add(new String[] {"eth_sign7702Authorization",
        "{\"contract\":\"0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1\",\"chain_id\":1,\"nonce\":1}",
        "\"caip2\":\"eip155:10\"", "malformed_payload", "authorization.chainId"});
    cases.add(new String[] {"eth_signTransaction", "{\"transaction\":42}", null, "invalid_request", "params.transaction"});
    for (String[] c : cases) {
      Http.Reply r = rpc(id, c[0], c[1], c[2]);
      String what = c[0] + " " + c[4];
      assertEquals(400, r.status(), () -> what + ": " + r.raw().body());
      assertEquals(c[3], r.body().get("code").asText(), what);
      assertTrue(r.body().get("error").asText().contains(c[4]), () -> what + ": " + r.raw().body());
      assertFalse(r.raw().body().contains("Exception"), r.raw().body());
    }
    // pre-EIP-155 is signed when the request allows it explicitly
    JsonNode pre = ok(rpc(id, "eth_signTransaction", EIP155_PARAMS.replace("\"chain_id\":1,", "")
        .replace("{\"transaction\"", "{\"allow_pre_eip155\":true,\"transaction\""), null), "eth_signTransaction");
    assertTrue(pre.get("signed_transaction").asText().startsWith("0xf86c09"));
    // typed data over the body cap
    Http.Reply huge = rpc(id, "eth_signTypedData_v4",
        "{\"typed_data\":" + JSON.writeValueAsString(" ".repeat(300 * 1024) + MAIL) + "}", null);
    assertEquals(413, huge.status(), () -> huge.raw().body());
    assertEquals("payload_too_large", huge.body().get("code").asText());

    Map<String, Long> counts = new HashMap<>();
    List<String> successes = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement(
            "SELECT outcome, error_code, detail FROM audit_log WHERE wallet_id = ? AND action = 'wallet.sign'")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.merge(rs.getString(1) + "/" + rs.getString(2), 1L, Long::sum);
          if (rs.getString(1).equals("succeeded")) {
            successes.add(rs.getString(3));
          }
        }
      }
    }
    assertEquals(8L, counts.get("rejected/malformed_payload"), counts.toString());
    assertEquals(1L, counts.get("rejected/invalid_request"), counts.toString());
    assertEquals(1L, counts.get("rejected/payload_too_large"), counts.toString());
    String first = successes.get(0);
    JsonNode detail = JSON.readTree(first);
    assertEquals("eth_signTransaction", detail.get("method").asText());
    JsonNode decoded = detail.get("decoded");
    assertEquals(1, decoded.get("chain_id").asInt());
    assertEquals("0x3535353535353535353535353535353535353535", decoded.get("to").asText());
    assertEquals("1000000000000000000", decoded.get("value").asText());
    assertEquals("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53",
        decoded.get("digest").asText());
    assertEquals(keccakHex(EIP155_SIGNED), decoded.get("tx_hash").asText());
    assertTrue(successes.stream().anyMatch(s -> s.contains("\"pre_eip155\":true")), successes.toString());
  }

}
