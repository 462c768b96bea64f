package io.nitrosign.parent.api;

import java.util.Map;

/**
 * The one exception the API throws. It carries the HTTP status, a typed machine-readable code and
 * a short human message that is safe to show (never request bodies, secrets or internal text).
 * No stack trace is captured: these are expected outcomes, not bugs.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final Map<String, String> headers;
  private final String path;
  private final Denial denial;

  /**
   * What decided a policy denial, for the error body: the policy and rule (null for a default
   * deny, where no rule allowed the request) and the engine's reason.
   */
  public record Denial(String policyId, String ruleId, String ruleName, String reason) {}

  public ApiException(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  public ApiException(int status, String code, String message, Map<String, String> headers) {
    this(status, code, message, headers, null, null);
  }

  private ApiException(int status, String code, String message, Map<String, String> headers,
      String path, Denial denial) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
    this.path = path;
    this.denial = denial;
  }

  /**
   * 400 {@code code} for a body that is not valid at {@code path} (a JSON path into the request
   * body, e.g. {@code rules[2].conditions[0].value}; empty for the body itself), shown in the
   * error body's {@code path} field.
   */
  public static ApiException invalidAt(String code, String path, String message) {
    return new ApiException(400, code, message, Map.of(), path, null);
  }

  /** 403 {@code policy_denied}: the wallet's policies do not allow the request. */
  public static ApiException policyDenied(String message, Denial denial) {
    return new ApiException(403, ErrorCodes.POLICY_DENIED, message, Map.of(), null, denial);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** Where in the request body the error is, or null when it is not about one place. */
  public String path() {
    return path;
  }

  /** The explanation of a policy denial; null for every other error. */
  public Denial denial() {
    return denial;
  }

  public static ApiException invalidRequest(String message) {
    return new ApiException(400, ErrorCodes.INVALID_REQUEST, message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, ErrorCodes.UNAUTHORIZED, message,
        Map.of("WWW-Authenticate", "Basic realm=\"nitrosign\""));
  }

  public static ApiException walletNotFound() {
    return new ApiException(404, ErrorCodes.WALLET_NOT_FOUND, "wallet not found");
  }

  public static ApiException keyQuorumNotFound() {
    return new ApiException(404, ErrorCodes.KEY_QUORUM_NOT_FOUND, "key quorum not found");
  }

  public static ApiException internal() {
    return new ApiException(500, ErrorCodes.INTERNAL_ERROR, "internal error");
  }
}
