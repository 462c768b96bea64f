package io.nitrosign.hpke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 9180 Appendix A.3.1: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode, byte
 * for byte through every intermediate value. Mismatches are collected and reported together.
 */
class Rfc9180VectorTest {

  private static final HexFormat HEX = HexFormat.of();
  private static Map<String, String> setup;
  private static List<Map<String, String>> encryptions;

  @BeforeAll
  static void load() throws IOException {
    setup = new LinkedHashMap<>();
    encryptions = new ArrayList<>();
    Map<String, String> current = setup;
    try (InputStream in = Rfc9180VectorTest.class.getResourceAsStream("rfc9180-a3-base.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int colon = line.indexOf(':');
        String name = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        if (name.equals("seq")) {
          current = new LinkedHashMap<>();
          encryptions.add(current);
        }
        current.put(name, value);
      }
    }
    assertEquals(6, encryptions.size());
  }

  private static byte[] v(String name) {
    return HEX.parseHex(setup.get(name));
  }

  private static void check(List<String> failures, String what, byte[] expected, byte[] actual) {
    if (!java.util.Arrays.equals(expected, actual)) {
      failures.add(what + ": expected " + HEX.formatHex(expected) + " got " + HEX.formatHex(actual));
    }
  }

  @Test
  void suiteIdentifiersMatch() {
    HpkeSuite suite = HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_128_GCM;
    assertEquals(Integer.parseInt(setup.get("kem_id")), suite.kem().id());
    assertEquals(Integer.parseInt(setup.get("kdf_id")), suite.kdf().id());
    assertEquals(Integer.parseInt(setup.get("aead_id")), suite.aead().id());
  }

  @Test
  void deriveKeyPairAndSerialize() throws Exception {
    List<String> failures = new ArrayList<>();
    try (HpkeKeyPair e = HpkeKeyPair.derive(v("ikmE"));
        HpkeKeyPair r = HpkeKeyPair.derive(v("ikmR"))) {
      check(failures, "skEm", v("skEm"), e.privateKeyCopy());
      check(failures, "pkEm", v("pkEm"), e.publicKey());
      check(failures, "skRm", v("skRm"), r.privateKeyCopy());
      check(failures, "pkRm", v("pkRm"), r.publicKey());
    }
    try (HpkeKeyPair e = HpkeKeyPair.fromPrivateKey(v("skEm"));
        HpkeKeyPair r = HpkeKeyPair.fromPrivateKey(v("skRm"))) {
      check(failures, "pk(skEm)", v("pkEm"), e.publicKey());
      check(failures, "pk(skRm)", v("pkRm"), r.publicKey());
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void encapDecapAndKeySchedule() throws Exception {
    HpkeSuite suite = HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_128_GCM;
    List<String> failures = new ArrayList<>();
    try (HpkeKeyPair e = HpkeKeyPair.fromPrivateKey(v("skEm"));
        HpkeKeyPair r = HpkeKeyPair.fromPrivateKey(v("skRm"))) {
      DhkemP256.Encapsulation enc = DhkemP256.encap(v("pkRm"), e);
      check(failures, "enc", v("enc"), enc.enc());
      check(failures, "shared_secret (encap)", v("shared_secret"), enc.sharedSecret());
      check(failures, "shared_secret (decap)", v("shared_secret"), DhkemP256.decap(v("enc"), r));
    }
    check(failures, "key_schedule_context", v("key_schedule_context"),
        HpkeContext.keyScheduleContext(suite, v("info")));
    check(failures, "secret", v("secret"), HpkeContext.secret(suite, v("shared_secret")));
    try (HpkeContext ctx = HpkeContext.keySchedule(suite, v("shared_secret"), v("info"))) {
      check(failures, "key", v("key"), ctx.keyCopy());
      check(failures, "base_nonce", v("base_nonce"), ctx.baseNonceCopy());
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void encryptionsAtEverySequenceNumber() throws Exception {
    HpkeSuite suite = HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_128_GCM;
    List<String> failures = new ArrayList<>();
    try (HpkeKeyPair r = HpkeKeyPair.fromPrivateKey(v("skRm"));
        HpkeContext sender = HpkeContext.keySchedule(suite, v("shared_secret"), v("info"));
        HpkeContext receiver = HpkeContext.keySchedule(
            suite, DhkemP256.decap(v("enc"), r), v("info"))) {
      for (Map<String, String> enc : encryptions) {
        long seq = Long.parseLong(enc.get("seq"));
        byte[] pt = HEX.parseHex(enc.get("pt"));
        byte[] aad = HEX.parseHex(enc.get("aad"));
        byte[] ct = HEX.parseHex(enc.get("ct"));
        sender.setSeq(seq);
        check(failures, "nonce seq " + seq, HEX.parseHex(enc.get("nonce")), sender.computeNonce());
        check(failures, "ct seq " + seq, ct, sender.seal(aad, pt));
        receiver.setSeq(seq);
        try {
          check(failures, "pt seq " + seq, pt, receiver.open(aad, ct));
        } catch (HpkeException ex) {
          failures.add("open seq " + seq + ": " + ex.getMessage());
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void singleShotApiReproducesSequenceZero() throws Exception {
    HpkeSuite suite = HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_128_GCM;
    Map<String, String> first = encryptions.get(0);
    assertEquals("0", first.get("seq"));
    byte[] pt = HEX.parseHex(first.get("pt"));
    byte[] aad = HEX.parseHex(first.get("aad"));
    byte[] ct = HEX.parseHex(first.get("ct"));
    List<String> failures = new ArrayList<>();
    try (HpkeKeyPair e = HpkeKeyPair.derive(v("ikmE"));
        HpkeKeyPair r = HpkeKeyPair.derive(v("ikmR"))) {
      Hpke.Sealed sealed = Hpke.sealWithEphemeral(suite, v("pkRm"), v("info"), aad, pt, e);
      check(failures, "single-shot enc", v("enc"), sealed.enc());
      check(failures, "single-shot ct", ct, sealed.ciphertext());
      check(failures, "single-shot open", pt, Hpke.open(suite, r, v("enc"), v("info"), aad, ct));
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }
}
