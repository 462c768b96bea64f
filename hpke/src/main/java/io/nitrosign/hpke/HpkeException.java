package io.nitrosign.hpke;

/**
 * A failed HPKE operation. The message is one of a few fixed texts; no cause, no stack trace and
 * nothing derived from keys, ciphertexts or library exceptions is kept, so it is safe to log or
 * to map to an error code. {@link #open} failures are deliberately indistinguishable: a malformed
 * encapsulated key, a wrong key, wrong info or aad and a forged tag all give the same exception.
 */
public final class HpkeException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What went wrong, at the granularity a caller may act on. */
  public enum Reason {
    /** The recipient public key is not a valid point (seal). */
    INVALID_PUBLIC_KEY,
    /** A private key is out of range (key pair import). */
    INVALID_PRIVATE_KEY,
    /** Decryption failed, for whatever reason (open). */
    OPEN_FAILED,
    /** An internal failure of the underlying primitives. */
    INTERNAL
  }

  private final Reason reason;

  HpkeException(Reason reason, String fixedMessage) {
    super(fixedMessage, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  static HpkeException openFailed() {
    return new HpkeException(Reason.OPEN_FAILED, "hpke open failed");
  }

  static HpkeException invalidPublicKey() {
    return new HpkeException(Reason.INVALID_PUBLIC_KEY, "invalid hpke public key");
  }

  static HpkeException invalidPrivateKey() {
    return new HpkeException(Reason.INVALID_PRIVATE_KEY, "invalid hpke private key");
  }

  static HpkeException internal() {
    return new HpkeException(Reason.INTERNAL, "hpke internal failure");
  }
}
