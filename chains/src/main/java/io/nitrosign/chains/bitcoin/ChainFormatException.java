package io.nitrosign.chains.bitcoin;

/** A Bitcoin encoding (address, transaction, PSBT) was rejected; names the offending field. */
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
