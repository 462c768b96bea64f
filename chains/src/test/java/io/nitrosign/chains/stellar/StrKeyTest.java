package io.nitrosign.chains.stellar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Vectors from stellar/rs-stellar-strkey, tests/tests.rs (test_valid_public_keys,
 * test_invalid_public_keys, test_valid_private_keys, test_valid_muxed_ed25519,
 * test_invalid_muxed_ed25519), and lightsail-network/java-stellar-sdk,
 * src/test/java/org/stellar/sdk/responses/TransactionDeserializerTest.java (testDeserializeMuxed).
 */
class StrKeyTest {

  private static final HexFormat HEX = HexFormat.of();

  private static final String KEY_363E =
      "363eaa3867841fbad0f4ed88c779e4fe66e56a2470dc98c0ec9c073d05c7b103";
  private static final String KEY_3F0C =
      "3f0c34bf93ad0d9971d04ccc90f705511c838aad9734a4a2fb0d7a03fc7fe89a";

  @Test
  void accountIdsRoundTrip() {
    // rs-stellar-strkey test_valid_public_keys
    assertRoundTrip("GA3D5KRYM6CB7OWQ6TWYRR3Z4T7GNZLKERYNZGGA5SOAOPIFY6YQHES5", KEY_363E);
    assertRoundTrip("GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ", KEY_3F0C);
  }

  private static void assertRoundTrip(String g, String hex) {
    assertArrayEquals(HEX.parseHex(hex), StrKey.decodeAccountId(g));
    assertEquals(g, StrKey.encodeAccountId(HEX.parseHex(hex)));
  }

  @Test
  void seedDecodes() {
    // rs-stellar-strkey test_valid_private_keys
    assertArrayEquals(
        HEX.parseHex("69a8c4cbb9f64e8a0798f6e1ac65d06c3162929056bcf4cdb7d3738d1855f363"),
        StrKey.decodeSeed("SBU2RRGLXH3E5CQHTD3ODLDF2BWDCYUSSBLLZ5GNW7JXHDIYKXZWHOKR"));
    // a seed is not an account id and vice versa
    assertThrows(
        ChainFormatException.class,
        () -> StrKey.decodeAccountId("SBU2RRGLXH3E5CQHTD3ODLDF2BWDCYUSSBLLZ5GNW7JXHDIYKXZWHOKR"));
    assertThrows(
        ChainFormatException.class,
        () -> StrKey.decodeSeed("GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ"));
  }

  @Test
  void muxedAccountsRoundTrip() {
    // rs-stellar-strkey test_valid_muxed_ed25519
    assertMuxed("MA3D5KRYM6CB7OWQ6TWYRR3Z4T7GNZLKERYNZGGA5SOAOPIFY6YQGAAAAAAAAAPCICBKU", KEY_363E, 123456L);
    assertMuxed("MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUQ", KEY_3F0C, 0L);
    assertMuxed(
        "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVAAAAAAAAAAAAAJLK",
        KEY_3F0C,
        Long.parseUnsignedLong("9223372036854775808"));
    // java-stellar-sdk testDeserializeMuxed: M address, its G account, its id
    StrKey.Muxed m =
        StrKey.decodeMuxedAccount("MBB4JST32UWKOLGYYSCEYBHBCOFL2TGBHDVOMZP462ET4ZRD4ULA6AAAAAAAAAAAPN7BA");
    assertEquals(123L, m.id());
    assertEquals(
        "GBB4JST32UWKOLGYYSCEYBHBCOFL2TGBHDVOMZP462ET4ZRD4ULA7S2L",
        StrKey.encodeAccountId(m.ed25519()));
    m = StrKey.decodeMuxedAccount("MAVH5JM5OKXGMQDS7YPRJ4MQCPXJUGH26LYQPQJ4SOMOJ4SXY472YAAAAAAAAAABUSON4");
    assertEquals(420L, m.id());
    assertEquals(
        "GAVH5JM5OKXGMQDS7YPRJ4MQCPXJUGH26LYQPQJ4SOMOJ4SXY472ZM7G",
        StrKey.encodeAccountId(m.ed25519()));
  }

  private static void assertMuxed(String mAddr, String hex, long id) {
    StrKey.Muxed m = StrKey.decodeMuxedAccount(mAddr);
    assertArrayEquals(HEX.parseHex(hex), m.ed25519());
    assertEquals(id, m.id());
    assertEquals(mAddr, StrKey.encodeMuxedAccount(HEX.parseHex(hex), id));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // rs-stellar-strkey test_invalid_public_keys
        "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJV75ERQ", // too long
        "GAAAAAAAACGC6", // 5-byte payload
        "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZA", // length 1 mod 8
        "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUACUSI", // 36 bytes
        "G47QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVP2I", // algorithm bits 7
        "G=3D5KRYM6CB7OWQ6TWYRR3Z4T7GNZLKERYNZGGA5SOAOPIFY6YQHES5", // in-stream padding
        // own: checksum (last char changed), lower case, muxed where G expected, empty
        "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGA",
        "ga7qynf7sowq3glr2bgmzehxavirza4kvwltjjfc7mgxua74p7ujvsgz",
        "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUQ",
        ""
      })
  void invalidAccountIdsAreRefused(String s) {
    ChainFormatException e =
        assertThrows(ChainFormatException.class, () -> StrKey.decodeAccountId(s));
    assertEquals("accountId", e.field());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // rs-stellar-strkey test_invalid_muxed_ed25519
        "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUERUKZ4JVTO6777RIDA", // too long
        "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUR", // unused bit set
        "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVAAAAAAAAAAAAAJLKA", // 6 mod 8
        "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVAAAAAAAAAAAAAAV75I", // 44 bytes
        "M47QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUQ", // algorithm 7
        "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUK===", // padding
        "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUO", // checksum
        "MA7QYNF7SOWQ3GLR2DMLK" // too short
      })
  void invalidMuxedAccountsAreRefused(String s) {
    ChainFormatException e =
        assertThrows(ChainFormatException.class, () -> StrKey.decodeMuxedAccount(s));
    assertEquals("muxedAccount", e.field());
  }

  @Test
  void crc16XmodemCheckValue() {
    // CRC-16/XMODEM catalogue check value: crc("123456789") = 0x31C3
    // (reveng.sourceforge.io CRC catalogue).
    byte[] b = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(0x31c3, StrKey.crc16Xmodem(b, 0, b.length));
  }
}
