package io.nitrosign.attestation;

/** Why a document was refused. Each value is one kind of failure; the exception message names the field. */
public enum Reason {
  /** Not a well-formed COSE_Sign1 / attestation payload: bad CBOR, wrong type, missing field, trailing bytes. */
  MALFORMED,
  /** A field, the document, or a collection exceeds its size bound. */
  TOO_LARGE,
  /** The COSE algorithm is not ES384, or the payload digest is not SHA384. */
  UNSUPPORTED_ALGORITHM,
  /** The COSE signature does not verify under the leaf certificate's key. */
  BAD_SIGNATURE,
  /** The certificate chain does not lead to the pinned root, a signature in it fails, or a CA/leaf constraint is violated. */
  UNTRUSTED_CHAIN,
  /** A certificate of the chain is not valid at the verification time (expired or not yet valid). */
  EXPIRED,
  /** No allowed PCR set matches; the message names the first differing PCR. */
  PCR_MISMATCH,
  /** PCR0 is all zeros (debug-mode enclave) and the policy does not allow debug. */
  DEBUG_MODE,
  /** The nonce differs from the expected one, or is absent. */
  NONCE_MISMATCH,
  /** user_data does not start with the tag of the expected purpose (io.nitrosign.chains.AttestationPurpose). */
  PURPOSE_MISMATCH,
  /** user_data differs from the expected value, or is absent. */
  USER_DATA_MISMATCH,
  /** public_key differs from the expected value, or is absent. */
  PUBLIC_KEY_MISMATCH,
  /** The document's timestamp is older than the policy's maximum age at the verification time. */
  TOO_OLD,
  /** The document's timestamp lies after the verification time (beyond the allowed clock skew). */
  TIMESTAMP_IN_FUTURE
}
