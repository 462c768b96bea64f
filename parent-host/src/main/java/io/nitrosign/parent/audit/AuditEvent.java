package io.nitrosign.parent.audit;

import io.nitrosign.parent.idempotency.SignRequests;
import io.nitrosign.parent.policy.SpendLedger;

/**
 * One event to append. {@code detail} is a JSON object rendered by the caller (method, digest
 * hex, ...): never request bodies, messages, secrets or key material. {@code reservation} (null
 * for none) is the spending-limit reservation of the signature this row records: it becomes
 * committed in the transaction that appends the row, and if it cannot (it expired, or was
 * removed), the row is not appended either, so the signature is withheld
 * ({@link SpendLedger#commitReserved}). {@code signRequest} (null for none) is how the attempt of
 * a signing request with an idempotency key ends ({@link SignRequests}): written in the row's
 * transaction; a succeeded attempt stores its response there too, and if it no longer holds its
 * key the row is not appended either.
 */
public record AuditEvent(String appId, String walletId, String action, Outcome outcome,
    String errorCode, String detail, SpendLedger.Reservation reservation,
    SignRequests.End signRequest) {

  public AuditEvent(String appId, String walletId, String action, Outcome outcome,
      String errorCode, String detail) {
    this(appId, walletId, action, outcome, errorCode, detail, null, null);
  }

  public AuditEvent(String appId, String walletId, String action, Outcome outcome,
      String errorCode, String detail, SpendLedger.Reservation reservation) {
    this(appId, walletId, action, outcome, errorCode, detail, reservation, null);
  }

  /** This event, ending the sign-request attempt as {@code end} says (null: none). */
  public AuditEvent ending(SignRequests.End end) {
    return new AuditEvent(appId, walletId, action, outcome, errorCode, detail, reservation, end);
  }

  public static final String WALLET_CREATE = "wallet.create";
  public static final String WALLET_SIGN = "wallet.sign";
  /** A policy dry run: the decision for a signing request that was not signed. */
  public static final String WALLET_DRY_RUN = "wallet.dry_run";
  public static final String WALLET_IMPORT = "wallet.import";
  public static final String WALLET_EXPORT = "wallet.export";
  public static final String WALLET_UPDATE = "wallet.update";
  public static final String KEY_QUORUM_CREATE = "key_quorum.create";
  public static final String KEY_QUORUM_UPDATE = "key_quorum.update";
  public static final String KEY_QUORUM_DELETE = "key_quorum.delete";
  /** A policy was created; {@code policy.update} covers its rules' changes too. */
  public static final String POLICY_CREATE = "policy.create";
  public static final String POLICY_UPDATE = "policy.update";
  public static final String POLICY_DELETE = "policy.delete";
  /** A condition set was created; {@code condition_set.update} covers its items' changes too. */
  public static final String CONDITION_SET_CREATE = "condition_set.create";
  public static final String CONDITION_SET_UPDATE = "condition_set.update";
  public static final String CONDITION_SET_DELETE = "condition_set.delete";
  public static final String AGGREGATION_CREATE = "aggregation.create";
  public static final String AGGREGATION_DELETE = "aggregation.delete";
  public static final String APP_CREATE = "app.create";
  public static final String USER_CREATE = "user.create";
  public static final String USER_DELETE = "user.delete";
  /** POST /v1/wallets/authenticate: a user session minted (or refused) by the enclave. */
  public static final String USER_AUTHENTICATE = "user.authenticate";
  /** A request refused for missing, malformed or wrong app credentials (rate-limited). */
  public static final String AUTH_FAILURE = "auth.failure";
}
