package io.nitrosign.policy.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.nitrosign.chains.ethereum.Eip712;
import io.nitrosign.chains.ethereum.TypedDataJson;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EIP-712 typed data. Origin: EIP-712 (ethereum/EIPs EIPS/eip-712.md, assets/eip-712/Example.js):
 * the Mail example, whose hashStruct(message) the example prints as 0xc52c0ee5… and whose digest
 * is 0xbe609aee… (also chains' test resource eip712-mail.json).
 */
class TypedDataPayloadTest {

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

  @Test
  void mailExample() {
    byte[] json = MAIL.getBytes(StandardCharsets.UTF_8);
    Map<String, Object> parsed = TypedDataJson.parse(json);
    Eip712.Digest digest = Eip712.hash(parsed);
    assertEquals("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2",
        HexFormat.of().formatHex(digest.digest()));
    TypedDataPayload p = TypedDataPayload.of(parsed, json.length);
    assertEquals("Mail", p.primaryType());
    assertEquals(BigInteger.ONE, p.domain().get("chainId"));
    assertEquals("0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC", p.domain().get("verifyingContract"));
    assertEquals("Hello, Bob!", p.message().get("contents"));
    assertEquals(List.of("EIP712Domain", "Person", "Mail"), List.copyOf(p.types().keySet()));
    assertEquals(json.length, p.length());

    Map<String, Object> a = p.audit();
    assertEquals(List.of("primary_type", "domain", "length", "message_hash"),
        List.copyOf(a.keySet()));
    assertEquals("Mail", a.get("primary_type"));
    assertEquals(Map.of("name", "Ether Mail", "version", "1", "chain_id", "1",
        "verifying_contract", "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"), a.get("domain"));
    assertEquals(json.length, a.get("length"));
    assertEquals("0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e",
        a.get("message_hash"));
    assertEquals("0x" + HexFormat.of().formatHex(digest.messageHash()), a.get("message_hash"));

    p.signed().put("digest", "0x" + HexFormat.of().formatHex(digest.digest()));
    assertEquals(List.of("primary_type", "domain", "length", "message_hash", "digest"),
        List.copyOf(p.audit().keySet()));
  }

  @Test
  void longTextsAreCutAndADomainOnlySignatureHasNoMessageHash() {
    String longName = "n".repeat(300);
    byte[] json = ("{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"}]},"
        + "\"primaryType\":\"EIP712Domain\",\"domain\":{\"name\":\"" + longName + "\"},\"message\":{}}")
        .getBytes(StandardCharsets.UTF_8);
    Map<String, Object> parsed = TypedDataJson.parse(json);
    Eip712.hash(parsed);
    Map<String, Object> a = TypedDataPayload.of(parsed, json.length).audit();
    assertEquals("EIP712Domain", a.get("primary_type"));
    assertEquals("n".repeat(256) + "…", ((Map<?, ?>) a.get("domain")).get("name"));
    assertNull(a.get("message_hash"));
  }
}
