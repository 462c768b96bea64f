package io.nitrosign.policy.payload;

import io.nitrosign.chains.bitcoin.Hashes;
import io.nitrosign.chains.bitcoin.Psbt;
import io.nitrosign.chains.bitcoin.PsbtWallet;
import io.nitrosign.chains.bitcoin.Sighash;
import io.nitrosign.chains.bitcoin.Transaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Bitcoin PSBT ({@code signPsbt}). {@code network} is the wallet's chain type; {@code fee} is
 * null when an input's value is unknown; outputs carry address (null for a script without an
 * address), value in satoshis and whether the output pays back to the wallet.
 */
public record PsbtPayload(String network, String txid, List<Output> outputs, Long totalInput,
    long totalOutput, Long fee, Map<String, Object> extra, Map<String, Object> signed)
    implements Payload {

  /**
   * One output. {@code wallet} is true when its script is one of the wallet's own (P2WPKH,
   * P2SH-P2WPKH or BIP-86 P2TR of the wallet's key): change, not a payment.
   */
  public record Output(int index, String address, long value, boolean wallet,
      Map<String, Object> audit) {}

  /**
   * The view of a parsed PSBT for the wallet {@code owner}: {@code network} the wallet's chain
   * type ({@code bitcoin}, {@code bitcoin-testnet}), {@code bech32Hrp} its address prefix,
   * {@code inputs} and {@code toSign} what {@link PsbtWallet#inputs} and
   * {@link PsbtWallet#toSign} returned for it. {@code extra} holds {@code version},
   * {@code lock_time}, {@code inputs} (each: index, script type, value, whether the wallet's,
   * whether signed now and if so kind, sighash type and digest) and {@code sighash_types} (the
   * distinct types this request signs).
   */
  public static PsbtPayload of(String network, String bech32Hrp, Psbt psbt, PsbtWallet owner,
      List<PsbtWallet.InputView> inputs, List<Psbt.InputSighash> toSign) {
    Map<Integer, Psbt.InputSighash> byIndex = new LinkedHashMap<>();
    for (Psbt.InputSighash s : toSign) {
      byIndex.put(s.index(), s);
    }
    Transaction tx = psbt.unsignedTx();
    Map<String, Object> extra = AuditValues.map();
    extra.put("version", tx.version());
    extra.put("lock_time", tx.lockTime());
    List<Map<String, Object>> ins = new ArrayList<>();
    Long totalIn = 0L;
    for (PsbtWallet.InputView v : inputs) {
      Map<String, Object> m = AuditValues.map();
      m.put("index", v.index());
      m.put("script", v.script());
      m.put("value", v.value());
      m.put("wallet", v.role() != PsbtWallet.Role.OTHER);
      Psbt.InputSighash s = byIndex.get(v.index());
      m.put("sign", s != null);
      if (s != null) {
        m.put("kind", inputKind(s.kind()));
        m.put("sighash_type", Sighash.name(s.hashType()));
        m.put("digest", AuditValues.plainHex(s.digest()));
      }
      ins.add(Collections.unmodifiableMap(m));
      totalIn = v.value() == null || totalIn == null ? null : totalIn + v.value();
    }
    extra.put("inputs", List.copyOf(ins));
    Set<String> types = new LinkedHashSet<>();
    for (Psbt.InputSighash s : toSign) {
      types.add(Sighash.name(s.hashType()));
    }
    extra.put("sighash_types", List.copyOf(types));

    WalletScripts mine = new WalletScripts(owner);
    List<Output> outs = new ArrayList<>();
    long totalOut = 0;
    int i = 0;
    for (Psbt.DecodedOutput o : psbt.decodedOutputs(bech32Hrp)) {
      boolean wallet = mine.matches(o.scriptPubKey());
      Map<String, Object> m = AuditValues.map();
      m.put("index", i);
      m.put("value", o.value());
      m.put("address", o.address());
      if (o.address() == null) {
        m.put("script", AuditValues.plainHex(o.scriptPubKey()));
      }
      m.put("wallet", wallet);
      outs.add(new Output(i, o.address(), o.value(), wallet, Collections.unmodifiableMap(m)));
      totalOut += o.value();
      i++;
    }
    return new PsbtPayload(network, AuditValues.plainHex(reversed(tx.txid())), List.copyOf(outs),
        totalIn, totalOut, totalIn == null ? null : totalIn - totalOut, extra, AuditValues.map());
  }

  /**
   * {@code network, txid, version, lock_time, inputs, outputs} (each output's {@code audit}:
   * index, value, address, the script in hex when there is no address, and whether it pays the
   * wallet), {@code total_input, total_output, fee} (null when an input's value is unknown),
   * {@code sighash_types}; then the rest of {@code extra} and {@code signed}. Amounts are
   * satoshis as numbers.
   */
  @Override
  public Map<String, Object> audit() {
    Map<String, Object> d = AuditValues.map();
    d.put("network", network);
    d.put("txid", txid);
    AuditValues.putIfHeld(d, extra, "version");
    AuditValues.putIfHeld(d, extra, "lock_time");
    AuditValues.putIfHeld(d, extra, "inputs");
    List<Object> outs = new ArrayList<>(outputs.size());
    for (Output o : outputs) {
      outs.add(o.audit());
    }
    d.put("outputs", outs);
    d.put("total_input", totalInput);
    d.put("total_output", totalOutput);
    d.put("fee", fee);
    AuditValues.putRest(d, extra);
    AuditValues.putRest(d, signed);
    return d;
  }

  /** The audit row's name of an input kind: {@code p2wpkh}, {@code p2sh-p2wpkh}, {@code p2tr}. */
  public static String inputKind(Psbt.InputKind kind) {
    return switch (kind) {
      case P2WPKH -> "p2wpkh";
      case P2SH_P2WPKH -> "p2sh-p2wpkh";
      case P2TR_KEY_PATH -> "p2tr";
    };
  }

  private static byte[] reversed(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  /**
   * The wallet's three output scripts ({@link PsbtWallet}'s: P2WPKH, P2SH-P2WPKH, BIP-86 P2TR).
   * The taproot key costs a point multiplication: computed only for an output that could be one.
   */
  private static final class WalletScripts {
    private final PsbtWallet owner;
    private final byte[] p2wpkh;
    private final byte[] p2sh;
    private byte[] p2tr;

    WalletScripts(PsbtWallet owner) {
      this.owner = owner;
      byte[] pkh = Hashes.hash160(owner.compressedKey());
      this.p2wpkh = concat(new byte[] {0x00, 0x14}, pkh);
      this.p2sh = concat(new byte[] {(byte) 0xa9, 0x14}, Hashes.hash160(p2wpkh),
          new byte[] {(byte) 0x87});
    }

    boolean matches(byte[] spk) {
      if (Arrays.equals(spk, p2wpkh) || Arrays.equals(spk, p2sh)) {
        return true;
      }
      if (spk.length != 34 || spk[0] != 0x51 || spk[1] != 0x20) {
        return false;
      }
      if (p2tr == null) {
        p2tr = concat(new byte[] {0x51, 0x20}, owner.taprootOutputKey());
      }
      return Arrays.equals(spk, p2tr);
    }

    private static byte[] concat(byte[]... parts) {
      int n = 0;
      for (byte[] p : parts) {
        n += p.length;
      }
      byte[] out = new byte[n];
      int at = 0;
      for (byte[] p : parts) {
        System.arraycopy(p, 0, out, at, p.length);
        at += p.length;
      }
      return out;
    }
  }
}
