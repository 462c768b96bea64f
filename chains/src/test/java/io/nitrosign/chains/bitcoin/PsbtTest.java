package io.nitrosign.chains.bitcoin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PSBT parsing against BIP-174's own test vectors (bip174-vectors.txt; origin in its header):
 * valid ones round-trip byte for byte, invalid ones are refused with a typed error. Signing flow
 * against BIP-143's examples: the PSBT sighash equals the BIP's sighash and the partial_sig added
 * equals the BIP's DER signature plus hash type.
 */
class PsbtTest {
  static final HexFormat HEX = HexFormat.of();

  static List<String[]> vectors(String kind) throws Exception {
    List<String[]> r = new ArrayList<>();
    try (BufferedReader br = new BufferedReader(new InputStreamReader(
        PsbtTest.class.getResourceAsStream("bip174-vectors.txt"), StandardCharsets.UTF_8))) {
      for (String line; (line = br.readLine()) != null; ) {
        String[] f = line.split(" ");
        if (f[0].equals(kind)) {
          r.add(f);
        }
      }
    }
    return r;
  }

  @Test
  void validVectorsRoundTripByteForByte() throws Exception {
    List<String[]> valid = vectors("valid");
    assertEquals(10, valid.size());
    for (String[] v : valid) {
      Psbt p = Psbt.fromBase64(v[2]);
      assertEquals(v[2], p.toBase64(), v[1]);
      assertEquals(p.unsignedTx().inputs().size(), p.inputCount());
    }
  }

  @Test
  void invalidVectorsAreTypedErrors() throws Exception {
    List<String[]> invalid = vectors("invalid");
    assertEquals(7, invalid.size());
    for (String[] v : invalid) {
      ChainFormatException e = assertThrows(ChainFormatException.class, () -> Psbt.fromBase64(v[2]), v[1]);
      assertNotNull(e.field());
    }
  }

  @Test
  void inputValuesAndOutputsForPolicy() throws Exception {
    // "one P2PKH input and one P2SH-P2WPKH input ... outputs filled": input 0 non_witness_utxo,
    // input 1 witness_utxo of 1 BTC with a P2SH-P2WPKH redeem script.
    Psbt p = Psbt.fromBase64(vectors("valid").get(3)[2]);
    assertEquals(99_999_699L, p.inputValue(0)); // from non_witness_utxo output 0: d3dff505 00000000
    assertEquals(100_000_000L, p.inputValue(1));
    assertEquals(Psbt.InputKind.P2SH_P2WPKH, p.kind(1));
    List<Psbt.DecodedOutput> outs = p.decodedOutputs("bc");
    assertEquals(2, outs.size());
    assertEquals(199_900_000L, outs.get(0).value());
    assertEquals(9_358L, outs.get(1).value());
    assertEquals(null, outs.get(0).address()); // P2PKH: not a segwit address
    assertEquals(99_999_699L + 100_000_000L - 199_900_000L - 9_358L, p.fee());
    // input 0 spends P2PKH: refused for signing with a typed error
    assertEquals("inputs[0].utxo", assertThrows(ChainFormatException.class, () -> p.sighash(0)).field());
  }

  static byte[] psbt(String unsignedTxHex, byte[][][] inputMaps, int outputs) {
    ByteWriter w = new ByteWriter().bytes(new byte[] {0x70, 0x73, 0x62, 0x74, (byte) 0xff});
    w.varBytes(new byte[] {0x00}).varBytes(HEX.parseHex(unsignedTxHex)).u8(0);
    for (byte[][] map : inputMaps) {
      for (int k = 0; k + 1 < map.length; k += 2) {
        w.varBytes(map[k]).varBytes(map[k + 1]);
      }
      w.u8(0);
    }
    for (int i = 0; i < outputs; i++) {
      w.u8(0);
    }
    return w.toByteArray();
  }

  static byte[] txOut(long value, String spk) {
    return new Transaction.Output(value, HEX.parseHex(spk)).serialize();
  }

