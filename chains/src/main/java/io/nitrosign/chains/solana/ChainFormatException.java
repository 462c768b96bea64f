package io.nitrosign.chains.solana;

/**
 * A Solana input (base58 text, address, message, transaction, instruction data) was refused. Names
 * the offending field (for example {@code "instructions[2].accounts[1]"}) and the reason; these are
 * safe to return to the caller, they never contain key material.
 *
 * <p>Unchecked so decoders can be called from fuzz targets and lambdas; every refusal of malformed
 * input by this package is this type and nothing else.
 */
public final class ChainFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String field;
  private final String reason;

  public ChainFormatException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  /** The field that was refused, for example {@code "header.numRequiredSignatures"}. */
  public String field() {
    return field;
  }

  /** Why it was refused. */
  public String reason() {
    return reason;
  }
}
