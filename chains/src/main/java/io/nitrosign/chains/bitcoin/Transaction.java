package io.nitrosign.chains.bitcoin;

import io.nitrosign.chains.ChainFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Bitcoin transaction (legacy or BIP-144 segwit serialization). Parsing is bounded and strict:
 * canonical CompactSize, no trailing bytes, a segwit flag of exactly 1, and no all-empty witness
 * in the extended format.
 */
public record Transaction(long version, List<Input> inputs, List<Output> outputs, long lockTime) {

  public static final int MAX_SIZE = 4_000_000;
  public static final int MAX_INPUTS = 10_000;
  public static final int MAX_OUTPUTS = 10_000;
  public static final int MAX_SCRIPT = 10_000;
  public static final int MAX_WITNESS_ITEMS = 1_000;
  public static final int MAX_WITNESS_ITEM = 4_000_000;
  public static final long MAX_MONEY = 21_000_000L * 100_000_000L;

  /** An input; {@code prevTxid} is in serialization (internal) byte order. */
  public record Input(byte[] prevTxid, long vout, byte[] scriptSig, long sequence, List<byte[]> witness) {
    public Input {
      witness = List.copyOf(witness);
    }

    public Input withScriptSigAndWitness(byte[] s, List<byte[]> w) {
      return new Input(prevTxid, vout, s, sequence, w);
    }

    byte[] outpoint() {
      return new ByteWriter().bytes(prevTxid).u32(vout).toByteArray();
    }
  }

  /** An output: value in satoshis and scriptPubKey. */
  public record Output(long value, byte[] scriptPubKey) {
    byte[] serialize() {
      return new ByteWriter().i64(value).varBytes(scriptPubKey).toByteArray();
    }
  }

  public Transaction {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  public boolean hasWitness() {
    for (Input in : inputs) {
      if (!in.witness().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Parses exactly {@code raw}. */
  public static Transaction parse(byte[] raw) {
    if (raw.length > MAX_SIZE) {
      throw new ChainFormatException("tx", "too large");
    }
    ByteReader r = new ByteReader(raw);
    Transaction tx = read(r, true);
    if (!r.atEnd()) {
      throw new ChainFormatException("tx", "trailing bytes");
    }
    return tx;
  }

  static Transaction read(ByteReader r, boolean allowWitness) {
    long version = r.u32("tx.version");
    boolean segwit = false;
    if (r.peek("tx.inputs.count") == 0 && allowWitness) {
      r.u8("tx.marker");
      int flag = r.u8("tx.flag");
      if (flag != 1) {
        throw new ChainFormatException("tx.flag", "must be 1");
      }
      segwit = true;
    }
    int nIn = (int) r.compactSize("tx.inputs.count", MAX_INPUTS);
    if (segwit && nIn == 0) {
      throw new ChainFormatException("tx.inputs.count", "zero inputs in segwit serialization");
    }
    List<Input> ins = new ArrayList<>(nIn);
    for (int i = 0; i < nIn; i++) {
      String f = "tx.inputs[" + i + "]";
      byte[] txid = r.bytes(32, f + ".prev_txid");
      long vout = r.u32(f + ".vout");
      byte[] script = r.varBytes(f + ".script_sig", MAX_SCRIPT);
      long seq = r.u32(f + ".sequence");
      ins.add(new Input(txid, vout, script, seq, List.of()));
    }
    int nOut = (int) r.compactSize("tx.outputs.count", MAX_OUTPUTS);
    List<Output> outs = new ArrayList<>(nOut);
    for (int i = 0; i < nOut; i++) {
      String f = "tx.outputs[" + i + "]";
      long value = r.i64(f + ".value");
      if (value < 0 || value > MAX_MONEY) {
        throw new ChainFormatException(f + ".value", "out of range");
      }
      outs.add(new Output(value, r.varBytes(f + ".script_pubkey", MAX_SCRIPT)));
    }
    if (segwit) {
      boolean any = false;
      for (int i = 0; i < nIn; i++) {
        String f = "tx.inputs[" + i + "].witness";
        int items = (int) r.compactSize(f + ".count", MAX_WITNESS_ITEMS);
        List<byte[]> w = new ArrayList<>(items);
        for (int k = 0; k < items; k++) {
          w.add(r.varBytes(f + "[" + k + "]", MAX_WITNESS_ITEM));
        }
        any |= items > 0;
        Input in = ins.get(i);
        ins.set(i, in.withScriptSigAndWitness(in.scriptSig(), w));
      }
      if (!any) {
        throw new ChainFormatException("tx.witness", "segwit serialization without witness data");
      }
    }
    long lock = r.u32("tx.lock_time");
    return new Transaction(version, ins, outs, lock);
  }

  /** Serialization with witnesses when any input has one (BIP-144), else legacy. */
  public byte[] serialize() {
    return serialize(hasWitness());
  }

  /** Serialization without witnesses (for txid, and the PSBT unsigned tx). */
  public byte[] serializeNoWitness() {
    return serialize(false);
  }

  private byte[] serialize(boolean witness) {
    ByteWriter w = new ByteWriter().u32(version);
    if (witness) {
      w.u8(0).u8(1);
    }
    w.compactSize(inputs.size());
    for (Input in : inputs) {
      w.bytes(in.prevTxid()).u32(in.vout()).varBytes(in.scriptSig()).u32(in.sequence());
    }
    w.compactSize(outputs.size());
    for (Output o : outputs) {
      w.bytes(o.serialize());
    }
    if (witness) {
      for (Input in : inputs) {
        w.compactSize(in.witness().size());
        for (byte[] item : in.witness()) {
          w.varBytes(item);
        }
      }
    }
    return w.u32(lockTime).toByteArray();
  }

  /** txid in internal byte order (double SHA-256 of the non-witness serialization). */
  public byte[] txid() {
    return Hashes.sha256d(serializeNoWitness());
  }

  /** wtxid in internal byte order. */
  public byte[] wtxid() {
    return Hashes.sha256d(serialize());
  }

  /** A txid as usually displayed (byte-reversed hex). */
  public static String displayId(byte[] id) {
    byte[] r = id.clone();
    for (int i = 0; i < r.length / 2; i++) {
      byte t = r[i];
      r[i] = r[r.length - 1 - i];
      r[r.length - 1 - i] = t;
    }
    return java.util.HexFormat.of().formatHex(r);
  }
}
