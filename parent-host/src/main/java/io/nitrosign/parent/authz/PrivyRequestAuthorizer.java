package io.nitrosign.parent.authz;

import com.google.protobuf.ByteString;
import io.nitrosign.authz.RequestCheck;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.RequestAuthorization;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Clock;
import java.util.List;

/**
 * The parent's check of Privy authorization signatures ({@code privy-authorization-signature}):
 * the same {@link RequestCheck} the enclave runs, so a bad request is answered 401 (and audited)
 * without a round trip. For wallets the enclave checks again and is the one that counts; for key
 * quorums (which live only in the database) this check is the authority.
 */
public final class PrivyRequestAuthorizer implements RequestAuthorizer {

  public static final String SIGNATURE_HEADER = "privy-authorization-signature";
  public static final String APP_ID_HEADER = "privy-app-id";
  public static final String IDEMPOTENCY_HEADER = "privy-idempotency-key";
  public static final String EXPIRY_HEADER = "privy-request-expiry";
  private static final int MAX_HEADER_CHARS = 4096;

  private final RequestCheck.Bounds bounds;
  private final String publicBaseUrl;
  private final Clock clock;

  /**
   * @param publicBaseUrl the API's public base URL as clients sign it (no trailing slash), the
   *     same the enclave is started with; empty: only the path is compared
   */
  public PrivyRequestAuthorizer(String publicBaseUrl, Clock clock) {
    this.publicBaseUrl = publicBaseUrl;
    this.bounds = RequestCheck.Bounds.defaults(publicBaseUrl);
    this.clock = clock;
  }

  /**
   * The signed request as the enclave gets it: method, the URL the client signed (the public base
   * URL and {@code path}), the exact body bytes and the Privy headers.
   */
  public RequestAuthorization signedRequest(String method, String path, byte[] body,
      HttpHeaders headers) {
    return RequestAuthorization.newBuilder()
        .setMethod(method)
        .setUrl(urlOf(path, headers))
        .setBody(ByteString.copyFrom(body))
        .setAppId(header(headers, APP_ID_HEADER))
        .setIdempotencyKey(header(headers, IDEMPOTENCY_HEADER))
        .setRequestExpiry(header(headers, EXPIRY_HEADER))
        .setSignatures(header(headers, SIGNATURE_HEADER))
        .build();
  }

  /**
   * Checks that {@code auth} is a request of app {@code appId} signed by enough members of one of
   * {@code quorums}.
   *
   * @throws ApiException 401 {@code missing_authorization_signature},
   *     {@code invalid_authorization_signature}, {@code request_expired} or
   *     {@code insufficient_signatures}
   */
  public Accepted verify(RequestAuthorization auth, String method, String path, String appId,
      List<KeyQuorum> quorums) {
    return verify(auth, method, path, appId, quorums, false);
  }

  /**
   * As {@link #verify(RequestAuthorization, String, String, String, List)}; with {@code anyBody}
   * the signed body may be any JSON value, not only an object ({@link RequestCheck}).
   */
  private Accepted verify(RequestAuthorization auth, String method, String path, String appId,
      List<KeyQuorum> quorums, boolean anyBody) {
    RequestCheck.Result r =
        RequestCheck.check(auth, method, path, appId, quorums, bounds, clock.millis(), anyBody);
    if (!r.ok()) {
      throw refusal(r.verdict(), r.detail());
    }
    return new Accepted(r.payloadDigest(), r.expiryMillis(), r.body(), r.quorum());
  }

  /**
   * For resources that live only in the database (key quorums, policies, condition sets,
   * aggregations), whose bodies the caller parses itself: the signed body may be any JSON value
   * (condition set items are an array), not only an object.
   */
  @Override
  public Accepted require(KeyQuorum owner, String appId, String method, String path, byte[] body,
      HttpHeaders headers) {
    RequestAuthorization auth = signedRequest(method, path, body, headers);
    return verify(auth, method, path, appId, List.of(owner), true);
  }

  /** The API error for a refused check. */
  public static ApiException refusal(RequestCheck.Verdict verdict, String detail) {
    String code = switch (verdict) {
      case MISSING -> ErrorCodes.MISSING_AUTHORIZATION_SIGNATURE;
      case EXPIRED -> ErrorCodes.REQUEST_EXPIRED;
      case INSUFFICIENT -> ErrorCodes.INSUFFICIENT_SIGNATURES;
      default -> ErrorCodes.INVALID_AUTHORIZATION_SIGNATURE;
    };
    return new ApiException(401, code, detail);
  }

  private String urlOf(String path, HttpHeaders headers) {
    return publicBaseUrl.isEmpty() ? "http://" + hostOf(headers) + path : publicBaseUrl + path;
  }

  private static String hostOf(HttpHeaders headers) {
    String host = headers.getHeaderString(HttpHeaders.HOST);
    return host == null || !host.matches("[A-Za-z0-9.:\\[\\]-]{1,255}") ? "localhost" : host;
  }

  private static String header(HttpHeaders headers, String name) {
    String v = headers.getHeaderString(name);
    if (v == null) {
      return "";
    }
    return v.length() > MAX_HEADER_CHARS ? v.substring(0, MAX_HEADER_CHARS) : v;
  }
}
