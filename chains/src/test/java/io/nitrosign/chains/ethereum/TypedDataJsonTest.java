package io.nitrosign.chains.ethereum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ChainFormatException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Typed data from JSON bytes, the way the parent and the enclave both read it. */
class TypedDataJsonTest {

  private static final HexFormat HEX = HexFormat.of();

  static byte[] resource(String name) throws Exception {
    try (InputStream in = TypedDataJsonTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  /**
   * Origin: EIP-712 (ethereum/EIPs EIPS/eip-712.md, assets/eip-712/Example.js): the Mail example's
   * digest, and the signature Example.js makes with the private key keccak256("cow") (v 28, r
   * 0x4355c47d…, s 0x07299936…). The same 65-byte signature is MetaMask's documented
   * eth_signTypedData_v4 example response.
   */
  @Test
  void eipMailExampleFromBytes() throws Exception {
    Eip712.Digest d = TypedDataJson.hash(resource("eip712-mail.json"));
    assertEquals("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2",
        HEX.formatHex(d.digest()));
    BigInteger cow = new BigInteger(1, Keccak256.hash("cow".getBytes(StandardCharsets.US_ASCII)));
    assertTrue(Secp256k1Check.verifies(cow, d.digest(),
        new BigInteger("4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d", 16),
        new BigInteger("07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562", 16), 1));
  }

  /** The same digest as the Gson-parsed tree for every typed-data resource (two parsers agree). */
  @Test
  void agreesWithAnotherParser() throws Exception {
    for (String name : new String[] {"eip712-mail.json", "eip712-rskj-typed_data.json",
        "eip712-rskj-rec_typed_data.json"}) {
      assertArrayEquals(Eip712.hash(Eip712Test.load(name)).digest(),
          TypedDataJson.hash(resource(name)).digest(), name);
    }
  }

  @Test
  void privysPrimaryTypeSpellingIsAccepted() throws Exception {
    String mail = new String(resource("eip712-mail.json"), StandardCharsets.UTF_8);
    byte[] privy = mail.replace("\"primaryType\"", "\"primary_type\"").getBytes(StandardCharsets.UTF_8);
    Map<String, Object> parsed = TypedDataJson.parse(privy);
    assertEquals("Mail", parsed.get("primaryType"));
    assertEquals("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2",
        HEX.formatHex(TypedDataJson.hash(privy).digest()));
    byte[] both = mail.replace("\"primaryType\": \"Mail\",",
        "\"primaryType\": \"Mail\", \"primary_type\": \"Mail\",").getBytes(StandardCharsets.UTF_8);
    assertEquals("typedData.primary_type",
        assertThrows(ChainFormatException.class, () -> TypedDataJson.parse(both)).field());
  }

  @Test
  void jsonThatIsNotStrictIsRefusedBeforeHashing() throws Exception {
    String mail = new String(resource("eip712-mail.json"), StandardCharsets.UTF_8);
    String[] bad = {
        mail.replace("\"contents\": \"Hello, Bob!\"", "\"contents\": \"Hello, Bob!\", \"contents\": \"x\""),
        mail + "{}",
        mail.replace("\"chainId\": 1,", "\"chainId\": 01,"),
        mail.replace("\"Hello, Bob!\"", "'Hello, Bob!'"),
        mail.replace("\"Cow\"", "\"\\ud800\""),
        "[]",
    };
    for (String b : bad) {
      ChainFormatException e = assertThrows(ChainFormatException.class,
          () -> TypedDataJson.hash(b.getBytes(StandardCharsets.UTF_8)));
      assertEquals("typedData", e.field());
    }
    byte[] over = new byte[TypedDataJson.MAX_BYTES + 1];
    java.util.Arrays.fill(over, (byte) ' ');
    over[0] = '{';
    over[1] = '}';
    assertEquals("JSON document larger than 262144 bytes",
        assertThrows(ChainFormatException.class, () -> TypedDataJson.hash(over)).reason());
  }

  @Test
  void numbersMayBeBigIntegersOrStrings() throws Exception {
    String mail = new String(resource("eip712-mail.json"), StandardCharsets.UTF_8);
    byte[] expected = TypedDataJson.hash(mail.getBytes(StandardCharsets.UTF_8)).digest();
    for (String chainId : new String[] {"\"0x1\"", "\"1\"", "1.0", "1e0", "10e-1"}) {
      byte[] variant = mail.replace("\"chainId\": 1,", "\"chainId\": " + chainId + ",")
          .getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(expected, TypedDataJson.hash(variant).digest(), chainId);
    }
    byte[] fraction = mail.replace("\"chainId\": 1,", "\"chainId\": 1.5,").getBytes(StandardCharsets.UTF_8);
    assertEquals("typedData.domain.chainId",
        assertThrows(ChainFormatException.class, () -> TypedDataJson.hash(fraction)).field());
  }
}
