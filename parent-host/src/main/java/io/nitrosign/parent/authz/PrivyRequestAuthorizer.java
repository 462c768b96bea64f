package io.nitrosign.parent.authz;

import io.nitrosign.authz.P256Key;
import io.nitrosign.authz.UserKeys;
import io.nitrosign.proto.v1.UserSession;
import io.nitrosign.proto.v1.UserSessionStatement;
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
  /** Most user sessions sent with one request (the enclave's bound). */
  static final int MAX_SESSIONS = 16;

  private final RequestCheck.Bounds bounds;
  private final String publicBaseUrl;
  private final Clock clock;
  private final SessionSource sessions;

  /**
   * The live sessions the enclave minted for a user (JWT issuer and subject) of an app, newest
   * first and bounded: what a request that a user's session key signed is sent with.
   */
  @FunctionalInterface
  public interface SessionSource {
    List<UserSession> live(String appId, String issuer, String subject);

    SessionSource NONE = (appId, issuer, subject) -> List.of();
  }

  /**
   * @param publicBaseUrl the API's public base URL as clients sign it (no trailing slash), the
   *     same the enclave is started with; empty: only the path is compared
   */
  public PrivyRequestAuthorizer(String publicBaseUrl, Clock clock) {
    this(publicBaseUrl, clock, SessionSource.NONE);
  }

  /** @param sessions where the user sessions of quorums' user members come from */
  public PrivyRequestAuthorizer(String publicBaseUrl, Clock clock, SessionSource sessions) {
    this.publicBaseUrl = publicBaseUrl;
    this.bounds = RequestCheck.Bounds.defaults(publicBaseUrl);
    this.clock = clock;
    this.sessions = sessions;
  }

  /**
   * As {@link #signedRequest(String, String, byte[], HttpHeaders)}, with the live sessions of
   * every user member of {@code quorums} (and of their nested quorums) attached, so that a
   * signature by a user's session key can be counted, here early and by the enclave, which checks
   * each session's MAC itself.
   */
  public RequestAuthorization signedRequest(String method, String path, byte[] body,
      HttpHeaders headers, String appId, List<KeyQuorum> quorums) {
    RequestAuthorization auth = signedRequest(method, path, body, headers);
    java.util.Set<UserKeys.User> users = new java.util.LinkedHashSet<>();
    for (KeyQuorum q : quorums) {
      q.getUsersList().forEach(u -> users.add(UserKeys.User.of(u)));
      q.getQuorumsList().forEach(n -> n.getUsersList().forEach(u -> users.add(UserKeys.User.of(u))));
    }
    if (users.isEmpty()) {
      return auth;
    }
    RequestAuthorization.Builder b = auth.toBuilder();
    for (UserKeys.User u : users) {
      for (UserSession s : sessions.live(appId, u.issuer(), u.subject())) {
        if (b.getUserSessionsCount() < MAX_SESSIONS) {
          b.addUserSessions(s);
        }
      }
    }
    return b.build();
  }

  /** The session keys a request carries, as the parent stored them (not MAC-checked here). */
  static UserKeys userKeysOf(RequestAuthorization auth, long nowMillis) {
    if (auth.getUserSessionsCount() == 0) {
      return UserKeys.NONE;
    }
    java.util.Map<UserKeys.User, List<P256Key>> keys = new java.util.HashMap<>();
    for (UserSession s : auth.getUserSessionsList()) {
      try {
        UserSessionStatement st = UserSessionStatement.parseFrom(s.getStatement());
        if (st.getExpiresAtMillis() > nowMillis) {
          keys.computeIfAbsent(new UserKeys.User(st.getIssuer(), st.getSubject()),
              k -> new java.util.ArrayList<>())
              .add(P256Key.fromSpki(st.getSessionPublicKey().toByteArray()));
        }
      } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
        // a stored session that does not parse counts for nothing
      }
    }
    return UserKeys.of(keys);
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
    long now = clock.millis();
    RequestCheck.Result r = RequestCheck.check(auth, method, path, appId, quorums, bounds, now,
        anyBody, userKeysOf(auth, now));
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
    RequestAuthorization auth = signedRequest(method, path, body, headers, appId, List.of(owner));
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
