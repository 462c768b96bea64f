package io.nitrosign.chains.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which inputs a single-key wallet signs, on PSBTs built from BIP-143's examples (bitcoin/bips
 * bip-0143.mediawiki, "Native P2WPKH" and "P2SH-P2WPKH", strings in {@link Bip143SighashTest}) and
 * BIP-341's keyPathSpending vector (bip341-keypath-vectors.txt, origin in its header).
 */
class PsbtWalletTest {
  static final HexFormat HEX = HexFormat.of();

  static byte[] p2wpkhExample(byte[]... extraInput1) {
    byte[][] input1 = new byte[2 + extraInput1.length][];
    input1[0] = new byte[] {0x01};
    input1[1] = PsbtTest.txOut(600_000_000L, Bip143SighashTest.P2WPKH_SPK);
    System.arraycopy(extraInput1, 0, input1, 2, extraInput1.length);
    return PsbtTest.psbt(Bip143SighashTest.P2WPKH_UNSIGNED, new byte[][][] {{}, input1}, 2);
  }

  @Test
  void nativeP2wpkhExample() {
    PsbtWallet w = PsbtWallet.of(HEX.parseHex(Bip143SighashTest.P2WPKH_PUBKEY));
    Psbt p = Psbt.parse(p2wpkhExample());
    List<PsbtWallet.InputView> views = w.inputs(p);
    assertEquals(new PsbtWallet.InputView(0, null, null, PsbtWallet.Role.OTHER), views.get(0));
    assertEquals(new PsbtWallet.InputView(1, "p2wpkh", 600_000_000L, PsbtWallet.Role.SIGN), views.get(1));
    List<Psbt.InputSighash> s = w.toSign(p);
    assertEquals(1, s.size());
    assertEquals(1, s.get(0).index());
    assertEquals(Psbt.InputKind.P2WPKH, s.get(0).kind());
    assertEquals(Bip143SighashTest.P2WPKH_SIGHASH, HEX.formatHex(s.get(0).digest()));
    // the same wallet given its uncompressed key
    assertEquals(1, PsbtWallet.of(Secp256k1Points.decompress(HEX.parseHex(Bip143SighashTest.P2WPKH_PUBKEY)))
        .toSign(p).size());
    // another key: nothing to sign
    ChainFormatException e = assertThrows(ChainFormatException.class,
        () -> PsbtWallet.of(HEX.parseHex(Bip143SighashTest.P2SH_PUBKEY)).toSign(p));
    assertEquals("psbt", e.field());
    assertEquals("no input of this wallet to sign", e.reason());
  }

  @Test
  void alreadySignedOrFinalizedInputsAreLeftAlone() {
    PsbtWallet w = PsbtWallet.of(HEX.parseHex(Bip143SighashTest.P2WPKH_PUBKEY));
    byte[] der = HEX.parseHex(Bip143SighashTest.P2WPKH_SIG);
    Psbt signed = Psbt.parse(p2wpkhExample()).withPartialSig(1, HEX.parseHex(Bip143SighashTest.P2WPKH_PUBKEY),
        Arrays.copyOfRange(der, 4, 36), Arrays.copyOfRange(der, 38, 70), Sighash.ALL);
    assertEquals(PsbtWallet.Role.ALREADY_SIGNED, w.inputs(signed).get(1).role());
    assertThrows(ChainFormatException.class, () -> w.toSign(signed));
    Psbt finalized = Psbt.parse(p2wpkhExample(new byte[] {0x08}, HEX.parseHex("00")));
    assertEquals(PsbtWallet.Role.ALREADY_SIGNED, w.inputs(finalized).get(1).role());
  }

  @Test
  void p2shP2wpkhExample() {
    byte[] raw = PsbtTest.psbt(Bip143SighashTest.P2SH_UNSIGNED, new byte[][][] {
        {{0x01}, PsbtTest.txOut(1_000_000_000L, Bip143SighashTest.P2SH_SPK),
         {0x04}, HEX.parseHex(Bip143SighashTest.P2SH_REDEEM)}}, 2);
    PsbtWallet w = PsbtWallet.of(HEX.parseHex(Bip143SighashTest.P2SH_PUBKEY));
    Psbt p = Psbt.parse(raw);
    assertEquals("p2sh", w.inputs(p).get(0).script());
    List<Psbt.InputSighash> s = w.toSign(p);
    assertEquals(Psbt.InputKind.P2SH_P2WPKH, s.get(0).kind());
    assertEquals(Bip143SighashTest.P2SH_SIGHASH, HEX.formatHex(s.get(0).digest()));
    // the wallet's P2SH output without its redeem script: a typed error, not a skip
    byte[] noRedeem = PsbtTest.psbt(Bip143SighashTest.P2SH_UNSIGNED, new byte[][][] {
        {{0x01}, PsbtTest.txOut(1_000_000_000L, Bip143SighashTest.P2SH_SPK)}}, 2);
    assertEquals("inputs[0].redeem_script",
        assertThrows(ChainFormatException.class, () -> w.toSign(Psbt.parse(noRedeem))).field());
  }

