package io.nitrosign.hpke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 9180's base-mode test vectors for the two suites on P-256 with HKDF-SHA256 that have one,
 * byte for byte through every intermediate value: Appendix A.3.1 (AES-128-GCM) and Appendix A.5.1
 * (ChaCha20Poly1305, the suite of Privy's key import and export). Mismatches are collected and
 * reported together.
 */
class Rfc9180VectorTest {

  private static final HexFormat HEX = HexFormat.of();

  /** A vector file in src/test/resources and the suite it is for. */
  enum Vector {
    A3_AES_128_GCM("rfc9180-a3-base.txt", HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_128_GCM),
    A5_CHACHA20_POLY1305("rfc9180-a5-base.txt",
        HpkeSuite.DHKEM_P256_HKDF_SHA256_CHACHA20_POLY1305);

    final String resource;
    final HpkeSuite suite;

    Vector(String resource, HpkeSuite suite) {
      this.resource = resource;
      this.suite = suite;
    }
  }

  /** The setup values and the encryptions of one vector file. */
  private record Loaded(Map<String, String> setup, List<Map<String, String>> encryptions) {
    byte[] v(String name) {
      String value = setup.get(name);
      assertNotNull(value, name);
      return HEX.parseHex(value);
    }
  }

  private static Loaded load(Vector vector) throws IOException {
    Map<String, String> setup = new LinkedHashMap<>();
    List<Map<String, String>> encryptions = new ArrayList<>();
    Map<String, String> current = setup;
    try (InputStream in = Rfc9180VectorTest.class.getResourceAsStream(vector.resource);
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
    return new Loaded(setup, encryptions);
  }

  private static void check(List<String> failures, String what, byte[] expected, byte[] actual) {
    if (!java.util.Arrays.equals(expected, actual)) {
      failures.add(what + ": expected " + HEX.formatHex(expected) + " got " + HEX.formatHex(actual));
    }
  }

  @ParameterizedTest
  @EnumSource(Vector.class)
  void suiteIdentifiersMatch(Vector vector) throws Exception {
    Loaded l = load(vector);
    assertEquals(0, Integer.parseInt(l.setup().get("mode")), "mode_base");
    assertEquals(Integer.parseInt(l.setup().get("kem_id")), vector.suite.kem().id());
    assertEquals(Integer.parseInt(l.setup().get("kdf_id")), vector.suite.kdf().id());
    assertEquals(Integer.parseInt(l.setup().get("aead_id")), vector.suite.aead().id());
  }

  @ParameterizedTest
  @EnumSource(Vector.class)
  void deriveKeyPairAndSerialize(Vector vector) throws Exception {
    Loaded l = load(vector);
    List<String> failures = new ArrayList<>();
    try (HpkeKeyPair e = HpkeKeyPair.derive(l.v("ikmE"));
        HpkeKeyPair r = HpkeKeyPair.derive(l.v("ikmR"))) {
      check(failures, "skEm", l.v("skEm"), e.privateKeyCopy());
      check(failures, "pkEm", l.v("pkEm"), e.publicKey());
      check(failures, "skRm", l.v("skRm"), r.privateKeyCopy());
      check(failures, "pkRm", l.v("pkRm"), r.publicKey());
    }
    try (HpkeKeyPair e = HpkeKeyPair.fromPrivateKey(l.v("skEm"));
        HpkeKeyPair r = HpkeKeyPair.fromPrivateKey(l.v("skRm"))) {
      check(failures, "pk(skEm)", l.v("pkEm"), e.publicKey());
      check(failures, "pk(skRm)", l.v("pkRm"), r.publicKey());
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @ParameterizedTest
  @EnumSource(Vector.class)
  void encapDecapAndKeySchedule(Vector vector) throws Exception {
    Loaded l = load(vector);
    HpkeSuite suite = vector.suite;
    List<String> failures = new ArrayList<>();
    try (HpkeKeyPair e = HpkeKeyPair.fromPrivateKey(l.v("skEm"));
        HpkeKeyPair r = HpkeKeyPair.fromPrivateKey(l.v("skRm"))) {
      DhkemP256.Encapsulation enc = DhkemP256.encap(l.v("pkRm"), e);
      check(failures, "enc", l.v("enc"), enc.enc());
      check(failures, "shared_secret (encap)", l.v("shared_secret"), enc.sharedSecret());
      check(failures, "shared_secret (decap)", l.v("shared_secret"),
          DhkemP256.decap(l.v("enc"), r));
    }
    check(failures, "key_schedule_context", l.v("key_schedule_context"),
        HpkeContext.keyScheduleContext(suite, l.v("info")));
    check(failures, "secret", l.v("secret"), HpkeContext.secret(suite, l.v("shared_secret")));
    try (HpkeContext ctx = HpkeContext.keySchedule(suite, l.v("shared_secret"), l.v("info"))) {
      check(failures, "key", l.v("key"), ctx.keyCopy());
      check(failures, "base_nonce", l.v("base_nonce"), ctx.baseNonceCopy());
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @ParameterizedTest
  @EnumSource(Vector.class)
  void encryptionsAtEverySequenceNumber(Vector vector) throws Exception {
    Loaded l = load(vector);
    HpkeSuite suite = vector.suite;
    List<String> failures = new ArrayList<>();
    try (HpkeKeyPair r = HpkeKeyPair.fromPrivateKey(l.v("skRm"));
        HpkeContext sender = HpkeContext.keySchedule(suite, l.v("shared_secret"), l.v("info"));
        HpkeContext receiver = HpkeContext.keySchedule(
            suite, DhkemP256.decap(l.v("enc"), r), l.v("info"))) {
      for (Map<String, String> enc : l.encryptions()) {
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

  @ParameterizedTest
  @EnumSource(Vector.class)
  void singleShotApiReproducesSequenceZero(Vector vector) throws Exception {
    Loaded l = load(vector);
    HpkeSuite suite = vector.suite;
    Map<String, String> first = l.encryptions().get(0);
    assertEquals("0", first.get("seq"));
    byte[] pt = HEX.parseHex(first.get("pt"));
    byte[] aad = HEX.parseHex(first.get("aad"));
    byte[] ct = HEX.parseHex(first.get("ct"));
    List<String> failures = new ArrayList<>();
    try (HpkeKeyPair e = HpkeKeyPair.derive(l.v("ikmE"));
        HpkeKeyPair r = HpkeKeyPair.derive(l.v("ikmR"))) {
      Hpke.Sealed sealed = Hpke.sealWithEphemeral(suite, l.v("pkRm"), l.v("info"), aad, pt, e);
      check(failures, "single-shot enc", l.v("enc"), sealed.enc());
      check(failures, "single-shot ct", ct, sealed.ciphertext());
      check(failures, "single-shot open", pt,
          Hpke.open(suite, r, l.v("enc"), l.v("info"), aad, ct));
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }
}
