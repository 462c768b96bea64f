package io.nitrosign.chains.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BIP-341 key-path sighashes: every input of keyPathSpending[0] in the BIP's wallet test vectors
 * (bip341-keypath-vectors.txt; origin in its header), SigMsg and sigHash byte for byte, directly
 * and through a PSBT built from the same data (witness_utxo per input, sighash_type per input),
 * with the vector's expected witness signature attached as tap_key_sig.
 */
class Bip341SighashTest {
  static final HexFormat HEX = HexFormat.of();

  record Vectors(Transaction tx, List<Transaction.Output> utxos, List<String[]> inputs) {}

  static Vectors load() throws Exception {
    Transaction tx = null;
    List<Transaction.Output> utxos = new ArrayList<>();
    List<String[]> inputs = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        Bip341SighashTest.class.getResourceAsStream("bip341-keypath-vectors.txt"), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "rawUnsignedTx" -> tx = Transaction.parse(HEX.parseHex(f[1]));
          case "utxo" -> utxos.add(new Transaction.Output(Long.parseLong(f[2]), HEX.parseHex(f[1])));
          case "input" -> inputs.add(f);
          default -> { }
        }
      }
    }
    return new Vectors(tx, utxos, inputs);
  }

  @Test
  void sigMsgAndSigHashForEveryInput() throws Exception {
    Vectors v = load();
    assertEquals(9, v.utxos().size());
    assertEquals(7, v.inputs().size());
    for (String[] f : v.inputs()) {
      int index = Integer.parseInt(f[1]);
      int hashType = Integer.parseInt(f[2]);
      assertEquals(f[8], HEX.formatHex(Sighash.taprootKeyPathMessage(v.tx(), index, v.utxos(), hashType)), "sigMsg " + index);
      assertEquals(f[9], HEX.formatHex(Sighash.taprootKeyPath(v.tx(), index, v.utxos(), hashType)), "sigHash " + index);
    }
  }

  static byte[] psbtFor(Vectors v) {
    ByteWriter w = new ByteWriter().bytes(new byte[] {0x70, 0x73, 0x62, 0x74, (byte) 0xff});
    w.varBytes(new byte[] {0x00}).varBytes(v.tx().serializeNoWitness()).u8(0);
    for (int i = 0; i < v.tx().inputs().size(); i++) {
      w.varBytes(new byte[] {0x01}).varBytes(v.utxos().get(i).serialize());
      for (String[] f : v.inputs()) {
        if (Integer.parseInt(f[1]) == i) {
          w.varBytes(new byte[] {0x03}).varBytes(new ByteWriter().u32(Integer.parseInt(f[2])).toByteArray());
        }
      }
      w.u8(0);
    }
    for (int i = 0; i < v.tx().outputs().size(); i++) {
      w.u8(0);
    }
    return w.toByteArray();
  }

  @Test
  void throughPsbtWithTapKeySig() throws Exception {
    Vectors v = load();
    byte[] raw = psbtFor(v);
    Psbt psbt = Psbt.parse(raw);
    assertEquals(HEX.formatHex(raw), HEX.formatHex(psbt.serialize()));
    for (String[] f : v.inputs()) {
      int index = Integer.parseInt(f[1]);
      int hashType = Integer.parseInt(f[2]);
      Psbt.InputSighash s = psbt.sighash(index);
      assertEquals(Psbt.InputKind.P2TR_KEY_PATH, s.kind());
      assertEquals(hashType, s.hashType());
      assertEquals(f[9], HEX.formatHex(s.digest()), "PSBT sigHash " + index);
      byte[] witness = HEX.parseHex(f[10]);
      psbt = psbt.withTapKeySig(index, java.util.Arrays.copyOf(witness, 64), hashType);
      Psbt reparsed = Psbt.parse(psbt.serialize());
      byte[] stored = null;
      for (Psbt.Entry e : reparsed.inputEntries(index)) {
        if (e.key().length == 1 && e.key()[0] == 0x13) {
          stored = e.value();
        }
      }
      assertEquals(f[10], HEX.formatHex(stored), "tap_key_sig " + index);
    }
    long in = 0;
    for (Transaction.Output o : v.utxos()) {
      in += o.value();
    }
    assertEquals(in - 1_000_000_000L - 3_410_000_000L, psbt.fee());
    assertEquals(2, psbt.decodedOutputs("bc").size());
    assertEquals(1_000_000_000L, psbt.decodedOutputs("bc").get(0).value());
  }

  @Test
  void rejectsBadTaprootTypes() throws Exception {
    Vectors v = load();
    for (int t : new int[] {0x04, 0x80, 0x84, 0x41}) {
      assertThrows(ChainFormatException.class, () -> Sighash.taprootKeyPath(v.tx(), 0, v.utxos(), t));
    }
    // SINGLE with no matching output (input 3 of a 2-output tx)
    assertEquals("sighash_type", assertThrows(ChainFormatException.class,
        () -> Sighash.taprootKeyPath(v.tx(), 3, v.utxos(), Sighash.SINGLE)).field());
    assertThrows(ChainFormatException.class, () -> Sighash.taprootKeyPath(v.tx(), 0, v.utxos().subList(0, 8), 0));
  }
}
