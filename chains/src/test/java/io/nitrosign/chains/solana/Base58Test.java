package io.nitrosign.chains.solana;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ChainFormatException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base58Test {

  private static final HexFormat HEX = HexFormat.of();

  /**
   * Origin: Bitcoin Core, src/test/data/base58_encode_decode.json (the same list is reproduced in
   * bs58, bitcore and NBitcoin tests). Hex input, base58 output.
   */
  @ParameterizedTest
  @CsvSource(value = {
      "'',''",
      "61,2g",
      "626262,a3gV",
      "636363,aPEr",
      "73696d706c792061206c6f6e6720737472696e67,2cFupjhnEsSn59qHXstmK2ffpLv2",
      "00eb15231dfceb60925886b67d065299925915aeb172c06647,1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
      "516b6fcd0f,ABnLTmg",
      "bf4f89001e670274dd,3SEo3LWLoPntC",
      "572e4794,3EFU7m",
      "ecac89cad93923c02321,EJDM8drfXA6uyA",
      "10c8511e,Rt5zm",
      "00000000000000000000,1111111111",
  })
  void bitcoinCoreVectors(String hex, String base58) {
    byte[] raw = HEX.parseHex(hex);
    assertEquals(base58, Base58.encode(raw));
    assertArrayEquals(raw, Base58.decode(base58, "x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "O", "I", "l", "3mJr0", "abc def", " 2g", "2g\n", "é", "+", "2g\u0000"})
  void refusesCharactersOutsideTheAlphabet(String s) {
    ChainFormatException e = assertThrows(ChainFormatException.class, () -> Base58.decode(s, "recipient"));
    assertEquals("recipient", e.field());
  }

  @Test
  void boundedAndNullSafe() {
    assertThrows(ChainFormatException.class, () -> Base58.decode(null, "x"));
    assertThrows(ChainFormatException.class, () -> Base58.decode("2".repeat(Base58.MAX_ENCODED_LENGTH + 1), "x"));
    assertThrows(ChainFormatException.class, () -> Base58.encode(null));
    byte[] longest = Base58.decode("z".repeat(Base58.MAX_ENCODED_LENGTH), "x"); // accepted at the limit
    assertEquals("z".repeat(Base58.MAX_ENCODED_LENGTH), Base58.encode(longest));
  }

  @Test
  void exactLength() {
    ChainFormatException e = assertThrows(ChainFormatException.class, () -> Base58.decodeExact("2g", 32, "blockhash"));
    assertEquals("blockhash", e.field());
  }

  @Test
  void roundTripsEveryLeadingZeroCount() {
    java.util.Random r = new java.util.Random(1);
    for (int len = 0; len < 80; len++) {
      byte[] b = new byte[len];
      r.nextBytes(b);
      for (int z = 0; z <= Math.min(len, 5); z++) {
        byte[] c = b.clone();
        for (int i = 0; i < z; i++) {
          c[i] = 0;
        }
        assertArrayEquals(c, Base58.decode(Base58.encode(c), "x"));
      }
    }
  }

  /**
   * Origin: trustwallet/wallet-core tests/chains/Solana/TransactionTests.cpp, TransferMessageData:
   * the "from" key 6eoo7i1khGhVm8tLBMAdq4ax2FxkKP4G7mCcfHyr3STN appears as bytes 53f9d6...81dd in the
   * expected message hex. Program ids: the Token program id's bytes appear in the mainnet
   * transaction 3vZ67C (same file) as 06ddf6e1...ff00a9; the System Program is 32 zero bytes.
   */
  @Test
  void solanaAddresses() {
    assertEquals("6eoo7i1khGhVm8tLBMAdq4ax2FxkKP4G7mCcfHyr3STN", SolanaAddress.fromPublicKey(
        HEX.parseHex("53f9d600fe925083bb399907ea648d23a6a081fc7e9059202fd725f7edd281dd")));
    assertArrayEquals(HEX.parseHex("06ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9"),
        SolanaPrograms.TOKEN.bytes());
    assertArrayEquals(new byte[32], SolanaPrograms.SYSTEM.bytes());
    assertEquals("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb", SolanaPrograms.TOKEN_2022.toBase58());
    assertTrue(SolanaAddress.isValid("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"));
    assertFalse(SolanaAddress.isValid("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D")); // one character short
    assertFalse(SolanaAddress.isValid("2g"));
    assertFalse(SolanaAddress.isValid(null));
    assertFalse(SolanaAddress.isValid("0okenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"));
    assertFalse(SolanaAddress.isValid("1".repeat(45)));
    assertThrows(ChainFormatException.class, () -> SolanaAddress.fromPublicKey(new byte[31]));
    assertThrows(ChainFormatException.class, () -> SolanaAddress.fromPublicKey(null));
  }
}
