package io.nitrosign.enclave;

import io.nitrosign.proto.v1.ErrorCode;

/**
 * The one exception type of the enclave: a typed {@link ErrorCode} and a short, fixed detail that
 * is safe to send to the parent. Never carries secrets or foreign exception text; no cause and no
 * stack trace are kept.
 */
public final class EnclaveException extends Exception {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /** @param detail a fixed string chosen by enclave code, never built from inputs or exceptions */
  public EnclaveException(ErrorCode code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** The fixed detail text. */
  public String detail() {
    return getMessage();
  }
}
