package io.nitrosign.chains.bitcoin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ChainFormatException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** BIP-341 tweaks, BIP-86 output keys and the shared secp256k1 point helpers. */
class TaprootTest {
  static final HexFormat HEX = HexFormat.of();

  @Test
  void keyPathVectorsTweakAndOutputKey() throws Exception {
    // BIP-341 wallet-test-vectors.json keyPathSpending[0].inputSpending[*]: internalPubkey,
    // merkleRoot, tweak and the spent output's key (bip341-keypath-vectors.txt; origin in its header).
    Bip341SighashTest.Vectors v = Bip341SighashTest.load();
    for (String[] f : v.inputs()) {
      int index = Integer.parseInt(f[1]);
      byte[] internal = HEX.parseHex(f[5]);
      byte[] merkle = f[4].equals("null") ? null : HEX.parseHex(f[4]);
      assertEquals(f[6], HEX.formatHex(Taproot.tweak(internal, merkle)), "tweak " + index);
      Taproot.OutputKey q = Taproot.outputKey(internal, merkle);
      assertEquals(HEX.formatHex(v.utxos().get(index).scriptPubKey()).substring(4), HEX.formatHex(q.x()),
          "output key " + index);
    }
  }

  @Test
  void scriptPubKeyVectorZeroAddress() {
    // BIP-341 wallet-test-vectors.json scriptPubKey[0]: internalPubkey d6889c..., scriptTree null,
    // tweakedPubkey 53a1f6..., bip350Address bc1p2wsldez5...
    byte[] q = Taproot.outputKey(HEX.parseHex("d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d"), null).x();
    assertEquals("53a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343", HEX.formatHex(q));
    assertEquals("bc1p2wsldez5mud2yam29q22wgfh9439spgduvct83k3pm50fcxa5dps59h4z5", BitcoinAddress.p2tr("bc", q));
  }

  @Test
  void bip86OutputKeyOfBothParities() {
    // BIP-86 test vectors (bitcoin/bips bip-0086.mediawiki): m/86'/0'/0'/0/0, /0/1 and /1/0:
    // internal_key -> output_key and address. The full public key's Y parity is unknown from the
    // BIP; both compressed forms must give the same BIP-86 output key (lift_x takes even Y).
    String[][] vectors = {
      {"cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115",
       "a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c",
       "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"},
      {"83dfe85a3151d2517290da461fe2815591ef69f2b18a2ce63f01697a8b313145",
       "a82f29944d65b86ae6b5e5cc75e294ead6c59391a1edc5e016e3498c67fc7bbb",
       "bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh"},
      {"399f1b2f4393f29a18c937859c5dd8a77350103157eb880f02e8c08214277cef",
       "882d74e5d0572d5a816cef0041a96b6c1de832f6f9676d9605c44d5e9a97d3dc",
       "bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7"}};
    for (String[] vec : vectors) {
      for (String prefix : new String[] {"02", "03"}) {
        byte[] compressed = HEX.parseHex(prefix + vec[0]);
        byte[] q = Taproot.bip86OutputKey(compressed);
        assertEquals(vec[1], HEX.formatHex(q));
        assertEquals(vec[2], BitcoinAddress.p2tr("bc", q));
        assertEquals(vec[1], HEX.formatHex(Taproot.bip86OutputKey(Secp256k1Points.decompress(compressed))));
      }
    }
  }

  @Test
  void pointHelpers() {
    // BIP-143 Native P2WPKH: the compressed public key of the second input.
    byte[] compressed = HEX.parseHex("025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357");
    byte[] full = Secp256k1Points.decompress(compressed);
    assertEquals(65, full.length);
    assertArrayEquals(compressed, Secp256k1Points.compress(full));
    assertArrayEquals(java.util.Arrays.copyOfRange(compressed, 1, 33), Secp256k1Points.xOnly(full));
    assertTrue(Secp256k1Points.hasEvenY(Secp256k1Points.liftX(Secp256k1Points.xOnly(full))));
    // not on the curve, bad prefixes, wrong lengths, x >= p
    // BIP-340 test-vectors.csv row 5: "public key not on the curve"
    byte[] offCurve = HEX.parseHex("EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34");
    assertNull(Secp256k1Points.liftX(offCurve));
    byte[] off = new byte[33];
    off[0] = 2;
    System.arraycopy(offCurve, 0, off, 1, 32);
    assertThrows(ChainFormatException.class, () -> Secp256k1Points.decode(off));
    assertThrows(ChainFormatException.class, () -> Taproot.outputKey(offCurve, null));
    assertThrows(ChainFormatException.class, () -> Secp256k1Points.decode(new byte[33]));
    assertThrows(ChainFormatException.class, () -> Secp256k1Points.decode(new byte[64]));
    assertThrows(ChainFormatException.class, () -> Secp256k1Points.decode(null));
    byte[] badFull = full.clone();
    badFull[64] ^= 1;
    assertEquals("public_key", assertThrows(ChainFormatException.class, () -> Secp256k1Points.decode(badFull)).field());
    assertNull(Secp256k1Points.liftX(HEX.parseHex("ff".repeat(32))));
    assertNull(Secp256k1Points.liftX(new byte[31]));
    assertThrows(ChainFormatException.class, () -> Taproot.outputKey(new byte[31], null));
    assertThrows(ChainFormatException.class, () -> Taproot.outputKey(new byte[32], new byte[31]));
  }
}
