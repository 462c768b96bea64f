package io.nitrosign.chains.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Bech32 (BIP-173) vectors from bitcoin/bips bip-0173.mediawiki (commit
 * 01111edbabb3a5871694cde405e6f4e6d5b510fc), "Test vectors". Its v1+ address examples use the
 * original Bech32 checksum, which BIP-350 replaced with Bech32m: they must now be refused as
 * addresses (while still decoding as Bech32 strings).
 */
class Bech32Bip173Test {
  @Test
  void validBech32Strings() {
    String[] valid = {
      "A12UEL5L",
      "a12uel5l",
      "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
      "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
      "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
      "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
      "?1ezyfcl",
    };
    for (String s : valid) {
      Bech32.Decoded d = Bech32.decode(s);
      assertEquals(Bech32.Variant.BECH32, d.variant(), s);
      assertEquals(s.toLowerCase(Locale.ROOT), Bech32.encode(d.hrp(), d.data(), Bech32.Variant.BECH32));
    }
  }

  @Test
  void invalidBech32Strings() {
    String[] invalid = {
      (char) 0x20 + "1nwldj5",
      (char) 0x7F + "1axkwrx",
      (char) 0x80 + "1eym55h",
      "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
      "pzry9x0s0muk",
      "1pzry9x0s0muk",
      "x1b4n0q5v",
      "li1dgmt3",
      "de1lg7wt" + (char) 0xFF,
      "A1G7SGD8",
      "10a06t8",
      "1qzzfhee",
    };
    for (String s : invalid) {
      assertThrows(ChainFormatException.class, () -> {
        if (Bech32.decode(s).variant() != Bech32.Variant.BECH32) {
          throw new ChainFormatException("checksum", "not bech32");
        }
      }, s);
    }
  }

  @Test
  void v0AddressesStillValid() {
    String[][] valid = {
      {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
      {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
      {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
    };
    for (String[] v : valid) {
      String hrp = v[0].toLowerCase(Locale.ROOT).substring(0, 2);
      assertEquals(v[1], HexFormat.of().formatHex(Bech32.decodeSegwit(hrp, v[0]).scriptPubKey()));
    }
  }

  @Test
  void bech32V1PlusAddressesAreRefusedAfterBip350() {
    String[] v1plus = {
      "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
      "BC1SW50QA3JX3S",
      "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
    };
    for (String s : v1plus) {
      assertEquals(Bech32.Variant.BECH32, Bech32.decode(s).variant());
      assertEquals("checksum", assertThrows(ChainFormatException.class, () -> Bech32.decodeSegwit("bc", s)).field());
    }
  }

  @Test
  void invalidAddresses() {
    String[] invalid = {
      "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
      "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
      "bc1rw5uspcuh",
      "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
      "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
      "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
      "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
      "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
      "bc1gmk9yu",
    };
    for (String s : invalid) {
      assertThrows(ChainFormatException.class, () -> Bech32.decodeSegwit("bc", s), s);
      assertThrows(ChainFormatException.class, () -> Bech32.decodeSegwit("tb", s), s);
    }
  }
}
