package io.nitrosign.chains.solana;

import io.nitrosign.chains.ChainFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Solana transaction message, legacy or v0, decoded strictly from its serialized bytes. These
 * bytes are exactly what the fee payer and the other signers sign (Ed25519 over the raw bytes, no
 * hashing); {@link #serialized()} returns them.
 *
 * <p>Layout: {@code [0x80 | version]} (v0 only), header (numRequiredSignatures,
 * numReadonlySignedAccounts, numReadonlyUnsignedAccounts: one byte each), compact-array of 32-byte
 * account keys, 32-byte recent blockhash, compact-array of instructions (program id index: u8,
 * compact-array of u8 account indexes, compact-array of data bytes) and, for v0, a compact-array of
 * address table lookups (32-byte table address, compact-array of u8 writable indexes,
 * compact-array of u8 readonly indexes).
 *
 * <p>Beyond the structure, {@link #decode} applies the Solana runtime's sanitize rules, so a message
 * this accepts is one the cluster would not refuse as malformed: at least one signer and the fee
 * payer writable (numReadonlySigned &lt; numRequiredSignatures); numRequiredSignatures +
 * numReadonlyUnsigned &le; static keys; no duplicate static key; every lookup loads at least one
 * address; at most 256 accounts in all; every program id index refers to a static key other than
 * the fee payer (index 0); every account index refers to an existing account, static or loaded from
 * a lookup table (indexes past the static keys count writable lookups first, table by table, then
 * readonly lookups table by table). No trailing bytes; at most {@link #MAX_SIZE} bytes. Versions
 * other than legacy and 0 are refused.
 */
public final class SolanaMessage {

  /** Solana's packet size limit (PACKET_DATA_SIZE): no transaction, hence no message, is larger. */
  public static final int MAX_SIZE = 1232;

  public enum Version {
    LEGACY,
    V0
  }

  /** The three header bytes. */
  public record Header(int numRequiredSignatures, int numReadonlySignedAccounts, int numReadonlyUnsignedAccounts) {}

  /** An instruction as serialized: indexes into the message's accounts. */
  public record CompiledInstruction(int programIdIndex, List<Integer> accountIndexes, byte[] data) {
    public CompiledInstruction {
      accountIndexes = List.copyOf(accountIndexes);
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CompiledInstruction c
          && c.programIdIndex == programIdIndex
          && c.accountIndexes.equals(accountIndexes)
          && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * programIdIndex + accountIndexes.hashCode()) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "CompiledInstruction[programIdIndex=" + programIdIndex + ", accountIndexes=" + accountIndexes
          + ", data=" + java.util.HexFormat.of().formatHex(data) + "]";
    }
  }

  /** A v0 address table lookup: which entries of an on-chain lookup table the message loads. */
  public record AddressTableLookup(SolanaAddress accountKey, List<Integer> writableIndexes, List<Integer> readonlyIndexes) {
    public AddressTableLookup {
      writableIndexes = List.copyOf(writableIndexes);
      readonlyIndexes = List.copyOf(readonlyIndexes);
    }
  }

  /** An account of the message as instructions see it: a static key or an entry of a lookup table. */
  public sealed interface AccountRef permits StaticAccount, LookupAccount {
    /** Index in the message's combined account list. */
    int index();

    boolean signer();

    boolean writable();
  }

  /** An account whose address is in the message. */
  public record StaticAccount(int index, SolanaAddress address, boolean signer, boolean writable) implements AccountRef {
    @Override
    public String toString() {
      return address.toBase58();
    }
  }

  /**
   * An account loaded from an address lookup table: its address is whatever the table holds at
   * {@code tableIndex} when the transaction executes, unknown to the signer. Never a signer.
   */
  public record LookupAccount(int index, SolanaAddress table, int tableIndex, boolean writable) implements AccountRef {
    @Override
    public boolean signer() {
      return false;
    }

    @Override
    public String toString() {
      return table.toBase58() + "[" + tableIndex + "]";
    }
  }

  private final byte[] serialized;
  private final Version version;
  private final Header header;
  private final List<SolanaAddress> staticAccountKeys;
  private final byte[] recentBlockhash;
  private final List<CompiledInstruction> instructions;
  private final List<AddressTableLookup> addressTableLookups;
  private final List<AccountRef> accounts;

  private SolanaMessage(byte[] serialized, Version version, Header header, List<SolanaAddress> keys,
      byte[] recentBlockhash, List<CompiledInstruction> instructions, List<AddressTableLookup> lookups) {
    this.serialized = serialized;
    this.version = version;
    this.header = header;
    this.staticAccountKeys = List.copyOf(keys);
    this.recentBlockhash = recentBlockhash;
    this.instructions = List.copyOf(instructions);
    this.addressTableLookups = List.copyOf(lookups);
    List<AccountRef> all = new ArrayList<>();
    int n = keys.size();
    int writableSigned = header.numRequiredSignatures() - header.numReadonlySignedAccounts();
    int writableUnsignedEnd = n - header.numReadonlyUnsignedAccounts();
    for (int i = 0; i < n; i++) {
      boolean signer = i < header.numRequiredSignatures();
      boolean writable = signer ? i < writableSigned : i < writableUnsignedEnd;
      all.add(new StaticAccount(i, keys.get(i), signer, writable));
    }
    for (AddressTableLookup l : lookups) {
      for (int idx : l.writableIndexes()) {
        all.add(new LookupAccount(all.size(), l.accountKey(), idx, true));
      }
    }
    for (AddressTableLookup l : lookups) {
      for (int idx : l.readonlyIndexes()) {
        all.add(new LookupAccount(all.size(), l.accountKey(), idx, false));
      }
    }
    this.accounts = List.copyOf(all);
  }

  /**
   * Decodes and sanitizes a serialized message (legacy or v0).
   *
   * @throws ChainFormatException naming the field, on any malformed or out-of-range input
   */
  public static SolanaMessage decode(byte[] bytes) {
    if (bytes == null) {
      throw new ChainFormatException("message", "is null");
    }
    if (bytes.length > MAX_SIZE) {
      throw new ChainFormatException("message", "longer than " + MAX_SIZE + " bytes");
    }
    Reader in = new Reader(bytes);
    Version version = Version.LEGACY;
    int first = in.peek("message.version");
    if ((first & 0x80) != 0) {
      in.u8("message.version");
      int v = first & 0x7f;
      if (v != 0) {
        throw new ChainFormatException("message.version", "unsupported message version " + v);
      }
      version = Version.V0;
    }
    Header header = new Header(in.u8("header.numRequiredSignatures"),
        in.u8("header.numReadonlySignedAccounts"), in.u8("header.numReadonlyUnsignedAccounts"));

    int nKeys = ShortVec.decode(in, "accountKeys.length");
    if (nKeys > 256 || (long) nKeys * SolanaAddress.LENGTH > in.remaining()) {
      throw new ChainFormatException("accountKeys.length", nKeys + " keys do not fit in the message");
    }
    List<SolanaAddress> keys = new ArrayList<>(nKeys);
    Set<SolanaAddress> seen = new HashSet<>();
    for (int i = 0; i < nKeys; i++) {
      SolanaAddress k = in.address("accountKeys[" + i + "]");
      if (!seen.add(k)) {
        throw new ChainFormatException("accountKeys[" + i + "]", "duplicate account key " + k);
      }
      keys.add(k);
    }
    byte[] blockhash = in.bytes(32, "recentBlockhash");

    int nIx = ShortVec.decode(in, "instructions.length");
    if (nIx > in.remaining()) {
      throw new ChainFormatException("instructions.length", nIx + " instructions do not fit in the message");
    }
    List<CompiledInstruction> ixs = new ArrayList<>(nIx);
    for (int i = 0; i < nIx; i++) {
      String f = "instructions[" + i + "]";
      int program = in.u8(f + ".programIdIndex");
      int nAcc = ShortVec.decode(in, f + ".accounts.length");
      byte[] acc = in.bytes(nAcc, f + ".accounts");
      List<Integer> accIdx = new ArrayList<>(nAcc);
      for (byte b : acc) {
        accIdx.add(b & 0xff);
      }
      int nData = ShortVec.decode(in, f + ".data.length");
      byte[] data = in.bytes(nData, f + ".data");
      ixs.add(new CompiledInstruction(program, accIdx, data));
    }

    List<AddressTableLookup> lookups = new ArrayList<>();
    int loaded = 0;
    if (version == Version.V0) {
      int nLookups = ShortVec.decode(in, "addressTableLookups.length");
      if ((long) nLookups * (SolanaAddress.LENGTH + 2) > in.remaining()) {
        throw new ChainFormatException("addressTableLookups.length", nLookups + " lookups do not fit in the message");
      }
      for (int i = 0; i < nLookups; i++) {
        String f = "addressTableLookups[" + i + "]";
        SolanaAddress table = in.address(f + ".accountKey");
        List<Integer> w = indexes(in, f + ".writableIndexes");
        List<Integer> r = indexes(in, f + ".readonlyIndexes");
        if (w.isEmpty() && r.isEmpty()) {
          throw new ChainFormatException(f, "loads no addresses");
        }
        loaded += w.size() + r.size();
        lookups.add(new AddressTableLookup(table, w, r));
      }
    }
    in.requireEnd("message");

    // sanitize (the Solana runtime's rules)
    if (header.numReadonlySignedAccounts() >= header.numRequiredSignatures()) {
      throw new ChainFormatException("header.numReadonlySignedAccounts",
          "must be less than numRequiredSignatures (the fee payer signs and is writable)");
    }
    if (header.numRequiredSignatures() + header.numReadonlyUnsignedAccounts() > nKeys) {
      throw new ChainFormatException("header",
          "numRequiredSignatures + numReadonlyUnsignedAccounts exceeds the " + nKeys + " account keys");
    }
    int total = nKeys + loaded;
    if (total > 256) {
      throw new ChainFormatException("addressTableLookups", "more than 256 accounts in all");
    }
    for (int i = 0; i < ixs.size(); i++) {
      CompiledInstruction ix = ixs.get(i);
      String f = "instructions[" + i + "]";
      if (ix.programIdIndex() >= nKeys) {
        throw new ChainFormatException(f + ".programIdIndex", "index " + ix.programIdIndex()
            + " is not one of the " + nKeys + " static account keys");
      }
      if (ix.programIdIndex() == 0) {
        throw new ChainFormatException(f + ".programIdIndex", "the fee payer cannot be a program");
      }
      List<Integer> a = ix.accountIndexes();
      for (int j = 0; j < a.size(); j++) {
        if (a.get(j) >= total) {
          throw new ChainFormatException(f + ".accounts[" + j + "]",
              "index " + a.get(j) + " is out of range (" + total + " accounts)");
        }
      }
    }
    return new SolanaMessage(bytes.clone(), version, header, keys, blockhash, ixs, lookups);
  }

  private static List<Integer> indexes(Reader in, String field) {
    int n = ShortVec.decode(in, field + ".length");
    byte[] b = in.bytes(n, field);
    List<Integer> out = new ArrayList<>(n);
    for (byte x : b) {
      out.add(x & 0xff);
    }
    return out;
  }

  /** The exact serialized message: the bytes every signer signs. */
  public byte[] serialized() {
    return serialized.clone();
  }

  public Version version() {
    return version;
  }

  public Header header() {
    return header;
  }

  public List<SolanaAddress> staticAccountKeys() {
    return staticAccountKeys;
  }

  /** The fee payer: the first account key. */
  public SolanaAddress feePayer() {
    return staticAccountKeys.get(0);
  }

  /** The addresses whose signatures the message requires, in signature order. */
  public List<SolanaAddress> requiredSigners() {
    return staticAccountKeys.subList(0, header.numRequiredSignatures());
  }

  public byte[] recentBlockhash() {
    return recentBlockhash.clone();
  }

  public String recentBlockhashBase58() {
    return Base58.encode(recentBlockhash);
  }

  public List<CompiledInstruction> instructions() {
    return instructions;
  }

  public List<AddressTableLookup> addressTableLookups() {
    return addressTableLookups;
  }

  /** All accounts: static keys, then writable lookups, then readonly lookups. */
  public List<AccountRef> accounts() {
    return accounts;
  }

  /** The account at a combined index (range-checked at decode time for every index used). */
  public AccountRef account(int index) {
    if (index < 0 || index >= accounts.size()) {
      throw new ChainFormatException("accountIndex", "index " + index + " is out of range");
    }
    return accounts.get(index);
  }

  /** The program id of an instruction (always a static key). */
  public SolanaAddress programId(CompiledInstruction ix) {
    return staticAccountKeys.get(ix.programIdIndex());
  }
}
