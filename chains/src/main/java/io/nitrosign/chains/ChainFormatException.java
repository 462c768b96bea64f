package io.nitrosign.chains;

/**
 * A chain input (Ethereum RLP or typed data, a Solana message, Stellar XDR, a Bitcoin PSBT, an
 * address) was refused: the one exception every decoder in {@code chains} throws. {@link #field()}
 * names the offending field (e.g. {@code tx.nonce} or
 * {@code tx.operations[2].body.paymentOp.asset.type}); {@link #kind()} says whether the bytes were
 * malformed or well-formed but outside what the decoder supports.
 */
public final class ChainFormatException extends RuntimeException {

  /** Why the input was refused. */
  public enum Kind {
    /** Not a canonical encoding of the expected type (truncated, bad padding, bad checksum, ...). */
    MALFORMED,
    /** Well-formed, but a type or variant this decoder deliberately refuses (e.g. an unknown op). */
    UNSUPPORTED
  }

  private static final long serialVersionUID = 1L;

  private final String field;
  private final String reason;
  private final Kind kind;

  public ChainFormatException(String field, String reason) {
    this(Kind.MALFORMED, field, reason);
  }

  public ChainFormatException(Kind kind, String field, String reason) {
    super((kind == Kind.UNSUPPORTED ? "unsupported " : "malformed ") + field + ": " + reason);
    this.kind = kind;
    this.field = field;
    this.reason = reason;
  }

  public static ChainFormatException unsupported(String field, String reason) {
    return new ChainFormatException(Kind.UNSUPPORTED, field, reason);
  }

  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }

  public Kind kind() {
    return kind;
  }
}
