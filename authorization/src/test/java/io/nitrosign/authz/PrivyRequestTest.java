package io.nitrosign.authz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ChainFormatException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against vectors made by Privy's SDK itself (privy-sdk-vectors.json, see the README beside it). */
class PrivyRequestTest {

  private static final Map<String, Object> FILE = TestData.jsonResource("privy-sdk-vectors.json");
  private static final List<Map<String, Object>> VECTORS = TestData.list(FILE.get("vectors"));
  private static final List<P256Key> KEYS = TestData.list(FILE.get("keys")).stream()
      .map(k -> P256Key.fromSpkiBase64((String) k.get("publicKeySpki"))).toList();

  private static byte[] payload(Map<String, Object> v) {
    Object body = PrivyRequest.parseBody(((String) v.get("body")).getBytes(StandardCharsets.UTF_8));
    return PrivyRequest.signedPayload((String) v.get("method"), (String) v.get("url"), body,
        (String) v.get("appId"), (String) v.get("idempotencyKey"), (String) v.get("requestExpiry"));
  }

  @Test
  void everySdkVectorsPayloadIsRebuiltByteForByte() {
    assertTrue(VECTORS.size() >= 6);
    for (Map<String, Object> v : VECTORS) {
      assertEquals(v.get("payload"), new String(payload(v), StandardCharsets.UTF_8), (String) v.get("name"));
    }
  }

  @Test
  void everySdkSignatureVerifiesUnderItsKeyAndNotTheOther() {
    for (Map<String, Object> v : VECTORS) {
      byte[] payload = payload(v);
      @SuppressWarnings("unchecked")
      List<String> sigs = (List<String>) v.get("signatures");
      for (int i = 0; i < sigs.size(); i++) {
        byte[] sig = Base64.getDecoder().decode(sigs.get(i));
        assertTrue(KEYS.get(i).verify(payload, sig), v.get("name") + " key " + i);
        assertFalse(KEYS.get(1 - i).verify(payload, sig), v.get("name") + " wrong key " + i);
      }
    }
  }

  @Test
  void theSdkSignsBothLowAndHighSAndEveryTwinWithTheOtherSVerifiesToo() {
    BigInteger halfN = P256KeyTest.N.shiftRight(1);
    int sdkHighS = 0;
    int sdkLowS = 0;
    for (Map<String, Object> v : VECTORS) {
      byte[] payload = payload(v);
      @SuppressWarnings("unchecked")
      List<String> sigs = (List<String>) v.get("signatures");
      @SuppressWarnings("unchecked")
      List<String> twins = (List<String>) v.get("otherSSignatures");
      for (int i = 0; i < sigs.size(); i++) {
        BigInteger[] sdk = P256Key.decodeDer(Base64.getDecoder().decode(sigs.get(i)));
        if (sdk[1].compareTo(halfN) > 0) {
          sdkHighS++;
        } else {
          sdkLowS++;
        }
        byte[] twin = Base64.getDecoder().decode(twins.get(i));
        assertEquals(P256KeyTest.N, P256Key.decodeDer(twin)[1].add(sdk[1]), "twin has s' = n - s");
        assertTrue(KEYS.get(i).verify(payload, twin), v.get("name") + " other-S twin, key " + i);
      }
    }
    assertTrue(sdkHighS > 0 && sdkLowS > 0, "the SDK's own signatures include both forms");
  }

  @Test
  void theSdkHeaderParsesIntoItsSignatures() {
    for (Map<String, Object> v : VECTORS) {
      List<byte[]> parsed = SignatureHeader.parse((String) v.get("header"));
      @SuppressWarnings("unchecked")
      List<String> sigs = (List<String>) v.get("signatures");
      assertEquals(sigs.size(), parsed.size());
      for (int i = 0; i < sigs.size(); i++) {
        assertArrayEquals(Base64.getDecoder().decode(sigs.get(i)), parsed.get(i));
      }
    }
  }

  @Test
  void aTamperedPayloadByteFailsVerification() {
    Map<String, Object> v = VECTORS.get(0);
    byte[] payload = payload(v);
    byte[] sig = Base64.getDecoder().decode(((List<?>) v.get("signatures")).get(0).toString());
    for (int i = 0; i < payload.length; i += 7) {
      payload[i] ^= 1;
      assertFalse(KEYS.get(0).verify(payload, sig));
      payload[i] ^= 1;
    }
    assertTrue(KEYS.get(0).verify(payload, sig));
  }

  @Test
  void anAbsentEmptyOrEmptyObjectBodyIsSignedAsTheEmptyString() {
    String expected = "{\"body\":\"\",\"headers\":{\"privy-app-id\":\"app\"},\"method\":\"POST\",\"url\":\"u\",\"version\":1}";
    for (Object body : new Object[] {null, PrivyRequest.parseBody(null), PrivyRequest.parseBody(new byte[0]),
        PrivyRequest.parseBody(" { } ".getBytes(StandardCharsets.UTF_8))}) {
      assertEquals(expected, new String(PrivyRequest.signedPayload("POST", "u", body, "app", "", null),
          StandardCharsets.UTF_8));
    }
  }

  @Test
  void anEmptyArrayOrStringBodyIsKeptAsIs() {
    assertEquals("{\"body\":[],\"headers\":{\"privy-app-id\":\"a\",\"privy-request-expiry\":\"5\"},\"method\":\"PUT\",\"url\":\"u\",\"version\":1}",
        new String(PrivyRequest.signedPayload("PUT", "u", List.of(), "a", null, "5"), StandardCharsets.UTF_8));
  }

  @Test
  void malformedBodiesAreRefusedWithoutQuotingThem() {
    for (String body : new String[] {"{\"a\":1,\"a\":2}", "{\"a\":1} x", "{'a':1}", "[01]", " "}) {
      ChainFormatException e = assertThrows(ChainFormatException.class,
          () -> PrivyRequest.parseBody(body.getBytes(StandardCharsets.UTF_8)));
      assertFalse(e.getMessage().contains("a\""));
    }
    assertThrows(IllegalArgumentException.class, () -> PrivyRequest.parseBody("null".getBytes(StandardCharsets.UTF_8)));
    byte[] deep = ("[".repeat(65) + "]".repeat(65)).getBytes(StandardCharsets.UTF_8);
    assertThrows(ChainFormatException.class, () -> PrivyRequest.parseBody(deep));
    assertThrows(ChainFormatException.class, () -> PrivyRequest.parseBody(new byte[(1 << 20) + 1]));
  }

  @Test
  void aBodyNumberBeyondTheDoubleRangeCannotBeSigned() {
    Object body = PrivyRequest.parseBody("{\"v\":1e400}".getBytes(StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class, () -> PrivyRequest.signedPayload("POST", "u", body, "a", null, null));
  }
}
