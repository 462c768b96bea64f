package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nitrosign.chains.solana.Base58;
import io.nitrosign.chains.stellar.StrKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The wipeable encoders of {@link PrivyKeyFormat} against the chains module's own (independent)
 * encoders and published examples.
 */
class PrivyKeyFormatTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Test
  void base58AgreesWithTheChainsModuleIncludingLeadingZeros() {
    for (int i = 0; i < 200; i++) {
      byte[] input = new byte[i % 70];
      RANDOM.nextBytes(input);
      for (int z = 0; z < Math.min(i % 4, input.length); z++) {
        input[z] = 0;
      }
      assertEquals(Base58.encode(input), text(PrivyKeyFormat.base58(input)), "input " + i);
    }
  }

  @Test
  void hexIsLowerCaseWithThe0xPrefix() {
    assertEquals("0x00ff10ab", text(PrivyKeyFormat.hex0x(HexFormat.of().parseHex("00ff10ab"))));
  }

  @Test
  void stellarSeedStrkeysDecodeWithTheChainsModule() {
    for (int i = 0; i < 50; i++) {
      byte[] seed = new byte[32];
      RANDOM.nextBytes(seed);
      String s = text(PrivyKeyFormat.stellarSeed(seed));
      assertEquals(56, s.length());
      assertArrayEquals(seed, StrKey.decodeSeed(s));
    }
  }

  @Test
  void wifMatchesTheBitcoinWikiExampleOnMainnetAndTestnet() {
    byte[] key = HexFormat.of().parseHex(
        "0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d");
    assertEquals("KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617",
        text(PrivyKeyFormat.wif(0x80, key)));
    String testnet = text(PrivyKeyFormat.wif(0xef, key));
    assertEquals('c', testnet.charAt(0), testnet);
    byte[] decoded = Base58.decode(testnet, "wif");
    assertEquals(38, decoded.length);
    assertEquals((byte) 0xef, decoded[0]);
    assertArrayEquals(key, java.util.Arrays.copyOfRange(decoded, 1, 33));
  }
}
