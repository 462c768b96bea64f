package io.nitrosign.chains.solana;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShortVecTest {

  /**
   * Origin: solana-sdk short_vec.rs (solana_short_vec) tests test_short_vec_encode_len and
   * test_deserialize (good values): 0x0000 -> 00, 0x007f -> 7f, 0x0080 -> 80 01, 0x00ff -> ff 01,
   * 0x0100 -> 80 02, 0x07ff -> ff 0f, 0x3fff -> ff 7f, 0x4000 -> 80 80 01, 0x7fff -> ff ff 01,
   * 0xffff -> ff ff 03.
   */
  @ParameterizedTest
  @CsvSource({"0,00", "127,7f", "128,8001", "255,ff01", "256,8002", "2047,ff0f", "16383,ff7f", "16384,808001",
      "32767,ffff01", "65535,ffff03"})
  void sdkTable(int value, String hex) {
    assertArrayEquals(HexFormat.of().parseHex(hex), ShortVec.encode(value));
    assertEquals(value, ShortVec.decodeExact(HexFormat.of().parseHex(hex)));
  }

  @Test
  void everyValueRoundTrips() {
    for (int v = 0; v <= 0xffff; v++) {
      assertEquals(v, ShortVec.decodeExact(ShortVec.encode(v)));
    }
  }

  /**
   * Origin of the first 16: solana-sdk short_vec.rs test_deserialize (bad values: aliases, too
   * short, too long, too large) and test_short_vec_aliased_length's 3-byte alias of 1 (81 80 00).
   * The rest are ours: continuation on the third byte, trailing bytes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"8000", "808000", "ff00", "ff8000", "808100", "ff8100", "808200", "ff8f00", "ffff00", "",
      "80", "80808000", "808004", "808006", "818000", "ff80", "ffff83", "ffff07", "800100", "0000"})
  void refused(String hex) {
    ChainFormatException e = assertThrows(ChainFormatException.class,
        () -> ShortVec.decodeExact(HexFormat.of().parseHex(hex)));
    assertEquals("compactU16", e.field());
  }
}
