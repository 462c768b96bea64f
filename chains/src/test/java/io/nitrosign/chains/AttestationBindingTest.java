package io.nitrosign.chains;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The worked example of docs/attestation.md, computed independently (Python hashlib). */
class AttestationBindingTest {

  static final String WALLET = "wallet-1";
  static final byte[] DIGEST = range(0x00, 32);
  static final byte[] SIGNATURE = range(0x20, 65);
  static final byte[] PUBLIC_KEY = concat(new byte[] {0x04}, range(0x41, 64));
  static final byte[] NONCE = "nonce".getBytes(StandardCharsets.US_ASCII);

  static final String PREIMAGE_HEX = "6e6974726f7369676e2f61747465737465642d7369676e61747572652f7631"
      + "00000020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
      + "00000041202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
      + "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60"
      + "00000041044142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60"
      + "6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80"
      + "000000056e6f6e6365"
      + "0000000877616c6c65742d31";

  @Test
  void matchesTheDocumentedVector() {
    byte[] pre = AttestationBinding.preimage(WALLET, DIGEST, SIGNATURE, PUBLIC_KEY, NONCE);
    assertEquals(226, pre.length);
    assertEquals(PREIMAGE_HEX, HexFormat.of().formatHex(pre));
    assertEquals("e2e110e9aea1fe40cb22d6c82d1bd4cf377f2a0bb9438205c9171d4780a635cd",
        HexFormat.of().formatHex(
            AttestationBinding.compute(WALLET, DIGEST, SIGNATURE, PUBLIC_KEY, NONCE)));
  }

  @Test
  void noNonceIsAnEmptyField() {
    String expected = "9922b1f8e93da9b743b871cf8834b361cd8cbe80d18de0d495b7a5b884b67e3a";
    assertEquals(expected, HexFormat.of().formatHex(
        AttestationBinding.compute(WALLET, DIGEST, SIGNATURE, PUBLIC_KEY, null)));
    assertEquals(expected, HexFormat.of().formatHex(
        AttestationBinding.compute(WALLET, DIGEST, SIGNATURE, PUBLIC_KEY, new byte[0])));
  }

  @Test
  void everyFieldChangesTheBinding() {
    byte[] base = AttestationBinding.compute(WALLET, DIGEST, SIGNATURE, PUBLIC_KEY, NONCE);
    assertFalse(Arrays.equals(base,
        AttestationBinding.compute("wallet-2", DIGEST, SIGNATURE, PUBLIC_KEY, NONCE)));
    assertFalse(Arrays.equals(base,
        AttestationBinding.compute(WALLET, flip(DIGEST), SIGNATURE, PUBLIC_KEY, NONCE)));
    assertFalse(Arrays.equals(base,
        AttestationBinding.compute(WALLET, DIGEST, flip(SIGNATURE), PUBLIC_KEY, NONCE)));
    assertFalse(Arrays.equals(base,
        AttestationBinding.compute(WALLET, DIGEST, SIGNATURE, flip(PUBLIC_KEY), NONCE)));
    assertFalse(Arrays.equals(base,
        AttestationBinding.compute(WALLET, DIGEST, SIGNATURE, PUBLIC_KEY, flip(NONCE))));
    // moving a byte between the nonce and the wallet id is caught by the length prefixes
    assertFalse(Arrays.equals(
        AttestationBinding.compute("ab", DIGEST, SIGNATURE, PUBLIC_KEY, new byte[] {'x'}),
        AttestationBinding.compute("xab", DIGEST, SIGNATURE, PUBLIC_KEY, new byte[0])));
  }

  @Test
  void refusesWrongSizes() {
    assertThrows(IllegalArgumentException.class,
        () -> AttestationBinding.compute(WALLET, new byte[31], SIGNATURE, PUBLIC_KEY, NONCE));
    assertThrows(IllegalArgumentException.class,
        () -> AttestationBinding.compute(WALLET, DIGEST, new byte[64], PUBLIC_KEY, NONCE));
    assertThrows(IllegalArgumentException.class,
        () -> AttestationBinding.compute(WALLET, DIGEST, SIGNATURE, new byte[33], NONCE));
    assertThrows(IllegalArgumentException.class,
        () -> AttestationBinding.compute(WALLET, DIGEST, SIGNATURE, PUBLIC_KEY, new byte[513]));
    assertThrows(IllegalArgumentException.class,
        () -> AttestationBinding.compute("", DIGEST, SIGNATURE, PUBLIC_KEY, NONCE));
    assertArrayEquals(AttestationBinding.compute(WALLET, DIGEST, SIGNATURE, PUBLIC_KEY, new byte[512]),
        AttestationBinding.compute(WALLET, DIGEST, SIGNATURE, PUBLIC_KEY, new byte[512]));
  }

  static byte[] range(int start, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (start + i);
    }
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] flip(byte[] b) {
    byte[] c = b.clone();
    c[c.length - 1] ^= 1;
    return c;
  }
}