  @Test
  void bip341KeyPathInputZeroIsTheBip86WalletsOnly() throws Exception {
    Bip341SighashTest.Vectors v = Bip341SighashTest.load();
    String[] input0 = v.inputs().get(0);
    assertEquals("0", input0[1]);
    assertEquals("null", input0[4]); // no script tree
    PsbtWallet w = PsbtWallet.of(HEX.parseHex("02" + input0[5]));
    assertEquals(HEX.formatHex(v.utxos().get(0).scriptPubKey()).substring(4), HEX.formatHex(w.taprootOutputKey()));
    Psbt p = Psbt.parse(Bip341SighashTest.psbtFor(v));
    List<PsbtWallet.InputView> views = w.inputs(p);
    assertEquals(9, views.size());
    assertEquals(PsbtWallet.Role.SIGN, views.get(0).role());
    for (int i = 1; i < 9; i++) {
      assertEquals(PsbtWallet.Role.OTHER, views.get(i).role(), "input " + i);
    }
    assertEquals("p2pkh", views.get(2).script());
    assertEquals("p2wpkh", views.get(5).script());
    List<Psbt.InputSighash> s = w.toSign(p);
    assertEquals(1, s.size());
    assertEquals(Psbt.InputKind.P2TR_KEY_PATH, s.get(0).kind());
    assertEquals(3, s.get(0).hashType());
    assertEquals(input0[9], HEX.formatHex(s.get(0).digest()));
    // already carrying a tap_key_sig: left alone
    Psbt signed = p.withTapKeySig(0, Arrays.copyOf(HEX.parseHex(input0[10]), 64), 3);
    assertEquals(PsbtWallet.Role.ALREADY_SIGNED, w.inputs(signed).get(0).role());
  }

  @Test
  void scriptTreesAndMismatchedInternalKeysAreRefused() throws Exception {
    Bip341SighashTest.Vectors v = Bip341SighashTest.load();
    String[] input0 = v.inputs().get(0);
    byte[] x = HEX.parseHex(input0[5]);
    PsbtWallet w = PsbtWallet.of(HEX.parseHex("02" + input0[5]));
    byte[] tx = v.tx().serializeNoWitness();
    // the wallet's BIP-86 output with a merkle root: unsupported
    byte[] withRoot = taprootPsbt(tx, v, new byte[] {0x18}, new byte[32]);
    ChainFormatException e = assertThrows(ChainFormatException.class, () -> w.toSign(Psbt.parse(withRoot)));
    assertEquals("inputs[0].tap_merkle_root", e.field());
    assertEquals(ChainFormatException.Kind.UNSUPPORTED, e.kind());
    // the wallet's output naming another internal key
    byte[] otherKey = taprootPsbt(tx, v, new byte[] {0x17}, HEX.parseHex(v.inputs().get(1)[5]));
    assertEquals("inputs[0].tap_internal_key",
        assertThrows(ChainFormatException.class, () -> w.toSign(Psbt.parse(otherKey))).field());
    // another output (input 1's script-tree output) naming the wallet's key as internal key
    byte[] claims = taprootPsbtAt(tx, v, 1, new byte[] {0x17}, x);
    assertEquals("inputs[1].tap_internal_key",
        assertThrows(ChainFormatException.class, () -> w.toSign(Psbt.parse(claims))).field());
  }

  /** psbtFor(v) with one more entry on input 0. */
  static byte[] taprootPsbt(byte[] tx, Bip341SighashTest.Vectors v, byte[] key, byte[] value) {
    return taprootPsbtAt(tx, v, 0, key, value);
  }

  static byte[] taprootPsbtAt(byte[] tx, Bip341SighashTest.Vectors v, int at, byte[] key, byte[] value) {
    byte[][][] maps = new byte[v.utxos().size()][][];
    for (int i = 0; i < maps.length; i++) {
      maps[i] = i == at
          ? new byte[][] {{0x01}, v.utxos().get(i).serialize(), key, value}
          : new byte[][] {{0x01}, v.utxos().get(i).serialize()};
    }
    return PsbtTest.psbt(HEX.formatHex(tx), maps, v.tx().outputs().size());
  }
}
