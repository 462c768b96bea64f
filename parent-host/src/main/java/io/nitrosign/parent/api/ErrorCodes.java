package io.nitrosign.parent.api;

/** The typed error codes of the REST API (the {@code code} field of every error body). */
public final class ErrorCodes {
  public static final String UNAUTHORIZED = "unauthorized";
  public static final String INVALID_REQUEST = "invalid_request";
  public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
  public static final String UNSUPPORTED_CHAIN_TYPE = "unsupported_chain_type";
  public static final String UNSUPPORTED_METHOD = "unsupported_method";
  /** A transaction or message did not decode (names the field and the reason). */
  public static final String MALFORMED_PAYLOAD = "malformed_payload";
  public static final String METHOD_NOT_ALLOWED_FOR_APP = "method_not_allowed_for_app";
  public static final String WALLET_NOT_FOUND = "wallet_not_found";
  public static final String KEY_QUORUM_NOT_FOUND = "key_quorum_not_found";
  /** A key quorum still owns or signs for a wallet, or is nested in another quorum (409). */
  public static final String KEY_QUORUM_IN_USE = "key_quorum_in_use";
  public static final String WALLET_EXISTS = "wallet_exists";
  /** Another wallet of the app already has this external_id (409). */
  public static final String EXTERNAL_ID_IN_USE = "external_id_in_use";
  public static final String EXPORT_NOT_ALLOWED = "export_not_allowed";
  /** An import's HPKE envelope is not base64, has the wrong size, or did not open (400). */
  public static final String MALFORMED_CIPHERTEXT = "malformed_ciphertext";
  public static final String NOT_FOUND = "not_found";
  public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
  public static final String NOT_ACCEPTABLE = "not_acceptable";
  public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
  /**
   * The enclave cannot be reached, or the circuit breaker stopped calling it after consecutive
   * failures (503 with Retry-After).
   */
  public static final String ENCLAVE_UNAVAILABLE = "enclave_unavailable";
  /** The bounded queue in front of the enclave is full: load was shed (503 with Retry-After). */
  public static final String OVERLOADED = "overloaded";
  /** The app's rate limit (token bucket) is exhausted (429 with Retry-After). */
  public static final String RATE_LIMITED = "rate_limited";
  public static final String ENCLAVE_NOT_READY = "enclave_not_ready";
  public static final String ENCLAVE_BUSY = "enclave_busy";
  public static final String ENCLAVE_TIMEOUT = "enclave_timeout";
  public static final String ENCLAVE_ERROR = "enclave_error";
  public static final String SEALED_SHARE_INTEGRITY = "sealed_share_integrity";
  public static final String KEY_MISMATCH = "key_mismatch";
  public static final String UNKNOWN_KEY_VERSION = "unknown_key_version";
  public static final String INTERNAL_ERROR = "internal_error";
  /** PostgreSQL is unreachable or restarting (503, Retry-After: 1, x-should-retry: true). */
  public static final String DATABASE_UNAVAILABLE = "database_unavailable";
  /** A concurrent change won; the request changed nothing. */
  public static final String CONFLICT = "conflict";
  /** An owned wallet's request carried no privy-authorization-signature. */
  public static final String MISSING_AUTHORIZATION_SIGNATURE = "missing_authorization_signature";
  /** A signature did not verify, or the signed request is not this request. */
  public static final String INVALID_AUTHORIZATION_SIGNATURE = "invalid_authorization_signature";
  /** privy-request-expiry is missing, malformed, past or too far ahead. */
  public static final String REQUEST_EXPIRED = "request_expired";
  /** Valid signatures, but fewer quorum members than the threshold. */
  public static final String INSUFFICIENT_SIGNATURES = "insufficient_signatures";
  /** The enclave already accepted this exact signed request. */
  public static final String AUTHORIZATION_REPLAYED = "authorization_replayed";
  /** The enclave refused the operation for this wallet (e.g. export without an export quorum). */
  public static final String PERMISSION_DENIED = "permission_denied";
  /** The wallet's policies (or the signer's override policies) do not allow the request (403). */
  public static final String POLICY_DENIED = "policy_denied";
  /** A policy or rule that is not valid; the error body's {@code path} says where. */
  public static final String INVALID_POLICY = "invalid_policy";
  /** A condition set or condition set item that is not valid (with {@code path}). */
  public static final String INVALID_CONDITION_SET = "invalid_condition_set";
  /** An aggregation that is not valid (with {@code path}). */
  public static final String INVALID_AGGREGATION = "invalid_aggregation";
  public static final String POLICY_NOT_FOUND = "policy_not_found";
  public static final String POLICY_RULE_NOT_FOUND = "policy_rule_not_found";
  public static final String CONDITION_SET_NOT_FOUND = "condition_set_not_found";
  public static final String CONDITION_SET_ITEM_NOT_FOUND = "condition_set_item_not_found";
  public static final String AGGREGATION_NOT_FOUND = "aggregation_not_found";
  /** A policy is still attached to a wallet (or an additional signer's overrides) (409). */
  public static final String POLICY_IN_USE = "policy_in_use";
  /** A condition set is still referenced by a rule or an aggregation (409). */
  public static final String CONDITION_SET_IN_USE = "condition_set_in_use";
  /** An aggregation is still referenced by a rule (409). */
  public static final String AGGREGATION_IN_USE = "aggregation_in_use";

  /** privy-idempotency-key is empty, longer than 256 characters or not printable ASCII (400). */
  public static final String INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key";
  /** The idempotency key was used with another request: method, path or body differ (400). */
  public static final String IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused";
  /** Another request with the idempotency key is still running; retry later (409). */
  public static final String IDEMPOTENCY_KEY_IN_PROGRESS = "idempotency_key_in_progress";
  /**
   * The request with the idempotency key never finished (its parent host died) and may have
   * signed or created something: not run again (409, x-should-retry: false).
   */
  public static final String IDEMPOTENCY_KEY_OUTCOME_UNKNOWN = "idempotency_key_outcome_unknown";

  private ErrorCodes() {}
  // Users and JWT authorization (POST /v1/wallets/authenticate): 401 unless said otherwise.
  /** The JWT is malformed, not ES256/RS256, has no kid, or its signature does not verify. */
  public static final String INVALID_JWT = "invalid_jwt";
  /** The JWT's exp has passed (or its nbf is in the future), beyond 60 s of skew. */
  public static final String JWT_EXPIRED = "jwt_expired";
  /** The JWT's iss is not the app's issuer, or the enclave is not configured with that issuer. */
  public static final String JWT_WRONG_ISSUER = "jwt_wrong_issuer";
  /** The JWT's aud does not name the issuer's configured audience. */
  public static final String JWT_WRONG_AUDIENCE = "jwt_wrong_audience";
  /** The issuer's JWKS has no key with the JWT's kid. */
  public static final String JWT_UNKNOWN_KEY = "jwt_unknown_key";
  /** 503: the enclave could not fetch the issuer's JWKS. */
  public static final String JWKS_UNAVAILABLE = "jwks_unavailable";
  /** 400: the app has no JWT issuer configured (user_jwt and user members need one). */
  public static final String JWT_NOT_CONFIGURED = "jwt_not_configured";
  public static final String USER_NOT_FOUND = "user_not_found";
  /** 409: a user with this custom_user_id exists in the app. */
  public static final String USER_EXISTS = "user_exists";
  /** 409: the user is a member of a key quorum (owns or signs for something). */
  public static final String USER_IN_USE = "user_in_use";
}
