package io.nitrosign.authz;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes a Privy request authorization signature covers, rebuilt exactly as Privy's SDK builds
 * them ({@code @privy-io/node} 0.35.0, {@code lib/authorization.ts},
 * {@code formatRequestForAuthorizationSignature}): the UTF-8 RFC 8785 canonical JSON ({@link Jcs})
 * of
 *
 * <pre>{@code
 * {version: 1, method, url, body,
 *  headers: {"privy-app-id": appId,
 *            "privy-idempotency-key": key,       // only when given (non-empty)
 *            "privy-request-expiry": expiryMs}}  // only when given (non-empty), as a string
 * }</pre>
 *
 * <p>where a body that is an object without members is replaced by the empty string. Each
 * signature is ECDSA P-256 over SHA-256 of these bytes ({@link P256Key#verify}); the
 * {@code privy-authorization-signature} header carries them base64, comma-separated ({@link
 * SignatureHeader}).
 */
public final class PrivyRequest {

  /** Bounds on a request body: 1 MiB, nesting depth 64. */
  public static final StrictJson.Limits BODY_LIMITS =
      new StrictJson.Limits(1 << 20, 64, 100_000, 1 << 20, 1_000);

  private static final String BODY_FIELD = "request body";

  private PrivyRequest() {}

  /**
   * The signed payload.
   *
   * @param method the HTTP method as sent (e.g. {@code POST})
   * @param url the full request URL as the client signed it (e.g.
   *     {@code https://api.privy.io/v1/wallets/<id>/rpc})
   * @param body the parsed body ({@link #parseBody}); {@code null} = no body, signed as {@code ""}
   *     like an empty object
   * @param appId the {@code privy-app-id} header
   * @param idempotencyKeyOrNull the {@code privy-idempotency-key} header; null or empty = absent
   * @param requestExpiryOrNull the {@code privy-request-expiry} header (milliseconds since the
   *     epoch, as sent); null or empty = absent
   * @throws IllegalArgumentException when a required part is missing or the body holds a number
   *     beyond the double range
   */
  public static byte[] signedPayload(String method, String url, Object body, String appId,
      String idempotencyKeyOrNull, String requestExpiryOrNull) {
    if (method == null || url == null || appId == null) {
      throw new IllegalArgumentException("method, url and app id are required");
    }
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("privy-app-id", appId);
    if (idempotencyKeyOrNull != null && !idempotencyKeyOrNull.isEmpty()) {
      headers.put("privy-idempotency-key", idempotencyKeyOrNull);
    }
    if (requestExpiryOrNull != null && !requestExpiryOrNull.isEmpty()) {
      headers.put("privy-request-expiry", requestExpiryOrNull);
    }
    Object signedBody = body == null || (body instanceof Map<?, ?> m && m.isEmpty()) ? "" : body;
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("version", 1);
    input.put("method", method);
    input.put("url", url);
    input.put("body", signedBody);
    input.put("headers", headers);
    return Jcs.canonicalize(input).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a request body strictly ({@link StrictJson}, {@link #BODY_LIMITS}): no duplicate keys,
   * well-formed UTF-8, nothing after the value. An absent or empty body is an empty object (signed
   * as {@code ""}). A bare {@code null} is refused: the SDK would sign it as {@code null}, which
   * {@link #signedPayload} reserves for "no body".
   *
   * @return a {@code Map}, {@code List}, {@code String}, {@code BigInteger}, {@code BigDecimal} or
   *     {@code Boolean}
   * @throws ChainFormatException when the body is not one strict, bounded JSON value
   * @throws IllegalArgumentException for a bare {@code null} body
   */
  public static Object parseBody(byte[] bodyBytes) {
    return parseValue(bodyBytes);
  }

  /**
   * As {@link #parseBody}, for the REST bodies this API takes, which are JSON objects (an empty
   * body is an empty map).
   *
   * @throws ChainFormatException when the body is not one strict, bounded JSON object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObjectBody(byte[] bodyBytes) {
    Object v = parseValue(bodyBytes);
    if (!(v instanceof Map)) {
      throw new ChainFormatException(BODY_FIELD, "must be a JSON object");
    }
    return (Map<String, Object>) v;
  }

  private static Object parseValue(byte[] bodyBytes) {
    if (bodyBytes == null || bodyBytes.length == 0) {
      return new LinkedHashMap<String, Object>();
    }
    Object value = StrictJson.parse(bodyBytes, BODY_FIELD, BODY_LIMITS);
    if (value == null) {
      throw new IllegalArgumentException("request body must not be JSON null");
    }
    return value;
  }
}