  @Test
  void bip143NativeP2wpkhThroughPsbt() {
    byte[] raw = psbt(Bip143SighashTest.P2WPKH_UNSIGNED, new byte[][][] {
        {},
        {{0x01}, txOut(600_000_000L, Bip143SighashTest.P2WPKH_SPK)}}, 2);
    Psbt p = Psbt.parse(raw);
    Psbt.InputSighash s = p.sighash(1);
    assertEquals(Psbt.InputKind.P2WPKH, s.kind());
    assertEquals(Sighash.ALL, s.hashType());
    assertEquals(Bip143SighashTest.P2WPKH_SIGHASH, HEX.formatHex(s.digest()));
    byte[] der = HEX.parseHex(Bip143SighashTest.P2WPKH_SIG);
    Psbt signed = p.withPartialSig(1, HEX.parseHex(Bip143SighashTest.P2WPKH_PUBKEY),
        Arrays.copyOfRange(der, 4, 36), Arrays.copyOfRange(der, 38, 70), Sighash.ALL);
    Psbt.Entry e = signed.inputEntries(1).get(1);
    assertEquals("02" + Bip143SighashTest.P2WPKH_PUBKEY, HEX.formatHex(e.key()));
    assertEquals(Bip143SighashTest.P2WPKH_SIG + "01", HEX.formatHex(e.value()));
    assertArrayEquals(signed.serialize(), Psbt.parse(signed.serialize()).serialize());
    // a second identical signature is a duplicate key
    assertThrows(ChainFormatException.class, () -> signed.withPartialSig(1, HEX.parseHex(Bip143SighashTest.P2WPKH_PUBKEY),
        Arrays.copyOfRange(der, 4, 36), Arrays.copyOfRange(der, 38, 70), Sighash.ALL));
    // wrong key for the input
    assertEquals("inputs[1].partial_sig", assertThrows(ChainFormatException.class, () -> p.withPartialSig(1,
        HEX.parseHex(Bip143SighashTest.P2SH_PUBKEY), Arrays.copyOfRange(der, 4, 36), Arrays.copyOfRange(der, 38, 70), 1)).field());
  }

  @Test
  void bip143P2shP2wpkhThroughPsbt() {
    byte[] raw = psbt(Bip143SighashTest.P2SH_UNSIGNED, new byte[][][] {
        {{0x01}, txOut(1_000_000_000L, Bip143SighashTest.P2SH_SPK), {0x04}, HEX.parseHex(Bip143SighashTest.P2SH_REDEEM),
         {0x03}, HEX.parseHex("01000000")}}, 2);
    Psbt p = Psbt.parse(raw);
    Psbt.InputSighash s = p.sighash(0);
    assertEquals(Psbt.InputKind.P2SH_P2WPKH, s.kind());
    assertEquals(Bip143SighashTest.P2SH_SIGHASH, HEX.formatHex(s.digest()));
    byte[] der = HEX.parseHex(Bip143SighashTest.P2SH_SIG);
    Psbt signed = p.withPartialSig(0, HEX.parseHex(Bip143SighashTest.P2SH_PUBKEY),
        Arrays.copyOfRange(der, 4, 36), Arrays.copyOfRange(der, 38, 70), Sighash.ALL);
    assertEquals(Bip143SighashTest.P2SH_SIG + "01", HEX.formatHex(signed.inputEntries(0).get(3).value()));
    // the PSBT asks for SIGHASH_ALL: a signature of another type is refused
    assertEquals("inputs[0].sighash_type", assertThrows(ChainFormatException.class, () -> p.withPartialSig(0,
        HEX.parseHex(Bip143SighashTest.P2SH_PUBKEY), Arrays.copyOfRange(der, 4, 36), Arrays.copyOfRange(der, 38, 70),
        Sighash.NONE)).field());
  }

