package io.nitrosign.chains.bitcoin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ChainFormatException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which inputs a single-key wallet signs, on PSBTs built from BIP-143's examples (bitcoin/bips
 * bip-0143.mediawiki, "Native P2WPKH" and "P2SH-P2WPKH", strings in {@link Bip143SighashTest}) and
 * BIP-341's keyPathSpending vector (bip341-keypath-vectors.txt, origin in its header), and the
 * request's signing rules on PSBTs whose previous transactions are built here.
 *
 * <p>BIP-143 does not publish the previous transactions of its examples, so their PSBTs carry
 * witness_utxo only and are signed with {@link #WITNESS_UTXO_ONLY}; BIP-341's input 0 uses
 * SIGHASH_SINGLE, so it is signed with {@link #SINGLE_ALLOWED}.
 */
class PsbtWalletTest {
  static final HexFormat HEX = HexFormat.of();
  static final PsbtWallet.SigningRules STRICT = PsbtWallet.SigningRules.STRICT;
  static final PsbtWallet.SigningRules WITNESS_UTXO_ONLY = new PsbtWallet.SigningRules(true, List.of());
  static final PsbtWallet.SigningRules SINGLE_ALLOWED =
      new PsbtWallet.SigningRules(false, List.of(Sighash.SINGLE));

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
    List<Psbt.InputSighash> s = w.toSign(p, WITNESS_UTXO_ONLY);
    assertEquals(1, s.size());
    assertEquals(1, s.get(0).index());
    assertEquals(Psbt.InputKind.P2WPKH, s.get(0).kind());
    assertEquals(Bip143SighashTest.P2WPKH_SIGHASH, HEX.formatHex(s.get(0).digest()));
    // the same wallet given its uncompressed key
    assertEquals(1, PsbtWallet.of(Secp256k1Points.decompress(HEX.parseHex(Bip143SighashTest.P2WPKH_PUBKEY)))
        .toSign(p, WITNESS_UTXO_ONLY).size());
    // another key: nothing to sign
    ChainFormatException e = assertThrows(ChainFormatException.class,
        () -> PsbtWallet.of(HEX.parseHex(Bip143SighashTest.P2SH_PUBKEY)).toSign(p, WITNESS_UTXO_ONLY));
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
    assertThrows(ChainFormatException.class, () -> w.toSign(signed, WITNESS_UTXO_ONLY));
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
    List<Psbt.InputSighash> s = w.toSign(p, WITNESS_UTXO_ONLY);
    assertEquals(Psbt.InputKind.P2SH_P2WPKH, s.get(0).kind());
    assertEquals(Bip143SighashTest.P2SH_SIGHASH, HEX.formatHex(s.get(0).digest()));
    // the wallet's P2SH output without its redeem script: a typed error, not a skip
    byte[] noRedeem = PsbtTest.psbt(Bip143SighashTest.P2SH_UNSIGNED, new byte[][][] {
        {{0x01}, PsbtTest.txOut(1_000_000_000L, Bip143SighashTest.P2SH_SPK)}}, 2);
    assertEquals("inputs[0].redeem_script",
        assertThrows(ChainFormatException.class, () -> w.toSign(Psbt.parse(noRedeem), WITNESS_UTXO_ONLY)).field());
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
    // witness_utxo is enough for taproot (BIP-341 signs every amount); SINGLE must be allowed
    assertEquals("inputs[0].sighash_type",
        assertThrows(ChainFormatException.class, () -> w.toSign(p, STRICT)).field());
    List<Psbt.InputSighash> s = w.toSign(p, SINGLE_ALLOWED);
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
    ChainFormatException e = assertThrows(ChainFormatException.class, () -> w.toSign(Psbt.parse(withRoot), SINGLE_ALLOWED));
    assertEquals("inputs[0].tap_merkle_root", e.field());
    assertEquals(ChainFormatException.Kind.UNSUPPORTED, e.kind());
    // the wallet's output naming another internal key
    byte[] otherKey = taprootPsbt(tx, v, new byte[] {0x17}, HEX.parseHex(v.inputs().get(1)[5]));
    assertEquals("inputs[0].tap_internal_key",
        assertThrows(ChainFormatException.class, () -> w.toSign(Psbt.parse(otherKey), SINGLE_ALLOWED)).field());
    // another output (input 1's script-tree output) naming the wallet's key as internal key
    byte[] claims = taprootPsbtAt(tx, v, 1, new byte[] {0x17}, x);
    assertEquals("inputs[1].tap_internal_key",
        assertThrows(ChainFormatException.class, () -> w.toSign(Psbt.parse(claims), SINGLE_ALLOWED)).field());
  }

  // ------------------------------------------------------------------ signing rules

  /** BIP-143's Native P2WPKH key: the wallet of the PSBTs below. */
  static final byte[] KEY = HEX.parseHex(Bip143SighashTest.P2WPKH_PUBKEY);
  static final byte[] SPK = HEX.parseHex(Bip143SighashTest.P2WPKH_SPK);

  /** A previous transaction paying {@code value} to the wallet's P2WPKH script at output 1. */
  static Transaction previous(long value) {
    return new Transaction(2,
        List.of(new Transaction.Input(new byte[32], 7, new byte[0], 0xffffffffL, List.of())),
        List.of(new Transaction.Output(1_000, new byte[] {0x6a}), new Transaction.Output(value, SPK)), 0);
  }

  /**
   * A PSBT spending output 1 of {@code prev} (worth 50_000) to two outputs, with the given input
   * entries ({@code null} entries left out).
   */
  static Psbt spending(Transaction prev, Psbt.Entry... entries) {
    Transaction tx = new Transaction(2,
        List.of(new Transaction.Input(prev.txid(), 1, new byte[0], 0xfffffffdL, List.of())),
        List.of(new Transaction.Output(30_000, SPK), new Transaction.Output(19_000, SPK)), 0);
    List<Psbt.Entry> m = new java.util.ArrayList<>();
    for (Psbt.Entry e : entries) {
      if (e != null) {
        m.add(e);
      }
    }
    return Psbt.create(tx, List.of(m));
  }

  static Psbt.Entry sighashType(int type) {
    return new Psbt.Entry(new byte[] {0x03}, new ByteWriter().u32(type).toByteArray());
  }

  @Test
  void aSegwitV0InputWithItsPreviousTransactionIsSignedOnTheAuthenticatedAmount() {
    PsbtWallet w = PsbtWallet.of(KEY);
    Transaction prev = previous(50_000);
    Psbt both = spending(prev, Psbt.nonWitnessUtxoEntry(prev), Psbt.witnessUtxoEntry(50_000, SPK));
    Psbt fullOnly = spending(prev, Psbt.nonWitnessUtxoEntry(prev));
    byte[] expected = Sighash.bip143(both.unsignedTx(), 0,
        Sighash.p2wpkhScriptCode(Hashes.hash160(KEY)), 50_000, Sighash.ALL);
    assertArrayEquals(expected, w.toSign(both, STRICT).get(0).digest());
    assertArrayEquals(expected, w.toSign(fullOnly, STRICT).get(0).digest());
  }

  @Test
  void aSegwitV0InputWithWitnessUtxoOnlyIsRefusedUnlessTheRequestAcceptsTheRisk() {
    PsbtWallet w = PsbtWallet.of(KEY);
    Psbt p = spending(previous(50_000), Psbt.witnessUtxoEntry(50_000, SPK));
    ChainFormatException e = assertThrows(ChainFormatException.class, () -> w.toSign(p, STRICT));
    assertEquals("inputs[0].non_witness_utxo", e.field());
    assertTrue(e.reason().contains("allow_witness_utxo_only"), e.reason());
    assertEquals(1, w.toSign(p, WITNESS_UTXO_ONLY).size());
  }

  @Test
  void aWitnessUtxoAmountThatDiffersFromThePreviousTransactionIsRefusedEvenWhenWitnessUtxoAloneIsAllowed() {
    PsbtWallet w = PsbtWallet.of(KEY);
    Transaction prev = previous(50_000);
    // the CVE-2020-14199 lie: witness_utxo claims more than the output holds
    Psbt lie = spending(prev, Psbt.nonWitnessUtxoEntry(prev), Psbt.witnessUtxoEntry(60_000, SPK));
    for (PsbtWallet.SigningRules rules : List.of(STRICT, WITNESS_UTXO_ONLY)) {
      ChainFormatException e = assertThrows(ChainFormatException.class, () -> w.toSign(lie, rules));
      assertEquals("inputs[0].witness_utxo", e.field());
      assertEquals("differs from the non_witness_utxo output (amount or script)", e.reason());
    }
    // the script differing is refused the same way
    Psbt otherScript = spending(prev, Psbt.nonWitnessUtxoEntry(prev),
        Psbt.witnessUtxoEntry(50_000, HEX.parseHex(Bip143SighashTest.P2SH_SPK)));
    assertEquals("inputs[0].witness_utxo",
        assertThrows(ChainFormatException.class, () -> w.toSign(otherScript, STRICT)).field());
  }

  @Test
  void aNonWitnessUtxoThatIsNotThePrevoutsTransactionIsRefused() {
    Transaction prev = previous(50_000);
    Transaction other = previous(50_001);
    ChainFormatException e = assertThrows(ChainFormatException.class,
        () -> spending(prev, Psbt.nonWitnessUtxoEntry(other)));
    assertEquals("inputs[0].non_witness_utxo", e.field());
    assertEquals("txid does not match prevout", e.reason());
  }

  @Test
  void noneSingleAndAnyoneCanPayAreRefusedByDefaultAndSignedWhenListed() {
    PsbtWallet w = PsbtWallet.of(KEY);
    Transaction prev = previous(50_000);
    for (int type : Sighash.PARTIAL_TYPES) {
      Psbt p = spending(prev, Psbt.nonWitnessUtxoEntry(prev), sighashType(type));
      ChainFormatException e = assertThrows(ChainFormatException.class, () -> w.toSign(p, STRICT));
      assertEquals("inputs[0].sighash_type", e.field());
      assertEquals(Sighash.name(type) + " is refused unless allowed_sighash_types lists it", e.reason());
      // another partial type listed: still refused
      int other = type == 0x02 ? 0x03 : 0x02;
      assertThrows(ChainFormatException.class,
          () -> w.toSign(p, new PsbtWallet.SigningRules(false, List.of(other))));
      List<Psbt.InputSighash> s = w.toSign(p, new PsbtWallet.SigningRules(false, List.of(type)));
      assertEquals(type, s.get(0).hashType());
    }
    // ALL, explicit or by default, needs no permission
    assertEquals(Sighash.ALL, w.toSign(spending(prev, Psbt.nonWitnessUtxoEntry(prev),
        sighashType(Sighash.ALL)), STRICT).get(0).hashType());
  }

  @Test
  void signingRulesReadRequestParamsIntoOneCanonicalForm() {
    assertEquals(STRICT, PsbtWallet.SigningRules.fromParams(null, null));
    assertEquals(new PsbtWallet.SigningRules(true, List.of(0x03, 0x81, 0x83)),
        PsbtWallet.SigningRules.fromParams(true, List.of("SINGLE|ANYONECANPAY", "ALL", "SINGLE",
            "DEFAULT", "ALL|ANYONECANPAY", "SINGLE")));
    assertEquals("params.allow_witness_utxo_only", assertThrows(ChainFormatException.class,
        () -> PsbtWallet.SigningRules.fromParams("true", null)).field());
    assertEquals("params.allowed_sighash_types", assertThrows(ChainFormatException.class,
        () -> PsbtWallet.SigningRules.fromParams(null, "SINGLE")).field());
    assertEquals("params.allowed_sighash_types[1]", assertThrows(ChainFormatException.class,
        () -> PsbtWallet.SigningRules.fromParams(null, List.of("NONE", "single"))).field());
    assertEquals("params.allowed_sighash_types[0]", assertThrows(ChainFormatException.class,
        () -> PsbtWallet.SigningRules.fromParams(null, List.of(3))).field());
    // the payload form: partial types only, ascending, no repeats
    for (List<Integer> bad : List.of(List.of(0x01), List.of(0x00), List.of(0x83, 0x03),
        List.of(0x02, 0x02), List.of(0x04), List.of(0x42))) {
      assertEquals("allowed_sighash_types", assertThrows(ChainFormatException.class,
          () -> new PsbtWallet.SigningRules(false, bad)).field(), bad.toString());
    }
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
