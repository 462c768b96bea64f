package io.nitrosign.attestation;

import java.util.Objects;

/** A document that could not be parsed or did not verify. {@link #reason()} says which check failed. */
public final class AttestationException extends Exception {
  private static final long serialVersionUID = 1L;
  private final Reason reason;

  public AttestationException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = Objects.requireNonNull(reason);
  }

  public AttestationException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = Objects.requireNonNull(reason);
  }

  public Reason reason() {
    return reason;
  }
}
