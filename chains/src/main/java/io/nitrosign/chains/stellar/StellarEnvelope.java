package io.nitrosign.chains.stellar;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.stellar.StellarModel.Asset;
import io.nitrosign.chains.stellar.StellarModel.AssetType;
import io.nitrosign.chains.stellar.StellarModel.DecoratedSignature;
import io.nitrosign.chains.stellar.StellarModel.Memo;
import io.nitrosign.chains.stellar.StellarModel.MemoType;
import io.nitrosign.chains.stellar.StellarModel.MuxedAccount;
import io.nitrosign.chains.stellar.StellarModel.Operation;
import io.nitrosign.chains.stellar.StellarModel.OperationType;
import io.nitrosign.chains.stellar.StellarModel.Preconditions;
import io.nitrosign.chains.stellar.StellarModel.SetOptions;
import io.nitrosign.chains.stellar.StellarModel.Transaction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A decoded Stellar {@code TransactionEnvelope}: ENVELOPE_TYPE_TX (v1), ENVELOPE_TYPE_TX_FEE_BUMP
 * (wrapping a v1 envelope) and ENVELOPE_TYPE_TX_V0 (presented as its v1 equivalent, as
 * stellar-core does for hashing).
 *
 * <p>Decoding is strict and bounded: every length is checked against the XDR maximum, padding must
 * be zero, optionals/booleans must be 0 or 1, union discriminants must be known, unknown operation
 * types and Soroban transaction extensions are refused (UNSUPPORTED), and no byte may follow the
 * envelope. Because only the canonical encoding is accepted, {@link #toXdr()} reproduces the input
 * exactly.
 */
public final class StellarEnvelope {

  public static final int ENVELOPE_TYPE_TX_V0 = 0;
  public static final int ENVELOPE_TYPE_TX = 2;
  public static final int ENVELOPE_TYPE_TX_FEE_BUMP = 5;

  public static final String TESTNET_PASSPHRASE = "Test SDF Network ; September 2015";
  public static final String PUBLIC_PASSPHRASE = "Public Global Stellar Network ; September 2015";

  /** Largest envelope accepted, in bytes (stellar-core's own limit on a transaction is far lower). */
  public static final int MAX_ENVELOPE_BYTES = 128 * 1024;
  /** Largest base64 text accepted. */
  public static final int MAX_BASE64_CHARS = (MAX_ENVELOPE_BYTES / 3 + 1) * 4;

  static final int MAX_OPS_PER_TX = 100;
  static final int MAX_SIGNATURES = 20;
  static final int MAX_PATH = 5;
  static final int MAX_MEMO_TEXT = 28;
  static final int MAX_SIGNATURE_BYTES = 64;
  static final int MAX_EXTRA_SIGNERS = 2;
  static final int MAX_HOME_DOMAIN = 32;
  static final int MAX_SIGNED_PAYLOAD = 64;

  private final int type;
  private final Transaction tx;
  private final byte[] txXdr;
  private final List<DecoratedSignature> signatures;
  // fee bump only
  private final MuxedAccount feeSource;
  private final long feeBumpFee;
  private final StellarEnvelope inner;

  private StellarEnvelope(
      int type,
      Transaction tx,
      byte[] txXdr,
      List<DecoratedSignature> signatures,
      MuxedAccount feeSource,
      long feeBumpFee,
      StellarEnvelope inner) {
    this.type = type;
    this.tx = tx;
    this.txXdr = txXdr;
    this.signatures = List.copyOf(signatures);
    this.feeSource = feeSource;
    this.feeBumpFee = feeBumpFee;
    this.inner = inner;
  }

  // ------------------------------------------------------------------ public API

  /** Decodes a base64 (RFC 4648, padded, no whitespace) TransactionEnvelope. */
  public static StellarEnvelope fromBase64(String base64) {
    return decode(decodeBase64(base64));
  }

  /** Decodes a TransactionEnvelope; throws {@link ChainFormatException} for anything not canonical. */
  public static StellarEnvelope decode(byte[] xdr) {
    if (xdr == null) {
      throw new ChainFormatException("envelope", "null");
    }
    if (xdr.length > MAX_ENVELOPE_BYTES) {
      throw new ChainFormatException(
          "envelope", xdr.length + " bytes exceeds the maximum " + MAX_ENVELOPE_BYTES);
    }
    XdrReader r = new XdrReader(xdr);
    StellarEnvelope env = readEnvelope(r);
    r.requireEnd("envelope");
    return env;
  }

  /** ENVELOPE_TYPE_TX, ENVELOPE_TYPE_TX_FEE_BUMP or ENVELOPE_TYPE_TX_V0. */
  public int envelopeType() {
    return type;
  }

  public boolean isFeeBump() {
    return type == ENVELOPE_TYPE_TX_FEE_BUMP;
  }

  /** The transaction whose operations run: for a fee bump, the inner transaction. */
  public Transaction transaction() {
    return isFeeBump() ? inner.tx : tx;
  }

  /** For a fee bump, the wrapped v1 envelope; otherwise null. */
  public StellarEnvelope innerEnvelope() {
    return inner;
  }

  /** For a fee bump, the account paying the fee; otherwise null. */
  public MuxedAccount feeSource() {
    return feeSource;
  }

  /** For a fee bump, the (int64) fee it offers; otherwise the transaction fee. */
  public long fee() {
    return isFeeBump() ? feeBumpFee : tx.fee();
  }

  /** This envelope's own (outer) signatures. */
  public List<DecoratedSignature> signatures() {
    return signatures;
  }

  /** The canonical XDR of this envelope. */
  public byte[] toXdr() {
    return encode(signatures);
  }

  public String toBase64() {
    return Base64.getEncoder().encodeToString(toXdr());
  }

  /**
   * The signature base: {@code SHA-256(passphrase) || envelopeType || XDR(tx)}, where the type is
   * ENVELOPE_TYPE_TX for v1 and v0 (v0 converted to v1) and ENVELOPE_TYPE_TX_FEE_BUMP for a fee bump.
   */
  public byte[] signatureBase(String networkPassphrase) {
    if (networkPassphrase == null || networkPassphrase.isEmpty()) {
      throw new ChainFormatException("networkPassphrase", "missing");
    }
    byte[] networkId = sha256(networkPassphrase.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream(36 + txXdr.length + 4);
    out.writeBytes(networkId);
    if (type == ENVELOPE_TYPE_TX_FEE_BUMP) {
      writeInt(out, ENVELOPE_TYPE_TX_FEE_BUMP);
      out.writeBytes(txXdr);
    } else {
      writeInt(out, ENVELOPE_TYPE_TX);
      if (type == ENVELOPE_TYPE_TX_V0) {
        writeInt(out, 0); // KEY_TYPE_ED25519: v0's bare source key as a MuxedAccount
      }
      out.writeBytes(txXdr);
    }
    return out.toByteArray();
  }

  /** The transaction hash: SHA-256 of the signature base; the 32 bytes an Ed25519 key signs. */
  public byte[] hash(String networkPassphrase) {
    return sha256(signatureBase(networkPassphrase));
  }

  /**
   * A new envelope with {@code DecoratedSignature{hint = last 4 bytes of publicKey, signature}}
   * appended to this envelope's (for a fee bump: the outer) signatures.
   */
  public StellarEnvelope withSignature(byte[] ed25519PublicKey, byte[] signature) {
    if (ed25519PublicKey == null || ed25519PublicKey.length != 32) {
      throw new ChainFormatException("publicKey", "must be 32 bytes");
    }
    if (signature == null || signature.length != 64) {
      throw new ChainFormatException("signature", "must be a 64-byte Ed25519 signature");
    }
    if (signatures.size() >= MAX_SIGNATURES) {
      throw new ChainFormatException(
          "signatures", "already holds the maximum " + MAX_SIGNATURES + " signatures");
    }
    byte[] hint = java.util.Arrays.copyOfRange(ed25519PublicKey, 28, 32);
    List<DecoratedSignature> sigs = new ArrayList<>(signatures);
    sigs.add(new DecoratedSignature(hint, signature));
    return new StellarEnvelope(type, tx, txXdr, sigs, feeSource, feeBumpFee, inner);
  }

  /** Decodes {@code envelopeXdr}, appends a decorated signature, returns the new canonical XDR. */
  public static byte[] addDecoratedSignature(
      byte[] envelopeXdr, byte[] ed25519PublicKey, byte[] signature64) {
    return decode(envelopeXdr).withSignature(ed25519PublicKey, signature64).toXdr();
  }

  /** Base64 in, base64 out form of {@link #addDecoratedSignature(byte[], byte[], byte[])}. */
  public static String addDecoratedSignature(
      String envelopeBase64, byte[] ed25519PublicKey, byte[] signature64) {
    return Base64.getEncoder()
        .encodeToString(
            addDecoratedSignature(decodeBase64(envelopeBase64), ed25519PublicKey, signature64));
  }

  /** Strict base64: standard alphabet, canonical padding, no whitespace, bounded length. */
  public static byte[] decodeBase64(String base64) {
    if (base64 == null) {
      throw new ChainFormatException("envelope", "null");
    }
    if (base64.length() > MAX_BASE64_CHARS) {
      throw new ChainFormatException(
          "envelope", "base64 of " + base64.length() + " characters exceeds the maximum");
    }
    byte[] out;
    try {
      out = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new ChainFormatException("envelope", "not base64: " + e.getMessage());
    }
    if (!Base64.getEncoder().encodeToString(out).equals(base64)) {
      throw new ChainFormatException("envelope", "non-canonical base64");
    }
    return out;
  }

  // ------------------------------------------------------------------ encoding

  private byte[] encode(List<DecoratedSignature> sigs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(txXdr.length + 8 + sigs.size() * 76);
    writeInt(out, type);
    out.writeBytes(txXdr);
    writeInt(out, sigs.size());
    for (DecoratedSignature s : sigs) {
      out.writeBytes(s.hint());
      byte[] sig = s.signature();
      writeInt(out, sig.length);
      out.writeBytes(sig);
      for (int i = sig.length; (i & 3) != 0; i++) {
        out.write(0);
      }
    }
    return out.toByteArray();
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  // ------------------------------------------------------------------ decoding

  private static StellarEnvelope readEnvelope(XdrReader r) {
    int type = r.readInt("envelope.type");
    switch (type) {
      case ENVELOPE_TYPE_TX:
        return readV1(r, "v1");
      case ENVELOPE_TYPE_TX_V0:
        {
          int start = r.position();
          Transaction tx = readTransactionV0(r, "v0.tx");
          byte[] txXdr = r.slice(start, r.position());
          List<DecoratedSignature> sigs = readSignatures(r, "v0.signatures");
          return new StellarEnvelope(ENVELOPE_TYPE_TX_V0, tx, txXdr, sigs, null, 0, null);
        }
      case ENVELOPE_TYPE_TX_FEE_BUMP:
        {
          int start = r.position();
          MuxedAccount feeSource = readMuxedAccount(r, "feeBump.tx.feeSource");
          long fee = r.readLong("feeBump.tx.fee");
          int innerType = r.readInt("feeBump.tx.innerTx.type");
          if (innerType != ENVELOPE_TYPE_TX) {
            throw new ChainFormatException(
                "feeBump.tx.innerTx.type", "must be ENVELOPE_TYPE_TX (2), was " + innerType);
          }
          StellarEnvelope inner = readV1(r, "feeBump.tx.innerTx.v1");
          int ext = r.readInt("feeBump.tx.ext.v");
          if (ext != 0) {
            throw new ChainFormatException("feeBump.tx.ext.v", "unknown extension " + ext);
          }
          byte[] txXdr = r.slice(start, r.position());
          List<DecoratedSignature> sigs = readSignatures(r, "feeBump.signatures");
          return new StellarEnvelope(
              ENVELOPE_TYPE_TX_FEE_BUMP, null, txXdr, sigs, feeSource, fee, inner);
        }
      default:
        throw new ChainFormatException("envelope.type", "unknown or non-transaction type " + type);
    }
  }

  private static StellarEnvelope readV1(XdrReader r, String f) {
    int start = r.position();
    Transaction tx = readTransaction(r, f + ".tx");
    byte[] txXdr = r.slice(start, r.position());
    List<DecoratedSignature> sigs = readSignatures(r, f + ".signatures");
    return new StellarEnvelope(ENVELOPE_TYPE_TX, tx, txXdr, sigs, null, 0, null);
  }

  private static List<DecoratedSignature> readSignatures(XdrReader r, String f) {
    int n = r.readArrayLength(MAX_SIGNATURES, f);
    List<DecoratedSignature> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String g = f + "[" + i + "]";
      byte[] hint = r.readFixedOpaque(4, g + ".hint");
      byte[] sig = r.readVarOpaque(MAX_SIGNATURE_BYTES, g + ".signature");
      out.add(new DecoratedSignature(hint, sig));
    }
    return out;
  }

  private static Transaction readTransaction(XdrReader r, String f) {
    MuxedAccount source = readMuxedAccount(r, f + ".sourceAccount");
    long fee = r.readUnsignedInt(f + ".fee");
    long seq = r.readLong(f + ".seqNum");
    Preconditions cond = readPreconditions(r, f + ".cond");
    Memo memo = readMemo(r, f + ".memo");
    List<Operation> ops = readOperations(r, f + ".operations");
    int ext = r.readInt(f + ".ext.v");
    if (ext == 1) {
      throw ChainFormatException.unsupported(
          f + ".ext.v", "Soroban transaction data (ext v1) is not supported");
    } else if (ext != 0) {
      throw new ChainFormatException(f + ".ext.v", "unknown extension " + ext);
    }
    return new Transaction(source, fee, seq, cond, memo, ops);
  }

  private static Transaction readTransactionV0(XdrReader r, String f) {
    byte[] key = r.readFixedOpaque(32, f + ".sourceAccountEd25519");
    long fee = r.readUnsignedInt(f + ".fee");
    long seq = r.readLong(f + ".seqNum");
    Preconditions cond;
    if (r.readBool(f + ".timeBounds")) {
      long min = r.readLong(f + ".timeBounds.minTime");
      long max = r.readLong(f + ".timeBounds.maxTime");
      cond = new Preconditions(1, min, max, null, null, null, 0, 0, 0);
    } else {
      cond = new Preconditions(0, null, null, null, null, null, 0, 0, 0);
    }
    Memo memo = readMemo(r, f + ".memo");
    List<Operation> ops = readOperations(r, f + ".operations");
    int ext = r.readInt(f + ".ext.v");
    if (ext != 0) {
      throw new ChainFormatException(f + ".ext.v", "unknown extension " + ext);
    }
    return new Transaction(new MuxedAccount(key, null), fee, seq, cond, memo, ops);
  }

  private static MuxedAccount readMuxedAccount(XdrReader r, String f) {
    int t = r.readInt(f + ".type");
    if (t == 0) { // KEY_TYPE_ED25519
      return new MuxedAccount(r.readFixedOpaque(32, f + ".ed25519"), null);
    } else if (t == 0x100) { // KEY_TYPE_MUXED_ED25519
      long id = r.readLong(f + ".med25519.id");
      return new MuxedAccount(r.readFixedOpaque(32, f + ".med25519.ed25519"), id);
    }
    throw new ChainFormatException(f + ".type", "unknown MuxedAccount type " + t);
  }

  private static String readAccountId(XdrReader r, String f) {
    int t = r.readInt(f + ".type");
    if (t != 0) {
      throw new ChainFormatException(f + ".type", "unknown PublicKey type " + t);
    }
    return StrKey.encodeAccountId(r.readFixedOpaque(32, f + ".ed25519"));
  }

  private static Preconditions readPreconditions(XdrReader r, String f) {
    int t = r.readInt(f + ".type");
    switch (t) {
      case 0:
        return new Preconditions(0, null, null, null, null, null, 0, 0, 0);
      case 1:
        {
          long min = r.readLong(f + ".timeBounds.minTime");
          long max = r.readLong(f + ".timeBounds.maxTime");
          return new Preconditions(1, min, max, null, null, null, 0, 0, 0);
        }
      case 2:
        {
          String g = f + ".v2";
          Long minTime = null;
          Long maxTime = null;
          if (r.readBool(g + ".timeBounds")) {
            minTime = r.readLong(g + ".timeBounds.minTime");
            maxTime = r.readLong(g + ".timeBounds.maxTime");
          }
          Long minLedger = null;
          Long maxLedger = null;
          if (r.readBool(g + ".ledgerBounds")) {
            minLedger = r.readUnsignedInt(g + ".ledgerBounds.minLedger");
            maxLedger = r.readUnsignedInt(g + ".ledgerBounds.maxLedger");
          }
          Long minSeqNum = r.readBool(g + ".minSeqNum") ? r.readLong(g + ".minSeqNum") : null;
          long minSeqAge = r.readLong(g + ".minSeqAge");
          long minSeqLedgerGap = r.readUnsignedInt(g + ".minSeqLedgerGap");
          int n = r.readArrayLength(MAX_EXTRA_SIGNERS, g + ".extraSigners");
          for (int i = 0; i < n; i++) {
            readSignerKey(r, g + ".extraSigners[" + i + "]");
          }
          return new Preconditions(
              2, minTime, maxTime, minLedger, maxLedger, minSeqNum, minSeqAge, minSeqLedgerGap, n);
        }
      default:
        throw new ChainFormatException(f + ".type", "unknown precondition type " + t);
    }
  }

  /** Returns {type, key bytes}; the signed payload (type 3) is appended after the key. */
  private static Object[] readSignerKey(XdrReader r, String f) {
    int t = r.readInt(f + ".type");
    switch (t) {
      case 0: // ED25519
      case 1: // PRE_AUTH_TX
      case 2: // HASH_X
        return new Object[] {t, r.readFixedOpaque(32, f + ".key")};
      case 3: // ED25519_SIGNED_PAYLOAD
        {
          byte[] key = r.readFixedOpaque(32, f + ".ed25519SignedPayload.ed25519");
          byte[] payload =
              r.readVarOpaque(MAX_SIGNED_PAYLOAD, f + ".ed25519SignedPayload.payload");
          byte[] both = java.util.Arrays.copyOf(key, 32 + payload.length);
          System.arraycopy(payload, 0, both, 32, payload.length);
          return new Object[] {t, both};
        }
      default:
        throw new ChainFormatException(f + ".type", "unknown signer key type " + t);
    }
  }

  private static Memo readMemo(XdrReader r, String f) {
    int t = r.readInt(f + ".type");
    switch (t) {
      case 0:
        return new Memo(MemoType.NONE, null, null, null);
      case 1:
        return new Memo(MemoType.TEXT, r.readVarOpaque(MAX_MEMO_TEXT, f + ".text"), null, null);
      case 2:
        return new Memo(MemoType.ID, null, r.readLong(f + ".id"), null);
      case 3:
        return new Memo(MemoType.HASH, null, null, r.readFixedOpaque(32, f + ".hash"));
      case 4:
        return new Memo(MemoType.RETURN, null, null, r.readFixedOpaque(32, f + ".retHash"));
      default:
        throw new ChainFormatException(f + ".type", "unknown memo type " + t);
    }
  }

  private static List<Operation> readOperations(XdrReader r, String f) {
    int n = r.readArrayLength(MAX_OPS_PER_TX, f);
    List<Operation> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ops.add(readOperation(r, f + "[" + i + "]"));
    }
    return ops;
  }

  private static Operation readOperation(XdrReader r, String f) {
    MuxedAccount source =
        r.readBool(f + ".sourceAccount") ? readMuxedAccount(r, f + ".sourceAccount") : null;
    int t = r.readInt(f + ".body.type");
    OperationType type = OperationType.of(t);
    if (type == null) {
      if (t >= 0 && t <= 26) {
        throw ChainFormatException.unsupported(
            f + ".body.type", "operation type " + t + " is not supported");
      }
      throw new ChainFormatException(f + ".body.type", "unknown operation type " + t);
    }
    String b = f + ".body";
    switch (type) {
      case CREATE_ACCOUNT:
        {
          String dest = readAccountId(r, b + ".createAccountOp.destination");
          long bal = r.readLong(b + ".createAccountOp.startingBalance");
          MuxedAccount d = new MuxedAccount(StrKey.decodeAccountId(dest), null);
          return new Operation(type, source, d, Asset.NATIVE, bal, null, null, null, null);
        }
      case PAYMENT:
        {
          MuxedAccount dest = readMuxedAccount(r, b + ".paymentOp.destination");
          Asset asset = readAsset(r, b + ".paymentOp.asset", false);
          long amount = r.readLong(b + ".paymentOp.amount");
          return new Operation(type, source, dest, asset, amount, null, null, null, null);
        }
      case PATH_PAYMENT_STRICT_RECEIVE:
        {
          String g = b + ".pathPaymentStrictReceiveOp";
          Asset send = readAsset(r, g + ".sendAsset", false);
          long sendMax = r.readLong(g + ".sendMax");
          MuxedAccount dest = readMuxedAccount(r, g + ".destination");
          Asset destAsset = readAsset(r, g + ".destAsset", false);
          long destAmount = r.readLong(g + ".destAmount");
          List<Asset> path = readPath(r, g + ".path");
          return new Operation(type, source, dest, destAsset, destAmount, send, sendMax, path, null);
        }
      case PATH_PAYMENT_STRICT_SEND:
        {
          String g = b + ".pathPaymentStrictSendOp";
          Asset send = readAsset(r, g + ".sendAsset", false);
          long sendAmount = r.readLong(g + ".sendAmount");
          MuxedAccount dest = readMuxedAccount(r, g + ".destination");
          Asset destAsset = readAsset(r, g + ".destAsset", false);
          long destMin = r.readLong(g + ".destMin");
          List<Asset> path = readPath(r, g + ".path");
          return new Operation(
              type, source, dest, destAsset, destMin, send, sendAmount, path, null);
        }
      case CHANGE_TRUST:
        {
          Asset line = readAsset(r, b + ".changeTrustOp.line", true);
          long limit = r.readLong(b + ".changeTrustOp.limit");
          return new Operation(type, source, null, line, limit, null, null, null, null);
        }
      case ACCOUNT_MERGE:
        {
          MuxedAccount dest = readMuxedAccount(r, b + ".destination");
          return new Operation(type, source, dest, null, null, null, null, null, null);
        }
      case SET_OPTIONS:
        return new Operation(
            type, source, null, null, null, null, null, null, readSetOptions(r, b + ".setOptionsOp"));
      default:
        throw new IllegalStateException("unreachable");
    }
  }

  private static SetOptions readSetOptions(XdrReader r, String f) {
    String inflationDest =
        r.readBool(f + ".inflationDest") ? readAccountId(r, f + ".inflationDest") : null;
    Long clear = optU32(r, f + ".clearFlags");
    Long set = optU32(r, f + ".setFlags");
    Long master = optU32(r, f + ".masterWeight");
    Long low = optU32(r, f + ".lowThreshold");
    Long med = optU32(r, f + ".medThreshold");
    Long high = optU32(r, f + ".highThreshold");
    byte[] home =
        r.readBool(f + ".homeDomain") ? r.readVarOpaque(MAX_HOME_DOMAIN, f + ".homeDomain") : null;
    Integer signerType = null;
    byte[] signerKey = null;
    Long signerWeight = null;
    if (r.readBool(f + ".signer")) {
      Object[] k = readSignerKey(r, f + ".signer.key");
      signerType = (Integer) k[0];
      signerKey = (byte[]) k[1];
      signerWeight = r.readUnsignedInt(f + ".signer.weight");
    }
    return new SetOptions(
        inflationDest, clear, set, master, low, med, high, home, signerType, signerKey,
        signerWeight);
  }

  private static Long optU32(XdrReader r, String f) {
    return r.readBool(f) ? r.readUnsignedInt(f) : null;
  }

  private static List<Asset> readPath(XdrReader r, String f) {
    int n = r.readArrayLength(MAX_PATH, f);
    List<Asset> path = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      path.add(readAsset(r, f + "[" + i + "]", false));
    }
    return path;
  }

  private static Asset readAsset(XdrReader r, String f, boolean allowPoolShare) {
    int t = r.readInt(f + ".type");
    switch (t) {
      case 0:
        return Asset.NATIVE;
      case 1:
        {
          byte[] code = r.readFixedOpaque(4, f + ".alphaNum4.assetCode");
          String issuer = readAccountId(r, f + ".alphaNum4.issuer");
          return new Asset(AssetType.CREDIT_ALPHANUM4, assetCode(code), issuer, List.of(), null);
        }
      case 2:
        {
          byte[] code = r.readFixedOpaque(12, f + ".alphaNum12.assetCode");
          String issuer = readAccountId(r, f + ".alphaNum12.issuer");
          return new Asset(AssetType.CREDIT_ALPHANUM12, assetCode(code), issuer, List.of(), null);
        }
      case 3:
        if (allowPoolShare) {
          String g = f + ".liquidityPool";
          int lp = r.readInt(g + ".type");
          if (lp != 0) {
            throw new ChainFormatException(g + ".type", "unknown liquidity pool type " + lp);
          }
          Asset a = readAsset(r, g + ".constantProduct.assetA", false);
          Asset bb = readAsset(r, g + ".constantProduct.assetB", false);
          int fee = r.readInt(g + ".constantProduct.fee");
          return new Asset(AssetType.POOL_SHARE, null, null, List.of(a, bb), fee);
        }
        throw new ChainFormatException(f + ".type", "pool share is not an Asset here");
      default:
        throw new ChainFormatException(f + ".type", "unknown asset type " + t);
    }
  }

  /** The code up to its first zero byte; non-printable codes are shown as hex. */
  private static String assetCode(byte[] code) {
    int n = 0;
    while (n < code.length && code[n] != 0) {
      n++;
    }
    boolean printable = n > 0;
    for (int i = 0; i < code.length; i++) {
      int c = code[i] & 0xff;
      if (i < n ? (c < 0x21 || c > 0x7e) : c != 0) {
        printable = false;
      }
    }
    return printable
        ? new String(code, 0, n, StandardCharsets.US_ASCII)
        : "0x" + java.util.HexFormat.of().formatHex(code);
  }
}
