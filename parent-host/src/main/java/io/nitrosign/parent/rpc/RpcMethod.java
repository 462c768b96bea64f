package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.policy.payload.Payload;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.util.Map;
import java.util.Set;

/**
 * One signing method of {@code POST /v1/wallets/{id}/rpc} ({@code personal_sign},
 * {@code eth_signTransaction}, Solana {@code signTransaction}, ...). The parent decodes the payload
 * with the same {@code chains} decoders the enclave uses, for policy and the audit log; the
 * enclave decodes it again and computes the digest itself; the parent then checks the enclave's
 * answer against its own computation before anything is released.
 */
public interface RpcMethod {

  /** The {@code method} string of the request body. */
  String name();

  /** The chain types whose wallets this method serves. */
  Set<ChainType> chainTypes();

  /** Raw signing (a caller-chosen hash or bytes): allowed only for apps that enabled it. */
  default boolean raw() {
    return false;
  }

  /**
   * Whether {@code "attest": true} may be asked for: methods answered with one secp256k1
   * signature over a 32-byte digest (the attestation binding's shape).
   */
  default boolean attestable() {
    return false;
  }

  /**
   * Validates {@code params} and decodes the payload for {@code wallet}.
   *
   * @throws io.nitrosign.parent.api.ApiException 400 for a bad field
   * @throws io.nitrosign.chains.ChainFormatException when a decoder refused the payload (the caller
   *     answers 400 {@code malformed_payload} naming the field)
   */
  Prepared prepare(ObjectNode params, Wallet wallet);

  /**
   * As {@link #prepare(ObjectNode, Wallet)}, with the request's optional CAIP-2 chain reference
   * ({@code "caip2": "eip155:1"}; null when absent). Methods whose payload names a chain check it
   * against the payload; the default ignores it.
   */
  default Prepared prepare(ObjectNode params, Wallet wallet, String caip2) {
    return prepare(params, wallet);
  }

  /** A decoded request, ready for the enclave. */
  interface Prepared {

    /** Sets the payload of the enclave's SignRequest. */
    void payload(SignRequest.Builder request);

    /**
     * What the parent decoded from the payload (recipients, amounts, chain id, programs,
     * operations, ...): the typed view policy evaluates, whose {@link Payload#audit()} is the audit
     * row's {@code decoded}. A successful {@link #result} adds what was signed (digests, hashes)
     * to its {@code signed} map, so the audit row written after signing records them.
     */
    Payload decoded();

    /**
     * Checks the enclave's answer against what the parent computed itself (the digest or signed
     * bytes, and every signature under the wallet's public key) and builds the response's
     * {@code data} object.
     *
     * @throws io.nitrosign.parent.enclave.EnclaveCallException (PROTOCOL) when the answer is not
     *     a valid signature of what was asked
     */
    Map<String, Object> result(SignResponse response);

  }
}
