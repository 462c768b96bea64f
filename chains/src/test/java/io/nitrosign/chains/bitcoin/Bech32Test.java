package io.nitrosign.chains.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Bech32m string vectors and segwit address vectors from bitcoin/bips bip-0350.mediawiki
 * (commit 0310d9eeb1eda5e3626a738394f58b4ee3252074), section "Test vectors" (the segwit address
 * list covers v0 Bech32 per BIP-173 and v1+ Bech32m per BIP-350).
 */
class Bech32Test {
  static final HexFormat HEX = HexFormat.of();

  @Test
  void validBech32mStrings() {
    String[] valid = {
      "A1LQFN3A",
      "a1lqfn3a",
      "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
      "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
      "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
      "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
      "?1v759aa",
    };
    for (String s : valid) {
      Bech32.Decoded d = Bech32.decode(s);
      assertEquals(Bech32.Variant.BECH32M, d.variant(), s);
      assertEquals(s.toLowerCase(Locale.ROOT), Bech32.encode(d.hrp(), d.data(), Bech32.Variant.BECH32M));
    }
  }

  @Test
  void invalidBech32mStrings() {
    String[] invalid = {
      (char) 0x20 + "1xj0phk",
      (char) 0x7F + "1g6xzxy",
      (char) 0x80 + "1vctc34",
      "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
      "qyrz8wqd2c9m",
      "1qyrz8wqd2c9m",
      "y1b0jsk6g",
      "lt1igcx5c0",
      "in1muywd",
      "mm1crxm3i",
      "au1s5cgom",
      "M1VUXWEZ",
      "16plkw9",
      "1p2gdwpf",
    };
    for (String s : invalid) {
      assertThrows(ChainFormatException.class, () -> {
        Bech32.Decoded d = Bech32.decode(s);
        if (d.variant() != Bech32.Variant.BECH32M) {
          throw new ChainFormatException("checksum", "not bech32m");
        }
      }, s);
    }
  }

  @Test
  void validSegwitAddresses() {
    String[][] valid = {
      {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
      {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
      {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
      {"BC1SW50QGDZ25J", "6002751e"},
      {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"},
      {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
      {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
    };
    for (String[] v : valid) {
      String addr = v[0];
      String hrp = addr.toLowerCase(Locale.ROOT).startsWith("bc") ? Bech32.MAINNET : Bech32.TESTNET;
      Bech32.SegwitAddress a = Bech32.decodeSegwit(hrp, addr);
      assertEquals(v[1], HEX.formatHex(a.scriptPubKey()), addr);
      assertEquals(addr.toLowerCase(Locale.ROOT), Bech32.encodeSegwit(hrp, a.version(), a.program()));
      assertEquals(addr.toLowerCase(Locale.ROOT), BitcoinAddress.fromScriptPubKey(hrp, HEX.parseHex(v[1])));
    }
  }

  @Test
  void invalidSegwitAddresses() {
    String[] invalid = {
      "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
      "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
      "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
      "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
      "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
      "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
      "bc1pw5dgrnzv",
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
      "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
      "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
      "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
      "bc1gmk9yu",
    };
    for (String s : invalid) {
      assertThrows(ChainFormatException.class, () -> Bech32.decodeSegwit(Bech32.MAINNET, s), s);
      assertThrows(ChainFormatException.class, () -> Bech32.decodeSegwit(Bech32.TESTNET, s), s);
    }
  }

  @Test
  void errorsNameTheField() {
    assertEquals("checksum", assertThrows(ChainFormatException.class,
        () -> Bech32.decodeSegwit("bc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh")).field());
    assertEquals("hrp", assertThrows(ChainFormatException.class,
        () -> Bech32.decodeSegwit("bc", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7")).field());
  }

  @Test
  void keyAddresses() {
    // BIP-143 native P2WPKH example: public key -> witness program 1d0f172a... (its scriptPubKey)
    String addr = BitcoinAddress.p2wpkh("bc", HEX.parseHex("025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357"));
    assertEquals("00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1", HEX.formatHex(Bech32.decodeSegwit("bc", addr).scriptPubKey()));
    // BIP-350 vector: P2TR with output key 79be667e... (the generator's x)
    assertEquals("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        BitcoinAddress.p2tr("bc", HEX.parseHex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")));
    assertThrows(ChainFormatException.class, () -> BitcoinAddress.p2wpkh("bc", new byte[65]));
    assertThrows(ChainFormatException.class, () -> BitcoinAddress.p2tr("tb", new byte[33]));
  }
}
