package io.nitrosign.chains.bitcoin;

import io.nitrosign.chains.ChainFormatException;
import java.util.List;

/** Signature hashes: BIP-143 (segwit v0) and BIP-341 key path (taproot, epoch 0). */
public final class Sighash {
  public static final int DEFAULT = 0x00;
  public static final int ALL = 0x01;
  public static final int NONE = 0x02;
  public static final int SINGLE = 0x03;
  public static final int ANYONECANPAY = 0x80;

  /**
   * The sighash types that do not commit to the whole transaction: NONE, SINGLE, and every type
   * with ANYONECANPAY (ascending). Only signed when a request lists them explicitly.
   */
  public static final List<Integer> PARTIAL_TYPES = List.of(0x02, 0x03, 0x81, 0x82, 0x83);

  private Sighash() {}

  /** Whether a signature of this type commits to every input and output (DEFAULT or ALL). */
  public static boolean coversWholeTransaction(int hashType) {
    return hashType == DEFAULT || hashType == ALL;
  }

  /** The name of a sighash type: DEFAULT, ALL, NONE, SINGLE, with |ANYONECANPAY. */
  public static String name(int type) {
    if (type == DEFAULT) {
      return "DEFAULT";
    }
    String base = switch (type & 0x1f) {
      case ALL -> "ALL";
      case NONE -> "NONE";
      case SINGLE -> "SINGLE";
      default -> Integer.toString(type & 0x1f);
    };
    return (type & ANYONECANPAY) != 0 ? base + "|ANYONECANPAY" : base;
  }

  /**
   * The type of a name as {@link #name} spells it (DEFAULT, ALL, NONE, SINGLE, ALL|ANYONECANPAY,
   * NONE|ANYONECANPAY, SINGLE|ANYONECANPAY), or -1 for anything else.
   */
  public static int fromName(String name) {
    for (int t : List.of(DEFAULT, ALL, NONE, SINGLE, 0x81, 0x82, 0x83)) {
      if (name(t).equals(name)) {
        return t;
      }
    }
    return -1;
  }

  /** The BIP-143 scriptCode for a P2WPKH (or P2SH-P2WPKH) spend of the key with this HASH160. */
  public static byte[] p2wpkhScriptCode(byte[] pubKeyHash20) {
    if (pubKeyHash20.length != 20) {
      throw new ChainFormatException("pubkey_hash", "must be 20 bytes");
    }
    return new ByteWriter().u8(0x76).u8(0xa9).u8(0x14).bytes(pubKeyHash20).u8(0x88).u8(0xac).toByteArray();
  }

  static void checkSegwitV0Type(int hashType) {
    int base = hashType & 0x1f;
    if ((hashType & ~0x9f) != 0 || base < ALL || base > SINGLE) {
      throw new ChainFormatException("sighash_type", "unsupported sighash type " + hashType);
    }
  }

  /** The BIP-143 preimage (the double SHA-256 of which is the sighash). */
  public static byte[] bip143Preimage(Transaction tx, int index, byte[] scriptCode, long amount, int hashType) {
    checkSegwitV0Type(hashType);
    checkIndex(tx, index);
    int base = hashType & 0x1f;
    boolean acp = (hashType & ANYONECANPAY) != 0;
    byte[] zero = new byte[32];
    byte[] hashPrevouts = zero;
    byte[] hashSequence = zero;
    byte[] hashOutputs = zero;
    if (!acp) {
      ByteWriter w = new ByteWriter();
      for (Transaction.Input in : tx.inputs()) {
        w.bytes(in.outpoint());
      }
      hashPrevouts = Hashes.sha256d(w.toByteArray());
    }
    if (!acp && base != SINGLE && base != NONE) {
      ByteWriter w = new ByteWriter();
      for (Transaction.Input in : tx.inputs()) {
        w.u32(in.sequence());
      }
      hashSequence = Hashes.sha256d(w.toByteArray());
    }
    if (base != SINGLE && base != NONE) {
      ByteWriter w = new ByteWriter();
      for (Transaction.Output o : tx.outputs()) {
        w.bytes(o.serialize());
      }
      hashOutputs = Hashes.sha256d(w.toByteArray());
    } else if (base == SINGLE && index < tx.outputs().size()) {
      hashOutputs = Hashes.sha256d(tx.outputs().get(index).serialize());
    }
    Transaction.Input in = tx.inputs().get(index);
    return new ByteWriter()
        .u32(tx.version())
        .bytes(hashPrevouts)
        .bytes(hashSequence)
        .bytes(in.outpoint())
        .varBytes(scriptCode)
        .i64(amount)
        .u32(in.sequence())
        .bytes(hashOutputs)
        .u32(tx.lockTime())
        .u32(hashType)
        .toByteArray();
  }

