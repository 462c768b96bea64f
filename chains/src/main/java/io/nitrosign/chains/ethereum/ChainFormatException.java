package io.nitrosign.chains.ethereum;

/**
 * Thrown when Ethereum input (RLP, JSON transaction fields, EIP-712 typed data) is malformed,
 * non-canonical, out of range or over a size bound. {@link #field()} names the offending field
 * (for example {@code "tx.nonce"}, {@code "typedData.message.to.wallet"}); {@link #reason()} says
 * what is wrong with it. Nothing is signed from input that raised this.
 */
public final class ChainFormatException extends RuntimeException {

  private final String field;
  private final String reason;

  public ChainFormatException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
