package io.nitrosign.policy.payload;

import java.util.Map;

/**
 * A signing request's payload as the parent decoded it: the one typed view that policy evaluation
 * reads and that the audit row records ({@link #audit()}), so what was audited is what was
 * evaluated. One record per payload kind. Values are public transaction fields, never secrets;
 * {@link #audit()} leaves out bulky parts (calldata, typed-data messages) and records their length
 * and hash instead.
 */
public sealed interface Payload permits EthTransactionPayload, TypedDataPayload,
    Eip7702AuthorizationPayload, MessagePayload, RawPayload, SolanaTransactionPayload,
    StellarTransactionPayload, PsbtPayload {

  /** The audit row's {@code decoded} object: plain JSON values (String, Number, Boolean, Map, List). */
  Map<String, Object> audit();

  /**
   * What the parent adds after signing (digest, transaction hash, signature), mutable and empty
   * before; {@link #audit()} ends with these entries. Every record's {@code signed} component.
   */
  Map<String, Object> signed();
}