  /** BIP-143 sighash (32 bytes, the digest an ECDSA signer signs). */
  public static byte[] bip143(Transaction tx, int index, byte[] scriptCode, long amount, int hashType) {
    return Hashes.sha256d(bip143Preimage(tx, index, scriptCode, amount, hashType));
  }

  static void checkTaprootType(int hashType) {
    int base = hashType & 0x03;
    if (!(hashType == DEFAULT || (hashType & ~0x83) == 0 && base != 0)) {
      throw new ChainFormatException("sighash_type", "unsupported taproot sighash type " + hashType);
    }
  }

  /**
   * BIP-341 SigMsg for a key-path spend (ext_flag 0, no annex), prefixed with the epoch byte 0x00
   * as hashed under "TapSighash". {@code spent} holds every input's spent output, in order.
   */
  public static byte[] taprootKeyPathMessage(Transaction tx, int index, List<Transaction.Output> spent, int hashType) {
    checkTaprootType(hashType);
    checkIndex(tx, index);
    if (spent.size() != tx.inputs().size()) {
      throw new ChainFormatException("spent_outputs", "one per input required");
    }
    int base = hashType & 0x03;
    boolean acp = (hashType & ANYONECANPAY) != 0;
    if (base == SINGLE && index >= tx.outputs().size()) {
      throw new ChainFormatException("sighash_type", "SINGLE without a matching output");
    }
    ByteWriter m = new ByteWriter().u8(0x00).u8(hashType).u32(tx.version()).u32(tx.lockTime());
    if (!acp) {
      ByteWriter prev = new ByteWriter();
      ByteWriter amounts = new ByteWriter();
      ByteWriter spks = new ByteWriter();
      ByteWriter seqs = new ByteWriter();
      for (int i = 0; i < tx.inputs().size(); i++) {
        Transaction.Input in = tx.inputs().get(i);
        prev.bytes(in.outpoint());
        amounts.i64(spent.get(i).value());
        spks.varBytes(spent.get(i).scriptPubKey());
        seqs.u32(in.sequence());
      }
      m.bytes(Hashes.sha256(prev.toByteArray()))
          .bytes(Hashes.sha256(amounts.toByteArray()))
          .bytes(Hashes.sha256(spks.toByteArray()))
          .bytes(Hashes.sha256(seqs.toByteArray()));
    }
    if (base != NONE && base != SINGLE) {
      ByteWriter outs = new ByteWriter();
      for (Transaction.Output o : tx.outputs()) {
        outs.bytes(o.serialize());
      }
      m.bytes(Hashes.sha256(outs.toByteArray()));
    }
    m.u8(0); // spend_type: ext_flag 0, no annex
    Transaction.Input in = tx.inputs().get(index);
    if (acp) {
      m.bytes(in.outpoint())
          .i64(spent.get(index).value())
          .varBytes(spent.get(index).scriptPubKey())
          .u32(in.sequence());
    } else {
      m.u32(index);
    }
    if (base == SINGLE) {
      m.bytes(Hashes.sha256(tx.outputs().get(index).serialize()));
    }
    return m.toByteArray();
  }

  /** BIP-341 key-path sighash: tagged hash "TapSighash" of the epoch-prefixed SigMsg. */
  public static byte[] taprootKeyPath(Transaction tx, int index, List<Transaction.Output> spent, int hashType) {
    return Hashes.tagged("TapSighash", taprootKeyPathMessage(tx, index, spent, hashType));
  }

  private static void checkIndex(Transaction tx, int index) {
    if (index < 0 || index >= tx.inputs().size()) {
      throw new ChainFormatException("input_index", "out of range");
    }
  }
}
