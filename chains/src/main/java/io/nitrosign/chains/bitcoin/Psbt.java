package io.nitrosign.chains.bitcoin;

import io.nitrosign.chains.ChainFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A BIP-174 PSBT (version 0). Parsing is strict and bounded: magic, canonical CompactSize, no
 * duplicate keys in a map, exact key lengths and value formats for the fields this signer
 * understands, one input map per unsigned-tx input and one output map per output, no trailing
 * bytes. Every key-value pair (known or not, e.g. global xpubs, proprietary keys) is kept in its
 * original order, so {@link #serialize()} reproduces the input byte for byte.
 */
public final class Psbt {

  /** One key-value pair; {@code key} starts with the CompactSize key type. */
  public record Entry(byte[] key, byte[] value) {
    int type() {
      return (int) new ByteReader(key).compactSize("key.type", Integer.MAX_VALUE);
    }
  }

  /** Which signature scheme and digest an input needs. */
  public enum InputKind { P2WPKH, P2SH_P2WPKH, P2TR_KEY_PATH }

  /** The digest to sign for one input, with how to sign it. */
  public record InputSighash(int index, InputKind kind, int hashType, byte[] digest) {}

  /** A decoded output for policy: value, scriptPubKey and its address (null if not segwit). */
  public record DecodedOutput(long value, byte[] scriptPubKey, String address) {}

  public static final int MAX_SIZE = 4_000_000;
  public static final int MAX_ENTRIES_PER_MAP = 1_000;
  private static final byte[] MAGIC = {0x70, 0x73, 0x62, 0x74, (byte) 0xff};

  // key types (BIP-174, BIP-371)
  static final int GLOBAL_UNSIGNED_TX = 0x00;
  static final int GLOBAL_XPUB = 0x01;
  static final int GLOBAL_VERSION = 0xFB;
  static final int IN_NON_WITNESS_UTXO = 0x00;
  static final int IN_WITNESS_UTXO = 0x01;
  static final int IN_PARTIAL_SIG = 0x02;
  static final int IN_SIGHASH_TYPE = 0x03;
  static final int IN_REDEEM_SCRIPT = 0x04;
  static final int IN_WITNESS_SCRIPT = 0x05;
  static final int IN_BIP32_DERIVATION = 0x06;
  static final int IN_FINAL_SCRIPTSIG = 0x07;
  static final int IN_FINAL_SCRIPTWITNESS = 0x08;
  static final int IN_TAP_KEY_SIG = 0x13;
  static final int IN_TAP_INTERNAL_KEY = 0x17;
  static final int IN_TAP_MERKLE_ROOT = 0x18;
  static final int OUT_REDEEM_SCRIPT = 0x00;
  static final int OUT_WITNESS_SCRIPT = 0x01;
  static final int OUT_BIP32_DERIVATION = 0x02;
  static final int OUT_TAP_INTERNAL_KEY = 0x05;

  private final List<Entry> global;
  private final List<List<Entry>> inputs;
  private final List<List<Entry>> outputs;
  private final Transaction unsignedTx;

  private Psbt(List<Entry> global, List<List<Entry>> inputs, List<List<Entry>> outputs, Transaction tx) {
    this.global = global;
    this.inputs = inputs;
    this.outputs = outputs;
    this.unsignedTx = tx;
  }

  /** Parses a base64 PSBT (canonical base64 with padding required). */
  public static Psbt fromBase64(String b64) {
    if (b64 == null || b64.length() > MAX_SIZE / 3 * 4 + 4) {
      throw new ChainFormatException("psbt", "too large");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new ChainFormatException("psbt", "invalid base64");
    }
    if (!Base64.getEncoder().encodeToString(raw).equals(b64)) {
      throw new ChainFormatException("psbt", "non-canonical base64");
    }
    return parse(raw);
  }

  public String toBase64() {
    return Base64.getEncoder().encodeToString(serialize());
  }

  /** Parses binary PSBT bytes. */
  public static Psbt parse(byte[] raw) {
    if (raw == null || raw.length > MAX_SIZE) {
      throw new ChainFormatException("psbt", "too large");
    }
    ByteReader r = new ByteReader(raw);
    byte[] magic = r.bytes(MAGIC.length, "psbt.magic");
    if (!Arrays.equals(magic, MAGIC)) {
      throw new ChainFormatException("psbt.magic", "not a PSBT");
    }
    List<Entry> global = readMap(r, "global");
    Transaction tx = null;
    for (Entry e : global) {
      int t = e.type();
      if (t == GLOBAL_UNSIGNED_TX) {
        keyOnlyType(e, "global.unsigned_tx");
        ByteReader tr = new ByteReader(e.value());
        tx = Transaction.read(tr, false);
        if (!tr.atEnd()) {
          throw new ChainFormatException("global.unsigned_tx", "trailing bytes");
        }
        for (Transaction.Input in : tx.inputs()) {
          if (in.scriptSig().length != 0) {
            throw new ChainFormatException("global.unsigned_tx", "scriptSig must be empty");
          }
        }
      } else if (t == GLOBAL_XPUB) {
        if (e.key().length != 79) {
          throw new ChainFormatException("global.xpub", "key must be 78-byte extended key");
        }
        if (e.value().length < 4 || e.value().length % 4 != 0) {
          throw new ChainFormatException("global.xpub", "bad derivation path");
        }
      } else if (t == GLOBAL_VERSION) {
        keyOnlyType(e, "global.version");
        if (e.value().length != 4) {
          throw new ChainFormatException("global.version", "must be 4 bytes");
        }
        long v = new ByteReader(e.value()).u32("global.version");
        if (v != 0) {
          throw new ChainFormatException("global.version", "only PSBT version 0 is supported");
        }
      }
    }
    if (tx == null) {
      throw new ChainFormatException("global.unsigned_tx", "missing");
    }
    List<List<Entry>> ins = new ArrayList<>();
    for (int i = 0; i < tx.inputs().size(); i++) {
      List<Entry> m = readMap(r, "inputs[" + i + "]");
      checkInput(m, i, tx);
      ins.add(m);
    }
    List<List<Entry>> outs = new ArrayList<>();
    for (int i = 0; i < tx.outputs().size(); i++) {
      List<Entry> m = readMap(r, "outputs[" + i + "]");
      checkOutput(m, i);
      outs.add(m);
    }
    if (!r.atEnd()) {
      throw new ChainFormatException("psbt", "trailing bytes");
    }
    return new Psbt(global, ins, outs, tx);
  }

  private static List<Entry> readMap(ByteReader r, String field) {
    List<Entry> map = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (true) {
      byte[] key = r.varBytes(field + ".key", MAX_SIZE);
      if (key.length == 0) {
        return map;
      }
      byte[] value = r.varBytes(field + ".value", MAX_SIZE);
      if (map.size() >= MAX_ENTRIES_PER_MAP) {
        throw new ChainFormatException(field, "too many entries");
      }
      Entry e = new Entry(key, value);
      ByteReader kr = new ByteReader(key);
      kr.compactSize(field + ".key.type", 0xffffffffL);
      if (!seen.add(java.util.HexFormat.of().formatHex(key))) {
        throw new ChainFormatException(field, "duplicate key");
      }
      map.add(e);
    }
  }

  private static void keyOnlyType(Entry e, String field) {
    if (e.key().length != 1) {
      throw new ChainFormatException(field, "key must be the type byte only");
    }
  }

  private static void checkPubKeyInKey(Entry e, String field) {
    int n = e.key().length - 1;
    if (n == 33 && (e.key()[1] == 2 || e.key()[1] == 3)) {
      return;
    }
    if (n == 65 && e.key()[1] == 4) {
      return;
    }
    throw new ChainFormatException(field, "key must carry a public key");
  }

  private static void checkDerivation(byte[] v, String field) {
    if (v.length < 4 || v.length % 4 != 0 || v.length > 4 + 4 * 255) {
      throw new ChainFormatException(field, "bad fingerprint/derivation path");
    }
  }

  private static void checkInput(List<Entry> m, int i, Transaction tx) {
    String p = "inputs[" + i + "].";
    for (Entry e : m) {
      int t = e.type();
      switch (t) {
        case IN_NON_WITNESS_UTXO -> {
          keyOnlyType(e, p + "non_witness_utxo");
          Transaction prev = Transaction.parse(e.value());
          Transaction.Input in = tx.inputs().get(i);
          if (!Arrays.equals(prev.txid(), in.prevTxid())) {
            throw new ChainFormatException(p + "non_witness_utxo", "txid does not match prevout");
          }
          if (in.vout() >= prev.outputs().size()) {
            throw new ChainFormatException(p + "non_witness_utxo", "prevout index out of range");
          }
        }
        case IN_WITNESS_UTXO -> {
          keyOnlyType(e, p + "witness_utxo");
          parseTxOut(e.value(), p + "witness_utxo");
        }
        case IN_PARTIAL_SIG -> {
          checkPubKeyInKey(e, p + "partial_sig");
          EcdsaDer.checkSignatureWithHashType(e.value(), p + "partial_sig");
        }
        case IN_SIGHASH_TYPE -> {
          keyOnlyType(e, p + "sighash_type");
          if (e.value().length != 4) {
            throw new ChainFormatException(p + "sighash_type", "must be 4 bytes");
          }
        }
        case IN_REDEEM_SCRIPT, IN_WITNESS_SCRIPT, IN_FINAL_SCRIPTSIG ->
            keyOnlyType(e, p + "type_" + t);
        case IN_BIP32_DERIVATION -> {
          checkPubKeyInKey(e, p + "bip32_derivation");
          checkDerivation(e.value(), p + "bip32_derivation");
        }
        case IN_FINAL_SCRIPTWITNESS -> {
          keyOnlyType(e, p + "final_scriptwitness");
          ByteReader r = new ByteReader(e.value());
          long n = r.compactSize(p + "final_scriptwitness.count", Transaction.MAX_WITNESS_ITEMS);
          for (long k = 0; k < n; k++) {
            r.varBytes(p + "final_scriptwitness[" + k + "]", Transaction.MAX_WITNESS_ITEM);
          }
          if (!r.atEnd()) {
            throw new ChainFormatException(p + "final_scriptwitness", "trailing bytes");
          }
        }
        case IN_TAP_KEY_SIG -> {
          keyOnlyType(e, p + "tap_key_sig");
          int n = e.value().length;
          if (n != 64 && !(n == 65 && e.value()[64] != 0)) {
            throw new ChainFormatException(p + "tap_key_sig", "must be 64 bytes, or 65 with a non-default sighash type");
          }
          if (n == 65) {
            Sighash.checkTaprootType(e.value()[64] & 0xff);
          }
        }
        case IN_TAP_INTERNAL_KEY, IN_TAP_MERKLE_ROOT -> {
          keyOnlyType(e, p + "type_" + t);
          if (e.value().length != 32) {
            throw new ChainFormatException(p + (t == IN_TAP_INTERNAL_KEY ? "tap_internal_key" : "tap_merkle_root"), "must be 32 bytes");
          }
        }
        default -> { } // unknown or not interpreted here: preserved
      }
    }
  }

  private static void checkOutput(List<Entry> m, int i) {
    String p = "outputs[" + i + "].";
    for (Entry e : m) {
      int t = e.type();
      switch (t) {
        case OUT_REDEEM_SCRIPT, OUT_WITNESS_SCRIPT -> keyOnlyType(e, p + "type_" + t);
        case OUT_BIP32_DERIVATION -> {
          checkPubKeyInKey(e, p + "bip32_derivation");
          checkDerivation(e.value(), p + "bip32_derivation");
        }
        case OUT_TAP_INTERNAL_KEY -> {
          keyOnlyType(e, p + "tap_internal_key");
          if (e.value().length != 32) {
            throw new ChainFormatException(p + "tap_internal_key", "must be 32 bytes");
          }
        }
        default -> { }
      }
    }
  }

  private static Transaction.Output parseTxOut(byte[] v, String field) {
    ByteReader r = new ByteReader(v);
    long value = r.i64(field + ".value");
    if (value < 0 || value > Transaction.MAX_MONEY) {
      throw new ChainFormatException(field + ".value", "out of range");
    }
    byte[] spk = r.varBytes(field + ".script_pubkey", Transaction.MAX_SCRIPT);
    if (!r.atEnd()) {
      throw new ChainFormatException(field, "trailing bytes");
    }
    return new Transaction.Output(value, spk);
  }

  /**
   * Starts a PSBT (version 0) for {@code unsignedTx} (BIP-174's Creator and Updater roles): the
   * global unsigned transaction, then one map per input with the given entries in order (e.g.
   * {@link #witnessUtxoEntry}, redeem script, sighash type), and an empty map per output. The
   * result is parsed back, so it obeys every rule {@link #parse} enforces.
   *
   * @throws ChainFormatException when the maps do not match the transaction or an entry is invalid
   */
  public static Psbt create(Transaction unsignedTx, List<List<Entry>> inputMaps) {
    ByteWriter w = new ByteWriter().bytes(MAGIC);
    writeMap(w, List.of(new Entry(new byte[] {GLOBAL_UNSIGNED_TX}, unsignedTx.serializeNoWitness())));
    for (List<Entry> m : inputMaps) {
      writeMap(w, m);
    }
    for (int i = 0; i < unsignedTx.outputs().size(); i++) {
      writeMap(w, List.of());
    }
    return parse(w.toByteArray());
  }

  /** A witness_utxo entry (key type 0x01): the output an input spends, value and script. */
  public static Entry witnessUtxoEntry(long value, byte[] scriptPubKey) {
    return new Entry(new byte[] {IN_WITNESS_UTXO},
        new Transaction.Output(value, scriptPubKey).serialize());
  }

  /** The exact PSBT bytes (entries in their original order). */
  public byte[] serialize() {
    ByteWriter w = new ByteWriter().bytes(MAGIC);
    writeMap(w, global);
    for (List<Entry> m : inputs) {
      writeMap(w, m);
    }
    for (List<Entry> m : outputs) {
      writeMap(w, m);
    }
    return w.toByteArray();
  }

  private static void writeMap(ByteWriter w, List<Entry> m) {
    for (Entry e : m) {
      w.varBytes(e.key()).varBytes(e.value());
    }
    w.u8(0);
  }

  public Transaction unsignedTx() {
    return unsignedTx;
  }

  public int inputCount() {
    return inputs.size();
  }

  public int outputCount() {
    return outputs.size();
  }

  /** The entries of the global map, in order (copies: changing them does not change the PSBT). */
  public List<Entry> globalEntries() {
    return copies(global);
  }

  /** The entries of input map {@code i}, in order (copies). */
  public List<Entry> inputEntries(int i) {
    checkInputIndex(i);
    return copies(inputs.get(i));
  }

  /** The entries of output map {@code i}, in order (copies). */
  public List<Entry> outputEntries(int i) {
    if (i < 0 || i >= outputs.size()) {
      throw new ChainFormatException("output_index", "out of range");
    }
    return copies(outputs.get(i));
  }

  private static List<Entry> copies(List<Entry> m) {
    List<Entry> r = new ArrayList<>(m.size());
    for (Entry e : m) {
      r.add(new Entry(e.key().clone(), e.value().clone()));
    }
    return List.copyOf(r);
  }

  private static byte[] find(List<Entry> m, int type) {
    for (Entry e : m) {
      if (e.key().length == 1 && (e.key()[0] & 0xff) == type) {
        return e.value();
      }
    }
    return null;
  }

  /**
   * The output input {@code i} spends, from witness_utxo or non_witness_utxo (which must agree
   * when both are present); {@code null} when neither is.
   */
  public Transaction.Output spentOutput(int i) {
    checkInputIndex(i);
    Transaction.Output fromWitness = null;
    Transaction.Output fromFull = null;
    byte[] w = find(inputs.get(i), IN_WITNESS_UTXO);
    if (w != null) {
      fromWitness = parseTxOut(w, "inputs[" + i + "].witness_utxo");
    }
    byte[] f = find(inputs.get(i), IN_NON_WITNESS_UTXO);
    if (f != null) {
      Transaction prev = Transaction.parse(f);
      fromFull = prev.outputs().get((int) unsignedTx.inputs().get(i).vout());
    }
    if (fromWitness != null && fromFull != null
        && (fromWitness.value() != fromFull.value()
            || !Arrays.equals(fromWitness.scriptPubKey(), fromFull.scriptPubKey()))) {
      throw new ChainFormatException("inputs[" + i + "].witness_utxo",
          "differs from the non_witness_utxo output (amount or script)");
    }
    return fromWitness != null ? fromWitness : fromFull;
  }

  /**
   * Whether input {@code i} carries non_witness_utxo: the full previous transaction, whose txid
   * {@link #parse} checked against the input's prevout, so its output's amount is authenticated.
   */
  public boolean hasNonWitnessUtxo(int i) {
    checkInputIndex(i);
    return find(inputs.get(i), IN_NON_WITNESS_UTXO) != null;
  }

  /** A non_witness_utxo entry (key type 0x00): the full previous transaction, serialized. */
  public static Entry nonWitnessUtxoEntry(Transaction previous) {
    return new Entry(new byte[] {IN_NON_WITNESS_UTXO}, previous.serialize());
  }

  /** Input value in satoshis. */
  public long inputValue(int i) {
    Transaction.Output o = spentOutput(i);
    if (o == null) {
      throw new ChainFormatException("inputs[" + i + "].utxo", "missing");
    }
    return o.value();
  }

  /** Outputs decoded for policy, with addresses for the given HRP ("bc" or "tb"). */
  public List<DecodedOutput> decodedOutputs(String hrp) {
    List<DecodedOutput> r = new ArrayList<>();
    for (Transaction.Output o : unsignedTx.outputs()) {
      r.add(new DecodedOutput(o.value(), o.scriptPubKey().clone(), BitcoinAddress.fromScriptPubKey(hrp, o.scriptPubKey())));
    }
    return r;
  }

  /** Sum of inputs minus sum of outputs; every input needs a UTXO. */
  public long fee() {
    long in = 0;
    for (int i = 0; i < inputs.size(); i++) {
      in += inputValue(i);
    }
    long out = 0;
    for (Transaction.Output o : unsignedTx.outputs()) {
      out += o.value();
    }
    if (in < out) {
      throw new ChainFormatException("psbt", "outputs exceed inputs");
    }
    return in - out;
  }

  /** The sighash_type field, or {@code null} if absent. */
  public Integer sighashType(int i) {
    checkInputIndex(i);
    byte[] v = find(inputs.get(i), IN_SIGHASH_TYPE);
    return v == null ? null : (int) new ByteReader(v).u32("sighash_type");
  }

  public byte[] tapInternalKey(int i) {
    checkInputIndex(i);
    byte[] v = find(inputs.get(i), IN_TAP_INTERNAL_KEY);
    return v == null ? null : v.clone();
  }

  public byte[] tapMerkleRoot(int i) {
    checkInputIndex(i);
    byte[] v = find(inputs.get(i), IN_TAP_MERKLE_ROOT);
    return v == null ? null : v.clone();
  }

  /** The kind of spend, from the spent scriptPubKey (and redeem script for P2SH). */
  public InputKind kind(int i) {
    Transaction.Output spent = spentOutput(i);
    if (spent == null) {
      throw new ChainFormatException("inputs[" + i + "].utxo", "missing");
    }
    byte[] spk = spent.scriptPubKey();
    if (isP2wpkh(spk)) {
      return InputKind.P2WPKH;
    }
    if (spk.length == 34 && spk[0] == 0x51 && spk[1] == 0x20) {
      return InputKind.P2TR_KEY_PATH;
    }
    if (spk.length == 23 && (spk[0] & 0xff) == 0xa9 && spk[1] == 0x14 && (spk[22] & 0xff) == 0x87) {
      byte[] redeem = find(inputs.get(i), IN_REDEEM_SCRIPT);
      if (redeem == null) {
        throw new ChainFormatException("inputs[" + i + "].redeem_script", "missing for P2SH");
      }
      if (!Arrays.equals(Hashes.hash160(redeem), Arrays.copyOfRange(spk, 2, 22))) {
        throw new ChainFormatException("inputs[" + i + "].redeem_script", "does not match P2SH hash");
      }
      if (isP2wpkh(redeem)) {
        return InputKind.P2SH_P2WPKH;
      }
    }
    throw new ChainFormatException("inputs[" + i + "].utxo", "unsupported script type");
  }

  private static boolean isP2wpkh(byte[] s) {
    return s.length == 22 && s[0] == 0 && s[1] == 0x14;
  }

  /**
   * The digest to sign for input {@code i}: BIP-143 for P2WPKH / P2SH-P2WPKH (the amount from
   * witness_utxo or non_witness_utxo, which must agree when both are present; whether a
   * witness_utxo alone is enough is {@link PsbtWallet}'s rule; sighash ALL unless the
   * sighash_type field says otherwise), BIP-341 key path for P2TR
   * (every input's UTXO required unless ANYONECANPAY; DEFAULT unless the field says otherwise).
   */
  public InputSighash sighash(int i) {
    InputKind kind = kind(i);
    Integer field = sighashType(i);
    String p = "inputs[" + i + "]";
    if (kind == InputKind.P2TR_KEY_PATH) {
      int ht = field == null ? Sighash.DEFAULT : field;
      Sighash.checkTaprootType(ht);
      List<Transaction.Output> spent = new ArrayList<>();
      boolean acp = (ht & Sighash.ANYONECANPAY) != 0;
      for (int k = 0; k < inputs.size(); k++) {
        Transaction.Output o = spentOutput(k);
        if (o == null && (!acp || k == i)) {
          throw new ChainFormatException("inputs[" + k + "].utxo", "missing (needed for the taproot sighash)");
        }
        spent.add(o == null ? new Transaction.Output(0, new byte[0]) : o);
      }
      return new InputSighash(i, kind, ht, Sighash.taprootKeyPath(unsignedTx, i, spent, ht));
    }
    int ht = field == null ? Sighash.ALL : field;
    Sighash.checkSegwitV0Type(ht);
    Transaction.Output spent = spentOutput(i);
    byte[] program = kind == InputKind.P2WPKH
        ? Arrays.copyOfRange(spent.scriptPubKey(), 2, 22)
        : Arrays.copyOfRange(find(inputs.get(i), IN_REDEEM_SCRIPT), 2, 22);
    byte[] scriptCode = Sighash.p2wpkhScriptCode(program);
    return new InputSighash(i, kind, ht, Sighash.bip143(unsignedTx, i, scriptCode, spent.value(), ht));
  }

  /**
   * Adds a partial_sig for a segwit v0 input: the key's HASH160 must be the input's program; S must
   * be low; the value is DER(r, s) followed by the sighash type byte.
   */
  public Psbt withPartialSig(int i, byte[] compressedPubKey, byte[] r32, byte[] s32, int hashType) {
    InputKind kind = kind(i);
    if (kind == InputKind.P2TR_KEY_PATH) {
      throw new ChainFormatException("inputs[" + i + "]", "taproot input takes tap_key_sig");
    }
    BitcoinAddress.checkCompressed(compressedPubKey);
    byte[] program = kind == InputKind.P2WPKH
        ? Arrays.copyOfRange(spentOutput(i).scriptPubKey(), 2, 22)
        : Arrays.copyOfRange(find(inputs.get(i), IN_REDEEM_SCRIPT), 2, 22);
    if (!Arrays.equals(Hashes.hash160(compressedPubKey), program)) {
      throw new ChainFormatException("inputs[" + i + "].partial_sig", "public key does not match the input");
    }
    Sighash.checkSegwitV0Type(hashType);
    checkAgainstSighashField(i, hashType);
    byte[] der = EcdsaDer.encode(r32, s32);
    byte[] value = Arrays.copyOf(der, der.length + 1);
    value[der.length] = (byte) hashType;
    byte[] key = new byte[34];
    key[0] = IN_PARTIAL_SIG;
    System.arraycopy(compressedPubKey, 0, key, 1, 33);
    return withInputEntry(i, new Entry(key, value), "partial_sig");
  }

  /** Adds tap_key_sig: the 64-byte signature, plus the hash type byte unless it is DEFAULT. */
  public Psbt withTapKeySig(int i, byte[] sig64, int hashType) {
    if (kind(i) != InputKind.P2TR_KEY_PATH) {
      throw new ChainFormatException("inputs[" + i + "]", "not a taproot input");
    }
    if (sig64.length != 64) {
      throw new ChainFormatException("inputs[" + i + "].tap_key_sig", "must be 64 bytes");
    }
    Sighash.checkTaprootType(hashType);
    checkAgainstSighashField(i, hashType);
    byte[] value = hashType == Sighash.DEFAULT ? sig64.clone() : Arrays.copyOf(sig64, 65);
    if (hashType != Sighash.DEFAULT) {
      value[64] = (byte) hashType;
    }
    return withInputEntry(i, new Entry(new byte[] {IN_TAP_KEY_SIG}, value), "tap_key_sig");
  }

  /** A signature must use the input's sighash_type when the PSBT specifies one (BIP-174). */
  private void checkAgainstSighashField(int i, int hashType) {
    Integer field = sighashType(i);
    if (field != null && field != hashType) {
      throw new ChainFormatException("inputs[" + i + "].sighash_type", "signature hash type differs from the PSBT's");
    }
  }

  private Psbt withInputEntry(int i, Entry e, String name) {
    for (Entry x : inputs.get(i)) {
      if (Arrays.equals(x.key(), e.key())) {
        throw new ChainFormatException("inputs[" + i + "]." + name, "already present");
      }
    }
    List<List<Entry>> ins = new ArrayList<>();
    for (List<Entry> m : inputs) {
      ins.add(new ArrayList<>(m));
    }
    ins.get(i).add(e);
    return new Psbt(global, ins, outputs, unsignedTx);
  }

  private void checkInputIndex(int i) {
    if (i < 0 || i >= inputs.size()) {
      throw new ChainFormatException("input_index", "out of range");
    }
  }
}
