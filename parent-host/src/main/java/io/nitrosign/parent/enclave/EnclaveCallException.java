package io.nitrosign.parent.enclave;

import io.nitrosign.proto.v1.ErrorCode;

/** A call to the enclave that produced no usable answer. Carries no secrets. */
public final class EnclaveCallException extends RuntimeException {

  /** Why the call failed. */
  public enum Kind {
    /** No connection could carry the call. */
    UNAVAILABLE,
    /** The deadline passed. */
    TIMEOUT,
    /** The enclave answered with a typed Error. */
    ERROR,
    /** The enclave answered with the wrong body type or a malformed body. */
    PROTOCOL
  }

  private final Kind kind;
  private final ErrorCode errorCode;

  public EnclaveCallException(Kind kind, ErrorCode errorCode, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.errorCode = errorCode;
  }

  public Kind kind() {
    return kind;
  }

  /** The enclave's error code for {@link Kind#ERROR}, else null. */
  public ErrorCode errorCode() {
    return errorCode;
  }
}
