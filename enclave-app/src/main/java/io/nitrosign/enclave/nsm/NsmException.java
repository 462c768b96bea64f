package io.nitrosign.enclave.nsm;

/** A failed NSM operation. The message is a fixed, safe text; no cause or stack is kept. */
public final class NsmException extends Exception {

  /** The NSM API's error codes, plus our own transport failures. */
  public enum Code {
    INVALID_ARGUMENT,
    INVALID_INDEX,
    INVALID_RESPONSE,
    READ_ONLY_INDEX,
    INVALID_OPERATION,
    BUFFER_TOO_SMALL,
    INPUT_TOO_LARGE,
    INTERNAL_ERROR,
    /** The device could not be opened or the ioctl failed. */
    DEVICE_UNAVAILABLE,
    /** The response could not be decoded. */
    MALFORMED_RESPONSE
  }

  private final Code code;

  public NsmException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
