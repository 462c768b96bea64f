package io.nitrosign.wire;

/** The enclave did not answer before the call's deadline. */
public final class EnclaveTimeoutException extends RuntimeException {
  public EnclaveTimeoutException(String message) {
    super(message, null, false, false);
  }
}
