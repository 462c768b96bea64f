package io.nitrosign.enclave.signing;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;

/**
 * Signs one kind of {@link SignRequest} payload. Signing happens in two steps so that nothing is
 * unsealed for a payload that does not decode: {@link #prepare} decodes the payload with the
 * strict {@code chains} decoders and computes what will be signed (no key involved); the returned
 * {@link Prepared} then signs it with the unsealed key.
 */
public interface PayloadSigner {

  /** The curve of the wallets this payload is for. */
  Curve curve();

  /**
   * Decodes the payload of {@code request} and computes the digest or bytes to sign.
   *
   * @throws EnclaveException MALFORMED_PAYLOAD (see {@link Payloads#malformed}) or
   *     INVALID_REQUEST when the payload is refused
   */
  Prepared prepare(SignRequest request) throws EnclaveException;

  /** A decoded payload, ready to be signed. */
  @FunctionalInterface
  interface Prepared {
    /**
     * Signs with {@code key} (the wallet's key, already checked against its public key) and
     * returns the response fields for this payload (digest, signature(s)).
     *
     * @throws EnclaveException MALFORMED_PAYLOAD when the payload does not fit this key (e.g. the
     *     wallet is not one of a transaction's signers)
     */
    SignResponse sign(UnsealedKey key) throws EnclaveException;
  }
}
