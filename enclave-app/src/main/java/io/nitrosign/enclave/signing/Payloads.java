package io.nitrosign.enclave.signing;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.ErrorCode;

/** Error helpers shared by the payload signers. */
public final class Payloads {

  /** The longest detail a MALFORMED_PAYLOAD error carries. */
  static final int MAX_DETAIL = 200;

  private Payloads() {}

  /**
   * MALFORMED_PAYLOAD for a payload a {@code chains} decoder refused. The detail is the decoder's
   * message ("malformed tx.nonce: leading zero"): a field name and a reason chosen by our own
   * decoder code, about the public payload the caller sent; it never holds key material. It is
   * still cut to {@value #MAX_DETAIL} characters of printable ASCII.
   */
  public static EnclaveException malformed(ChainFormatException e) {
    return malformed(e.getMessage());
  }

  /** MALFORMED_PAYLOAD with a fixed detail. */
  public static EnclaveException malformed(String detail) {
    StringBuilder safe = new StringBuilder(Math.min(detail.length(), MAX_DETAIL));
    for (int i = 0; i < detail.length() && safe.length() < MAX_DETAIL; i++) {
      char c = detail.charAt(i);
      safe.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return new EnclaveException(ErrorCode.MALFORMED_PAYLOAD, safe.toString());
  }

  /** INVALID_REQUEST with a fixed detail. */
  public static EnclaveException invalid(String fixedDetail) {
    return new EnclaveException(ErrorCode.INVALID_REQUEST, fixedDetail);
  }
}
