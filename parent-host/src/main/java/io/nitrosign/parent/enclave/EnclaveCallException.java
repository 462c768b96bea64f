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
    PROTOCOL,
    /**
     * Not sent: the bounded queue in front of the enclave is full, or the call waited its longest
     * for a slot ({@link EnclaveAdmission}).
     */
    OVERLOADED,
    /** Not sent: the circuit breaker is open after consecutive failures ({@link CircuitBreaker}). */
    CIRCUIT_OPEN
  }

  private final Kind kind;
  private final ErrorCode errorCode;
  private final long retryAfterSeconds;

  public EnclaveCallException(Kind kind, ErrorCode errorCode, String message) {
    this(kind, errorCode, message, 1);
  }

  public EnclaveCallException(Kind kind, ErrorCode errorCode, String message,
      long retryAfterSeconds) {
    super(message, null, false, false);
    this.kind = kind;
    this.errorCode = errorCode;
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  /** For {@link Kind#OVERLOADED} and {@link Kind#CIRCUIT_OPEN}: when to retry, in whole seconds. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /**
   * True when the parent's own overload protection refused the call before it reached the
   * enclave: nothing was sent, so there is nothing to audit per request (it is counted).
   */
  public boolean notSent() {
    return kind == Kind.OVERLOADED || kind == Kind.CIRCUIT_OPEN;
  }

  public Kind kind() {
    return kind;
  }

  /** The enclave's error code for {@link Kind#ERROR}, else null. */
  public ErrorCode errorCode() {
    return errorCode;
  }
}
