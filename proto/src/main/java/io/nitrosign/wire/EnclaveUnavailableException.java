package io.nitrosign.wire;

/** No connection to the enclave could carry the call. Safe to show: carries no secrets. */
public final class EnclaveUnavailableException extends RuntimeException {
  public EnclaveUnavailableException(String message) {
    super(message, null, false, false);
  }
}
