package io.nitrosign.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class P256KeyTest {

  static final BigInteger N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
  private static final HexFormat HEX = HexFormat.of();

  /** A P-256 key pair from the JDK's own provider (SunEC), independent of bc-fips. */
  static KeyPair jdkKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static byte[] jdkSign(KeyPair kp, byte[] message) throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(kp.getPrivate());
    s.update(message);
    return s.sign();
  }

  static byte[] der(BigInteger r, BigInteger s) {
    byte[] rb = r.toByteArray();
    byte[] sb = s.toByteArray();
    byte[] out = new byte[6 + rb.length + sb.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + rb.length + sb.length);
    out[2] = 0x02;
    out[3] = (byte) rb.length;
    System.arraycopy(rb, 0, out, 4, rb.length);
    out[4 + rb.length] = 0x02;
    out[5 + rb.length] = (byte) sb.length;
    System.arraycopy(sb, 0, out, 6 + rb.length, sb.length);
    return out;
  }

  @Test
  void allWycheproofP256Sha256VectorsGiveTheExpectedResult() {
    Map<String, Object> file = TestData.jsonResource("ecdsa_secp256r1_sha256_test.json");
    List<String> failures = new ArrayList<>();
    int valid = 0;
    int invalid = 0;
    for (Map<String, Object> group : TestData.list(file.get("testGroups"))) {
      P256Key key = P256Key.fromSpki(HEX.parseHex((String) group.get("publicKeyDer")));
      for (Map<String, Object> t : TestData.list(group.get("tests"))) {
        String result = (String) t.get("result");
        boolean expected = switch (result) {
          case "valid" -> true;
          case "invalid" -> false;
          default -> throw new IllegalStateException("unexpected result " + result);
        };
        boolean actual = key.verify(HEX.parseHex((String) t.get("msg")), HEX.parseHex((String) t.get("sig")));
        if (actual != expected) {
          failures.add("tcId " + t.get("tcId") + " (" + t.get("comment") + "): expected " + result);
        }
        if (expected) {
          valid++;
        } else {
          invalid++;
        }
      }
    }
    assertEquals(List.of(), failures);
    assertEquals(484, valid + invalid);
    assertTrue(valid > 100 && invalid > 100);
  }

  @Test
  void jdkSignaturesVerifyInBothLowAndHighSForm() throws GeneralSecurityException {
    KeyPair kp = jdkKeyPair();
    P256Key key = P256Key.fromSpki(kp.getPublic().getEncoded());
    for (int i = 0; i < 20; i++) {
      byte[] msg = ("message " + i).getBytes(StandardCharsets.UTF_8);
      BigInteger[] rs = P256Key.decodeDer(jdkSign(kp, msg));
      assertTrue(key.verify(msg, der(rs[0], rs[1])));
      assertTrue(key.verify(msg, der(rs[0], N.subtract(rs[1]))));
    }
  }

  @Test
  void malformedOrOutOfRangeSignaturesFail() throws GeneralSecurityException {
    KeyPair kp = jdkKeyPair();
    P256Key key = P256Key.fromSpki(kp.getPublic().getEncoded());
    byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
    byte[] sig = jdkSign(kp, msg);
    BigInteger[] rs = P256Key.decodeDer(sig);
    BigInteger r = rs[0];
    BigInteger s = rs[1];
    assertTrue(key.verify(msg, sig));

    byte[] trailing = Arrays.copyOf(sig, sig.length + 1);
    assertFalse(key.verify(msg, trailing), "trailing byte");
    trailing[1]++;
    assertFalse(key.verify(msg, trailing), "trailing byte inside the sequence");
    assertFalse(key.verify(msg, der(BigInteger.ZERO, s)), "r = 0");
    assertFalse(key.verify(msg, der(r, BigInteger.ZERO)), "s = 0");
    assertFalse(key.verify(msg, der(r.add(N), s)), "r + n");
    assertFalse(key.verify(msg, der(r, N)), "s = n");
    assertFalse(key.verify(msg, der(r.negate(), s)), "negative r");
    assertFalse(key.verify(msg, Arrays.copyOf(sig, sig.length - 1)), "truncated");
    assertFalse(key.verify(msg, new byte[0]), "empty");
    assertFalse(key.verify(msg, null), "null");

    // BER long-form sequence length
    byte[] ber = new byte[sig.length + 1];
    ber[0] = 0x30;
    ber[1] = (byte) 0x81;
    System.arraycopy(sig, 1, ber, 2, sig.length - 1);
    assertFalse(key.verify(msg, ber), "BER length");
    // non-minimal integer: an extra leading zero on r
    byte[] rb = r.toByteArray();
    byte[] padded = new byte[rb.length + 1];
    System.arraycopy(rb, 0, padded, 1, rb.length);
    byte[] sb = s.toByteArray();
    byte[] nonMinimal = new byte[6 + padded.length + sb.length];
    nonMinimal[0] = 0x30;
    nonMinimal[1] = (byte) (4 + padded.length + sb.length);
    nonMinimal[2] = 0x02;
    nonMinimal[3] = (byte) padded.length;
    System.arraycopy(padded, 0, nonMinimal, 4, padded.length);
    nonMinimal[4 + padded.length] = 0x02;
    nonMinimal[5 + padded.length] = (byte) sb.length;
    System.arraycopy(sb, 0, nonMinimal, 6 + padded.length, sb.length);
    assertFalse(key.verify(msg, nonMinimal), "non-minimal r");

    assertFalse(P256Key.fromSpki(jdkKeyPair().getPublic().getEncoded()).verify(msg, sig), "wrong key");
    assertFalse(key.verify("n".getBytes(StandardCharsets.UTF_8), sig), "other message");
  }

  @Test
  void onlyUncompressedP256SubjectPublicKeyInfosAreKeys() throws GeneralSecurityException {
    byte[] good = jdkKeyPair().getPublic().getEncoded();
    P256Key.fromSpki(good);
    List<byte[]> bad = new ArrayList<>();
    bad.add(null);
    bad.add(new byte[0]);
    bad.add(Arrays.copyOf(good, good.length - 1));
    bad.add(Arrays.copyOf(good, good.length + 1));
    byte[] offCurve = good.clone();
    offCurve[offCurve.length - 1] ^= 1;
    bad.add(offCurve);
    byte[] compressedTag = good.clone();
    compressedTag[26] = 0x02;
    bad.add(compressedTag);
    byte[] otherCurve = good.clone();
    otherCurve[24] = 0x08; // prime256v1 OID's last byte 07 -> 08
    bad.add(otherCurve);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    bad.add(g.generateKeyPair().getPublic().getEncoded());
    byte[] infinity = Arrays.copyOf(good, 27);
    bad.add(infinity);
    for (byte[] b : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> P256Key.fromSpki(b));
      assertEquals("not a DER SubjectPublicKeyInfo of a P-256 public key", e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> P256Key.fromSpkiBase64("%%%"));
  }

  @Test
  void keysAreEqualByEncodingAndTheCacheReturnsOneInstance() throws GeneralSecurityException {
    byte[] spki = jdkKeyPair().getPublic().getEncoded();
    P256Key a = P256Key.fromSpki(spki);
    P256Key b = P256Key.fromSpkiBase64(java.util.Base64.getEncoder().encodeToString(spki));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, P256Key.fromSpki(jdkKeyPair().getPublic().getEncoded()));
    assertSame(P256Key.cached(spki), P256Key.cached(spki.clone()));
    assertEquals(a, P256Key.cached(spki));
    byte[] copy = a.spki();
    copy[30] ^= 1;
    assertEquals(b, a, "spki() returns a copy");
    assertTrue(a.toString().matches("P256Key\\[[0-9a-f]{16}]"));
  }

  /** Prints the verification rate of one cached key on one thread; no timing assertion. */
  @Test
  void verificationRateIsPrinted() throws GeneralSecurityException {
    KeyPair kp = jdkKeyPair();
    P256Key key = P256Key.cached(kp.getPublic().getEncoded());
    byte[] msg = new byte[300];
    byte[][] sigs = new byte[64][];
    for (int i = 0; i < sigs.length; i++) {
      msg[0] = (byte) i;
      sigs[i] = jdkSign(kp, msg);
    }
    msg[0] = 0;
    for (int i = 0; i < 3000; i++) {
      key.verify(msg, sigs[0]);
    }
    int n = 0;
    long start = System.nanoTime();
    long end = start + 2_000_000_000L;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 100; i++) {
        if (!key.verify(msg, sigs[0])) {
          throw new AssertionError();
        }
      }
      n += 100;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("P256Key.verify: %d verifications in %.2f s = %.0f/s on one thread%n", n, seconds, n / seconds);
  }
}
