package io.nitrosign.chains.stellar;

import java.util.HexFormat;
import java.util.List;

/** The decoded parts of a Stellar transaction that policy looks at. Immutable value types. */
public final class StellarModel {

  private StellarModel() {}

  private static byte[] copy(byte[] b) {
    return b == null ? null : b.clone();
  }

  /** A MuxedAccount: an Ed25519 key, with a 64-bit id when it was KEY_TYPE_MUXED_ED25519. */
  public record MuxedAccount(byte[] ed25519, Long id) {
    public MuxedAccount {
      ed25519 = ed25519.clone();
    }

    @Override
    public byte[] ed25519() {
      return ed25519.clone();
    }

    /** The underlying account ({@code G...}), ignoring any mux id. */
    public String accountId() {
      return StrKey.encodeAccountId(ed25519);
    }

    /** {@code G...}, or {@code M...} when muxed. */
    public String address() {
      return id == null ? accountId() : StrKey.encodeMuxedAccount(ed25519, id);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof MuxedAccount m
          && java.util.Arrays.equals(ed25519, m.ed25519)
          && java.util.Objects.equals(id, m.id);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(ed25519) * 31 + java.util.Objects.hashCode(id);
    }

    @Override
    public String toString() {
      return address();
    }
  }

  /** Asset type, with its XDR discriminant. */
  public enum AssetType {
    NATIVE(0), CREDIT_ALPHANUM4(1), CREDIT_ALPHANUM12(2), POOL_SHARE(3);

    public final int xdr;

    AssetType(int xdr) {
      this.xdr = xdr;
    }
  }

  /**
   * An asset. For credit assets {@code code} is the asset code with its trailing zero bytes removed
   * (hex in {@code codeBytes} if it is not printable) and {@code issuer} is a {@code G...} id. For a
   * pool share (ChangeTrust only) {@code poolAssets} holds the two pool assets and {@code poolFee}
   * the fee in basis points.
   */
  public record Asset(
      AssetType type, String code, String issuer, List<Asset> poolAssets, Integer poolFee) {

    static final Asset NATIVE = new Asset(AssetType.NATIVE, null, null, List.of(), null);

    public Asset {
      poolAssets = List.copyOf(poolAssets);
    }

    /** {@code native}, {@code CODE:ISSUER}, or {@code pool(A,B,fee)}. */
    public String canonical() {
      return switch (type) {
        case NATIVE -> "native";
        case CREDIT_ALPHANUM4, CREDIT_ALPHANUM12 -> code + ":" + issuer;
        case POOL_SHARE ->
            "pool(" + poolAssets.get(0).canonical() + "," + poolAssets.get(1).canonical() + ","
                + poolFee + ")";
      };
    }
  }

  /** The operation types this decoder understands, with their XDR discriminants. */
  public enum OperationType {
    CREATE_ACCOUNT(0),
    PAYMENT(1),
    PATH_PAYMENT_STRICT_RECEIVE(2),
    SET_OPTIONS(5),
    CHANGE_TRUST(6),
    ACCOUNT_MERGE(8),
    PATH_PAYMENT_STRICT_SEND(13);

    public final int xdr;

    OperationType(int xdr) {
      this.xdr = xdr;
    }

    static OperationType of(int v) {
      for (OperationType t : values()) {
        if (t.xdr == v) {
          return t;
        }
      }
      return null;
    }
  }

  /**
   * One operation, flattened for policy. Fields not meaningful for a type are null.
   *
   * <ul>
   *   <li>CREATE_ACCOUNT: destination, asset = native, amount = startingBalance.
   *   <li>PAYMENT: destination, asset, amount.
   *   <li>PATH_PAYMENT_STRICT_RECEIVE: sendAsset, sendAmount = sendMax, destination, asset =
   *       destAsset, amount = destAmount, path.
   *   <li>PATH_PAYMENT_STRICT_SEND: sendAsset, sendAmount, destination, asset = destAsset, amount
   *       = destMin, path.
   *   <li>CHANGE_TRUST: asset = line, amount = limit.
   *   <li>ACCOUNT_MERGE: destination (receives the whole balance).
   *   <li>SET_OPTIONS: setOptions.
   * </ul>
   */
  public record Operation(
      OperationType type,
      MuxedAccount sourceAccount,
      MuxedAccount destination,
      Asset asset,
      Long amount,
      Asset sendAsset,
      Long sendAmount,
      List<Asset> path,
      SetOptions setOptions) {
    public Operation {
      path = path == null ? List.of() : List.copyOf(path);
    }
  }

  /**
   * SetOptionsOp: each field null when absent. {@code signerKeyType} is the SignerKeyType
   * discriminant (0 ed25519, 1 pre-auth tx, 2 hash-x, 3 ed25519 signed payload) and {@code
   * signerKey} its raw bytes (for a signed payload: the key followed by the payload).
   */
  public record SetOptions(
      String inflationDest,
      Long clearFlags,
      Long setFlags,
      Long masterWeight,
      Long lowThreshold,
      Long medThreshold,
      Long highThreshold,
      byte[] homeDomain,
      Integer signerKeyType,
      byte[] signerKey,
      Long signerWeight) {
    public SetOptions {
      homeDomain = copy(homeDomain);
      signerKey = copy(signerKey);
    }

    @Override
    public byte[] homeDomain() {
      return copy(homeDomain);
    }

    @Override
    public byte[] signerKey() {
      return copy(signerKey);
    }
  }

  /** Memo type, with its XDR discriminant. */
  public enum MemoType {
    NONE, TEXT, ID, HASH, RETURN
  }

  /** A memo: text (raw bytes, not necessarily UTF-8), id (unsigned 64-bit) or 32-byte hash. */
  public record Memo(MemoType type, byte[] text, Long id, byte[] hash) {
    public Memo {
      text = copy(text);
      hash = copy(hash);
    }

    @Override
    public byte[] text() {
      return copy(text);
    }

    @Override
    public byte[] hash() {
      return copy(hash);
    }

    @Override
    public String toString() {
      return switch (type) {
        case NONE -> "none";
        case TEXT -> "text:" + HexFormat.of().formatHex(text);
        case ID -> "id:" + Long.toUnsignedString(id);
        case HASH, RETURN -> type.name().toLowerCase() + ":" + HexFormat.of().formatHex(hash);
      };
    }
  }

  /** Preconditions; absent parts are null. {@code maxTime} 0 means no upper bound. */
  public record Preconditions(
      int type,
      Long minTime,
      Long maxTime,
      Long minLedger,
      Long maxLedger,
      Long minSeqNum,
      long minSeqAge,
      long minSeqLedgerGap,
      int extraSigners) {}

  /** A Transaction (v1; a v0 transaction is presented as its v1 equivalent). */
  public record Transaction(
      MuxedAccount sourceAccount,
      long fee,
      long seqNum,
      Preconditions preconditions,
      Memo memo,
      List<Operation> operations) {
    public Transaction {
      operations = List.copyOf(operations);
    }
  }

  /** A DecoratedSignature: 4-byte hint and the signature (at most 64 bytes). */
  public record DecoratedSignature(byte[] hint, byte[] signature) {
    public DecoratedSignature {
      hint = hint.clone();
      signature = signature.clone();
    }

    @Override
    public byte[] hint() {
      return hint.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }
}