  @Test
  void malformedPsbtsAreTypedErrors() throws Exception {
    byte[] good = Base64.getDecoder().decode(vectors("valid").get(1)[2]);
    // bad magic
    byte[] bad = good.clone();
    bad[4] = 0x00;
    assertEquals("psbt.magic", assertThrows(ChainFormatException.class, () -> Psbt.parse(bad)).field());
    // every truncation
    for (int n = 0; n < good.length; n++) {
      byte[] t = Arrays.copyOf(good, n);
      assertThrows(ChainFormatException.class, () -> Psbt.parse(t), "truncated to " + n);
    }
    // trailing byte
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertEquals("psbt", assertThrows(ChainFormatException.class, () -> Psbt.parse(trailing)).field());
    // duplicate key: the "0 inputs, 0 outputs" vector with an unknown global key twice
    byte[] dup = HEX.parseHex("70736274ff01000a" + "00".repeat(10) + "02fc0001aa02fc0001bb00");
    assertEquals("global", assertThrows(ChainFormatException.class, () -> Psbt.parse(dup)).field());
    byte[] once = HEX.parseHex("70736274ff01000a" + "00".repeat(10) + "02fc0001aa00");
    assertArrayEquals(once, Psbt.parse(once).serialize());
    // missing unsigned tx
    assertEquals("global.unsigned_tx", assertThrows(ChainFormatException.class,
        () -> Psbt.parse(HEX.parseHex("70736274ff00"))).field());
    // unsigned tx with a scriptSig
    assertThrows(ChainFormatException.class, () -> Psbt.parse(HEX.parseHex(
        "70736274ff01003e0200000001" + "00".repeat(32) + "00000000" + "0151" + "ffffffff" + "00" + "00000000" + "0000")));
    // non-canonical CompactSize for a key length
    assertThrows(ChainFormatException.class, () -> Psbt.parse(HEX.parseHex("70736274fffd010000")));
    // base64: invalid, and non-canonical (missing padding)
    assertEquals("psbt", assertThrows(ChainFormatException.class, () -> Psbt.fromBase64("cHNidP8!")).field());
    assertEquals("psbt", assertThrows(ChainFormatException.class, () -> Psbt.fromBase64("cHNidP8BAAoAAAAAAAAAAAAAAA")).field());
    // PSBT version 2 refused
    assertEquals("global.version", assertThrows(ChainFormatException.class, () -> Psbt.parse(
        HEX.parseHex("70736274ff01000a" + "00".repeat(10) + "01fb040200000000"))).field());
  }

  @Test
  void fieldValidation() {
    String tx = Bip143SighashTest.P2SH_UNSIGNED;
    // tap_key_sig of wrong length, tap_internal_key of wrong length, high-S partial sig
    assertEquals("inputs[0].tap_key_sig", assertThrows(ChainFormatException.class,
        () -> Psbt.parse(psbt(tx, new byte[][][] {{{0x13}, new byte[63]}}, 2))).field());
    assertEquals("inputs[0].tap_internal_key", assertThrows(ChainFormatException.class,
        () -> Psbt.parse(psbt(tx, new byte[][][] {{{0x17}, new byte[33]}}, 2))).field());
    byte[] key = HEX.parseHex("02" + Bip143SighashTest.P2SH_PUBKEY);
    byte[] highS = HEX.parseHex("3045022100" + "01".repeat(32) + "0220" + "ff".repeat(32) + "01");
    assertEquals("inputs[0].partial_sig", assertThrows(ChainFormatException.class,
        () -> Psbt.parse(psbt(tx, new byte[][][] {{key, highS}}, 2))).field());
    // witness_utxo with trailing bytes
    byte[] wu = Arrays.copyOf(txOut(1, "0014" + "00".repeat(20)), 32);
    assertEquals("inputs[0].witness_utxo", assertThrows(ChainFormatException.class,
        () -> Psbt.parse(psbt(tx, new byte[][][] {{{0x01}, wu}}, 2))).field());
    // wrong number of input maps (none) -> truncated
    assertThrows(ChainFormatException.class, () -> Psbt.parse(psbt(tx, new byte[][][] {}, 0)));
  }

  @Test
  void transactionStrictness() {
    byte[] good = HEX.parseHex(Bip143SighashTest.P2WPKH_SIGNED);
    // flag other than 1
    byte[] badFlag = good.clone();
    badFlag[5] = 2;
    assertEquals("tx.flag", assertThrows(ChainFormatException.class, () -> Transaction.parse(badFlag)).field());
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertEquals("tx", assertThrows(ChainFormatException.class, () -> Transaction.parse(trailing)).field());
    for (int n = 0; n < good.length; n++) {
      byte[] t = Arrays.copyOf(good, n);
      assertThrows(ChainFormatException.class, () -> Transaction.parse(t));
    }
  }
}
