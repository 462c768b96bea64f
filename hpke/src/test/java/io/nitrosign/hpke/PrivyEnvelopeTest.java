package io.nitrosign.hpke;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Privy's envelope (ChaCha20Poly1305, empty info and aad, SPKI recipient keys). The suite itself
 * is checked byte for byte against RFC 9180 A.5 in {@link Rfc9180VectorTest}; here the AEAD
 * against RFC 8439 and the JDK's own implementation, the envelope's parameters, and the SPKI
 * parsing against keys the JDK encodes (WebCrypto's {@code exportKey("spki")} writes the same DER).
 */
class PrivyEnvelopeTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void chacha20Poly1305MatchesRfc8439Section2_8_2() throws Exception {
    byte[] key = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    byte[] nonce = HEX.parseHex("070000004041424344454647");
    byte[] aad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    byte[] pt = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for"
        + " the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    byte[] expected = HEX.parseHex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
        + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
        + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
        + "3ff4def08e4b7a9de576d26586cec64b6116"
        + "1ae10b594f09e26a7e902ecbd0600691");
    assertArrayEquals(expected, ChaCha20Poly1305.seal(key, nonce, aad, pt));
    assertArrayEquals(pt, ChaCha20Poly1305.open(key, nonce, aad, expected));
    byte[] forged = expected.clone();
    forged[forged.length - 1] ^= 1;
    assertThrows(HpkeException.class, () -> ChaCha20Poly1305.open(key, nonce, aad, forged));
  }

  @Test
  void chacha20Poly1305AgreesWithTheJdksSunJceImplementation() throws Exception {
    for (int len : new int[] {0, 1, 63, 64, 65, 300}) {
      byte[] key = new byte[32];
      byte[] nonce = new byte[12];
      byte[] aad = new byte[len % 17];
      byte[] pt = new byte[len];
      RANDOM.nextBytes(key);
      RANDOM.nextBytes(nonce);
      RANDOM.nextBytes(aad);
      RANDOM.nextBytes(pt);
      Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
      jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
      jdk.updateAAD(aad);
      byte[] expected = jdk.doFinal(pt);
      assertArrayEquals(expected, ChaCha20Poly1305.seal(key, nonce, aad, pt), "length " + len);
      assertArrayEquals(pt, ChaCha20Poly1305.open(key, nonce, aad, expected), "length " + len);
    }
  }

  @Test
  void theEnvelopeIsBaseModeWithEmptyInfoAndAad() throws Exception {
    byte[] secret = HEX.parseHex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    try (HpkeKeyPair r = HpkeKeyPair.generate(RANDOM)) {
      Hpke.Sealed sealed = PrivyEnvelope.seal(r.publicKey(), secret, RANDOM);
      assertEquals(65, sealed.enc().length);
      assertEquals(32 + 16, sealed.ciphertext().length);
      assertArrayEquals(secret, PrivyEnvelope.open(r, sealed.enc(), sealed.ciphertext()));
      assertArrayEquals(secret, Hpke.open(HpkeSuite.DHKEM_P256_HKDF_SHA256_CHACHA20_POLY1305, r,
          sealed.enc(), new byte[0], new byte[0], sealed.ciphertext()));
      // any info or aad, or another AEAD, does not open it
      assertThrows(HpkeException.class, () -> Hpke.open(PrivyEnvelope.SUITE, r, sealed.enc(),
          "x".getBytes(StandardCharsets.UTF_8), new byte[0], sealed.ciphertext()));
      assertThrows(HpkeException.class, () -> Hpke.open(PrivyEnvelope.SUITE, r, sealed.enc(),
          new byte[0], "x".getBytes(StandardCharsets.UTF_8), sealed.ciphertext()));
      assertThrows(HpkeException.class, () -> Hpke.open(HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM,
          r, sealed.enc(), new byte[0], new byte[0], sealed.ciphertext()));
      // nor do our own envelopes open as Privy's, to the same key
      Hpke.Sealed ours = ImportEnvelope.seal(r.publicKey(), "w", secret, RANDOM);
      HpkeException e = assertThrows(HpkeException.class,
          () -> PrivyEnvelope.open(r, ours.enc(), ours.ciphertext()));
      assertEquals(HpkeException.Reason.OPEN_FAILED, e.reason());
    }
  }

  @Test
  void spkiOfAJdkP256KeyGivesItsRawPoint() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    ECPublicKey pub = (ECPublicKey) g.generateKeyPair().getPublic();
    byte[] spki = pub.getEncoded();
    assertEquals(PrivyEnvelope.SPKI_LENGTH, spki.length);
    byte[] point = PrivyEnvelope.publicKeyFromSpki(spki);
    assertEquals(0x04, point[0]);
    assertArrayEquals(fixed32(pub.getW().getAffineX()), Arrays.copyOfRange(point, 1, 33));
    assertArrayEquals(fixed32(pub.getW().getAffineY()), Arrays.copyOfRange(point, 33, 65));
    assertArrayEquals(spki, PrivyEnvelope.spkiOf(point));
    assertTrue(PrivyEnvelope.isSpki(spki));
  }

  @Test
  void anythingButAP256UncompressedSpkiIsRefused() throws Exception {
    try (HpkeKeyPair r = HpkeKeyPair.generate(RANDOM)) {
      byte[] spki = PrivyEnvelope.spkiOf(r.publicKey());
      assertFalse(PrivyEnvelope.isSpki(r.publicKey()), "a raw point is not an SPKI");
      assertFalse(PrivyEnvelope.isSpki(Arrays.copyOf(spki, spki.length + 1)), "trailing byte");
      assertFalse(PrivyEnvelope.isSpki(Arrays.copyOf(spki, spki.length - 1)), "truncated");
      assertFalse(PrivyEnvelope.isSpki(new byte[0]));
      assertFalse(PrivyEnvelope.isSpki(null));
      byte[] offCurve = spki.clone();
      offCurve[offCurve.length - 1] ^= 1;
      assertFalse(PrivyEnvelope.isSpki(offCurve), "a point not on the curve");
      byte[] otherCurve = spki.clone();
      otherCurve[22] = 0x22; // the curve OID's last byte changed: not prime256v1
      assertFalse(PrivyEnvelope.isSpki(otherCurve), "another curve");
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
      assertFalse(PrivyEnvelope.isSpki(g.generateKeyPair().getPublic().getEncoded()), "P-384");
      HpkeException e = assertThrows(HpkeException.class,
          () -> PrivyEnvelope.publicKeyFromSpki(offCurve));
      assertEquals(HpkeException.Reason.INVALID_PUBLIC_KEY, e.reason());
    }
  }

  private static byte[] fixed32(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }
}
