package io.nitrosign.hpke;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HpkeTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] INFO = "test info".getBytes(StandardCharsets.UTF_8);
  private static final byte[] AAD = "test aad".getBytes(StandardCharsets.UTF_8);

  enum Suite {
    AES_128(HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_128_GCM),
    AES_256(HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM),
    CHACHA20_POLY1305(HpkeSuite.DHKEM_P256_HKDF_SHA256_CHACHA20_POLY1305);

    final HpkeSuite suite;

    Suite(HpkeSuite suite) {
      this.suite = suite;
    }
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void roundTripsMessagesOfManyLengths(Suite s) throws Exception {
    try (HpkeKeyPair r = HpkeKeyPair.generate(RANDOM)) {
      for (int len : new int[] {0, 1, 15, 16, 17, 32, 1000}) {
        byte[] pt = new byte[len];
        RANDOM.nextBytes(pt);
        Hpke.Sealed sealed = Hpke.seal(s.suite, r.publicKey(), INFO, AAD, pt, RANDOM);
        assertEquals(65, sealed.enc().length);
        assertEquals(len + 16, sealed.ciphertext().length);
        assertArrayEquals(pt, Hpke.open(s.suite, r, sealed.enc(), INFO, AAD, sealed.ciphertext()));
      }
    }
  }

  @Test
  void eachSealUsesAFreshEphemeralKey() throws Exception {
    HpkeSuite suite = HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM;
    try (HpkeKeyPair r = HpkeKeyPair.generate(RANDOM)) {
      byte[] pt = new byte[32];
      Hpke.Sealed a = Hpke.seal(suite, r.publicKey(), INFO, AAD, pt, RANDOM);
      Hpke.Sealed b = Hpke.seal(suite, r.publicKey(), INFO, AAD, pt, RANDOM);
      assertFalse(Arrays.equals(a.enc(), b.enc()));
      assertFalse(Arrays.equals(a.ciphertext(), b.ciphertext()));
    }
  }

  @Test
  void aes128AndAes256DeriveDifferentCiphertexts() throws Exception {
    try (HpkeKeyPair r = HpkeKeyPair.generate(RANDOM);
        HpkeKeyPair e = HpkeKeyPair.generate(RANDOM)) {
      byte[] pt = new byte[32];
      Hpke.Sealed a = Hpke.sealWithEphemeral(
          HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_128_GCM, r.publicKey(), INFO, AAD, pt, e);
      Hpke.Sealed b = Hpke.sealWithEphemeral(
          HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM, r.publicKey(), INFO, AAD, pt, e);
      assertArrayEquals(a.enc(), b.enc());
      assertFalse(Arrays.equals(a.ciphertext(), b.ciphertext()));
      // a ciphertext of one suite does not open under the other (the suite_id differs)
      assertThrows(HpkeException.class, () -> Hpke.open(
          HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM, r, a.enc(), INFO, AAD, a.ciphertext()));
    }
  }

  @ParameterizedTest
  @EnumSource(Suite.class)
  void flippingAnyBitOfEncCiphertextAadOrInfoFails(Suite s) throws Exception {
    try (HpkeKeyPair r = HpkeKeyPair.generate(RANDOM)) {
      byte[] pt = new byte[32];
      RANDOM.nextBytes(pt);
      Hpke.Sealed sealed = Hpke.seal(s.suite, r.publicKey(), INFO, AAD, pt, RANDOM);
      List<String> failures = new ArrayList<>();
      for (String field : List.of("enc", "ciphertext", "aad", "info")) {
        byte[] original = switch (field) {
          case "enc" -> sealed.enc();
          case "ciphertext" -> sealed.ciphertext();
          case "aad" -> AAD.clone();
          default -> INFO.clone();
        };
        for (int i = 0; i < original.length; i++) {
          for (int bit = 0; bit < 8; bit += 3) {
            byte[] t = original.clone();
            t[i] ^= (byte) (1 << bit);
            byte[] enc = field.equals("enc") ? t : sealed.enc();
            byte[] ct = field.equals("ciphertext") ? t : sealed.ciphertext();
            byte[] aad = field.equals("aad") ? t : AAD;
            byte[] info = field.equals("info") ? t : INFO;
            try {
              Hpke.open(s.suite, r, enc, info, aad, ct);
              failures.add(field + " byte " + i + " bit " + bit + " opened");
            } catch (HpkeException e) {
              if (e.reason() != HpkeException.Reason.OPEN_FAILED
                  || !e.getMessage().equals("hpke open failed")) {
                failures.add(field + " byte " + i + ": " + e.reason() + " " + e.getMessage());
              }
            }
          }
        }
      }
      assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
  }

  @Test
  void truncatedExtendedOrEmptyInputsFailAlike() throws Exception {
    HpkeSuite suite = HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM;
    try (HpkeKeyPair r = HpkeKeyPair.generate(RANDOM)) {
      Hpke.Sealed sealed = Hpke.seal(suite, r.publicKey(), INFO, AAD, new byte[32], RANDOM);
      byte[] enc = sealed.enc();
      byte[] ct = sealed.ciphertext();
      List<byte[][]> cases = List.of(
          new byte[][] {Arrays.copyOf(enc, 64), ct},
          new byte[][] {Arrays.copyOf(enc, 66), ct},
          new byte[][] {new byte[0], ct},
          new byte[][] {compressed(enc), ct},
          new byte[][] {enc, Arrays.copyOf(ct, ct.length - 1)},
          new byte[][] {enc, Arrays.copyOf(ct, ct.length + 1)},
          new byte[][] {enc, Arrays.copyOf(ct, 15)},
          new byte[][] {enc, new byte[0]});
      for (byte[][] c : cases) {
        HpkeException e = assertThrows(HpkeException.class,
            () -> Hpke.open(suite, r, c[0], INFO, AAD, c[1]));
        assertEquals(HpkeException.Reason.OPEN_FAILED, e.reason());
        assertNull(e.getCause());
        assertEquals(0, e.getStackTrace().length);
      }
    }
  }

  @Test
  void anotherRecipientCannotOpen() throws Exception {
    HpkeSuite suite = HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM;
    try (HpkeKeyPair r = HpkeKeyPair.generate(RANDOM);
        HpkeKeyPair other = HpkeKeyPair.generate(RANDOM)) {
      Hpke.Sealed sealed = Hpke.seal(suite, r.publicKey(), INFO, AAD, new byte[32], RANDOM);
      assertThrows(HpkeException.class,
          () -> Hpke.open(suite, other, sealed.enc(), INFO, AAD, sealed.ciphertext()));
    }
  }

  @Test
  void sealRefusesInvalidRecipientKeys() throws Exception {
    HpkeSuite suite = HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM;
    byte[] good;
    try (HpkeKeyPair r = HpkeKeyPair.generate(RANDOM)) {
      good = r.publicKey();
    }
    byte[] offCurve = good.clone();
    offCurve[64] ^= 1;
    byte[] badPrefix = good.clone();
    badPrefix[0] = 0x05;
    byte[] xTooBig = good.clone();
    Arrays.fill(xTooBig, 1, 33, (byte) 0xff);
    for (byte[] pk : List.of(offCurve, badPrefix, xTooBig, compressed(good), new byte[65],
        Arrays.copyOf(good, 64), new byte[0])) {
      assertFalse(HpkeKeyPair.isValidPublicKey(pk));
      HpkeException e = assertThrows(HpkeException.class,
          () -> Hpke.seal(suite, pk, INFO, AAD, new byte[32], RANDOM));
      assertEquals(HpkeException.Reason.INVALID_PUBLIC_KEY, e.reason());
    }
    assertTrue(HpkeKeyPair.isValidPublicKey(good));
  }

  @Test
  void privateKeysOutOfRangeAreRefused() {
    byte[] order = DhkemP256.ORDER.toByteArray();
    byte[] n = Arrays.copyOfRange(order, order.length - 32, order.length);
    for (byte[] sk : List.of(new byte[32], n, filled(0xff), new byte[31], new byte[33])) {
      HpkeException e = assertThrows(HpkeException.class, () -> HpkeKeyPair.fromPrivateKey(sk));
      assertEquals(HpkeException.Reason.INVALID_PRIVATE_KEY, e.reason());
    }
  }

  @Test
  void closingAKeyPairWipesItAndBlocksUse() throws Exception {
    HpkeSuite suite = HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM;
    HpkeKeyPair r = HpkeKeyPair.generate(RANDOM);
    byte[] backing = r.privateKeyArray();
    Hpke.Sealed sealed = Hpke.seal(suite, r.publicKey(), INFO, AAD, new byte[32], RANDOM);
    r.close();
    assertTrue(r.isClosed());
    assertArrayEquals(new byte[32], backing);
    assertThrows(IllegalStateException.class,
        () -> Hpke.open(suite, r, sealed.enc(), INFO, AAD, sealed.ciphertext()));
    assertEquals(65, r.publicKey().length);
    assertFalse(r.toString().contains(HexFormat.of().formatHex(backing)));
  }

  @Test
  void sealedCopiesItsArrays() throws Exception {
    byte[] enc = {1, 2};
    byte[] ct = {3, 4};
    Hpke.Sealed s = new Hpke.Sealed(enc, ct);
    enc[0] = 9;
    s.ciphertext()[0] = 9;
    assertArrayEquals(new byte[] {1, 2}, s.enc());
    assertArrayEquals(new byte[] {3, 4}, s.ciphertext());
    assertEquals(s, new Hpke.Sealed(new byte[] {1, 2}, new byte[] {3, 4}));
    assertNotEquals(s, new Hpke.Sealed(new byte[] {1, 2}, new byte[] {3, 5}));
  }

  @Test
  void importAndExportEnvelopesBindInfoAndWalletId() throws Exception {
    try (HpkeKeyPair enclave = HpkeKeyPair.generate(RANDOM)) {
      byte[] key = new byte[32];
      RANDOM.nextBytes(key);
      Hpke.Sealed imp = ImportEnvelope.seal(enclave.publicKey(), "wallet-1", key, RANDOM);
      assertArrayEquals(key, ImportEnvelope.open(enclave, "wallet-1", imp.enc(), imp.ciphertext()));
      // the same suite, info and aad through the generic API
      assertArrayEquals(key, Hpke.open(HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM, enclave,
          imp.enc(), "nitrosign/import/v1".getBytes(StandardCharsets.UTF_8),
          "wallet-1".getBytes(StandardCharsets.UTF_8), imp.ciphertext()));
      assertThrows(HpkeException.class,
          () -> ImportEnvelope.open(enclave, "wallet-2", imp.enc(), imp.ciphertext()));
      assertThrows(HpkeException.class,
          () -> ExportEnvelope.open(enclave, "wallet-1", imp.enc(), imp.ciphertext()));

      Hpke.Sealed exp = ExportEnvelope.seal(enclave.publicKey(), "wallet-1", key, RANDOM);
      assertArrayEquals(key, ExportEnvelope.open(enclave, "wallet-1", exp.enc(), exp.ciphertext()));
      assertThrows(HpkeException.class,
          () -> ImportEnvelope.open(enclave, "wallet-1", exp.enc(), exp.ciphertext()));
      assertThrows(IllegalArgumentException.class,
          () -> ImportEnvelope.seal(enclave.publicKey(), "wallet-1", new byte[31], RANDOM));
    }
  }

  private static byte[] compressed(byte[] uncompressed) {
    byte[] c = Arrays.copyOf(uncompressed, 33);
    c[0] = (byte) (2 + (uncompressed[64] & 1));
    return c;
  }

  private static byte[] filled(int b) {
    byte[] a = new byte[32];
    Arrays.fill(a, (byte) b);
    return a;
  }
}
