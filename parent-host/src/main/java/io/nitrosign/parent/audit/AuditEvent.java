package io.nitrosign.parent.audit;

/**
 * One event to append. {@code detail} is a JSON object rendered by the caller (method, digest
 * hex, ...): never request bodies, messages, secrets or key material.
 */
public record AuditEvent(String appId, String walletId, String action, Outcome outcome,
    String errorCode, String detail) {

  public static final String WALLET_CREATE = "wallet.create";
  public static final String WALLET_SIGN = "wallet.sign";
  public static final String WALLET_IMPORT = "wallet.import";
  public static final String WALLET_EXPORT = "wallet.export";
  public static final String WALLET_UPDATE = "wallet.update";
  public static final String KEY_QUORUM_CREATE = "key_quorum.create";
  public static final String KEY_QUORUM_UPDATE = "key_quorum.update";
  public static final String KEY_QUORUM_DELETE = "key_quorum.delete";
  public static final String APP_CREATE = "app.create";
  /** A request refused for missing, malformed or wrong app credentials (rate-limited). */
  public static final String AUTH_FAILURE = "auth.failure";
}
