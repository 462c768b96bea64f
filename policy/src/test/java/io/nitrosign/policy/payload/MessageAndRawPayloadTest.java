package io.nitrosign.policy.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Messages and raw bytes: the audit row holds their length and SHA-256, never the bytes. SHA-256
 * vectors from FIPS 180-2 appendix B.1 ("abc") and the empty string (NIST's SHA-256 examples).
 */
class MessageAndRawPayloadTest {

  static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  static final String SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void messageKeepsItsBytesAndAuditsLengthAndHash() {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    MessagePayload p = MessagePayload.of(abc);
    assertArrayEquals(abc, p.message());
    Map<String, Object> a = p.audit();
    assertEquals(List.of("length", "sha256"), List.copyOf(a.keySet()));
    assertEquals(3, a.get("length"));
    assertEquals("0x" + SHA256_ABC, a.get("sha256"));
    p.signed().put("digest", "0x00");
    assertEquals(List.of("length", "sha256", "digest"), List.copyOf(p.audit().keySet()));
  }

  @Test
  void rawBytesAreOnlyLengthAndHash() {
    RawPayload p = RawPayload.of(new byte[0]);
    assertEquals(0, p.length());
    assertEquals(SHA256_EMPTY, HexFormat.of().formatHex(p.sha256()));
    assertEquals(Map.of("length", 0, "sha256", "0x" + SHA256_EMPTY), p.audit());
    RawPayload abc = RawPayload.of("abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals("0x" + SHA256_ABC, abc.audit().get("sha256"));
  }
}
