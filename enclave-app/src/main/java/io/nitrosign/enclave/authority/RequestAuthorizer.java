package io.nitrosign.enclave.authority;

import io.nitrosign.authz.RequestCheck;
import io.nitrosign.authz.UserKeys;
import io.nitrosign.enclave.users.UserSessions;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.RequestAuthorization;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The enclave's own check of a client's signed request (Privy's authorization signature scheme),
 * the one that counts for owned wallets: it rebuilds the signed payload from the exact body bytes
 * the client sent (strict JSON, RFC 8785), verifies the signatures against the quorums the wallet's
 * sealed authority names, checks the expiry against the enclave's own clock and refuses a payload
 * it accepted before. The caller then takes what to do from the returned body, never from the
 * parent's copy of it. A quorum's user members count as signed through the user sessions the
 * request carries, each of which the enclave checks itself ({@link UserSessions}: MAC, app,
 * expiry); a forged, altered or expired session fails the request.
 */
public final class RequestAuthorizer {

  /**
   * @param bounds what the signed-request check applies: the deployment's public base URL as
   *     clients sign it (part of the measured enclave configuration; empty: any {@code http(s)}
   *     origin is accepted and only the path is checked), the allowed clock skew and the longest
   *     request lifetime
   * @param exportQuorum the deployment export quorum that authorizes exporting app-owned wallets;
   *     empty: such exports are refused
   * @param maxReplayEntries the bound on remembered request digests
   */
  public record Settings(RequestCheck.Bounds bounds, Optional<KeyQuorum> exportQuorum,
      int maxReplayEntries) {

    /** No base URL, no export quorum, the check's default bounds, a million remembered digests. */
    public static Settings defaults() {
      return new Settings(RequestCheck.Bounds.defaults(""), Optional.empty(), 1_000_000);
    }

    /** The public base URL signed requests must name (empty: any origin). */
    public String publicBaseUrl() {
      return bounds.publicBaseUrl();
    }

    public Settings withPublicBaseUrl(String url) {
      return new Settings(new RequestCheck.Bounds(url, bounds.maxSkew(), bounds.maxLifetime()),
          exportQuorum, maxReplayEntries);
    }

    public Settings withExportQuorum(Optional<KeyQuorum> quorum) {
      return new Settings(bounds, quorum, maxReplayEntries);
    }
  }

  private final Settings settings;
  private final Clock clock;
  private final ReplayCache replays;
  /** Checks user-session statements; set once the sealing keys are in (null before). */
  private volatile UserSessions sessions;

  public RequestAuthorizer(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.replays = new ReplayCache(settings.maxReplayEntries());
  }

  /**
   * Accepts user sessions ({@code RequestAuthorization.user_sessions}) checked by {@code s} from
   * now on; before this, a request carrying sessions is refused.
   */
  public void useSessions(UserSessions s) {
    this.sessions = s;
  }

  /** The deployment export quorum, if one is configured. */
  public Optional<KeyQuorum> exportQuorum() {
    return settings.exportQuorum();
  }

  /**
   * Checks {@code auth} as a request {@code method path} of app {@code appId}, signed by enough
   * members of at least one of {@code quorums}, and returns its body (a JSON object; an empty
   * body is an empty map).
   *
   * @throws EnclaveException AUTHORIZATION_MISSING, AUTHORIZATION_INVALID, AUTHORIZATION_EXPIRED,
   *     AUTHORIZATION_INSUFFICIENT, AUTHORIZATION_REPLAYED, RESOURCE_EXHAUSTED (replay memory
   *     full)
   */
  public Map<String, Object> authorize(RequestAuthorization auth, String method, String path,
      String appId, List<KeyQuorum> quorums) throws EnclaveException {
    return authorize(auth, method, path, appId, quorums, body -> { });
  }

  /** What the caller requires of a verified body before the request counts as used. */
  @FunctionalInterface
  public interface BodyCheck {
    void check(Map<String, Object> body) throws EnclaveException;
  }

  /**
   * As {@link #authorize(RequestAuthorization, String, String, String, List)}, running
   * {@code matches} (e.g. "the payload is the one in the body") on the verified body before the
   * request is recorded as used, so a mismatched request does not use up the client's signature.
   */
  public Map<String, Object> authorize(RequestAuthorization auth, String method, String path,
      String appId, List<KeyQuorum> quorums, BodyCheck matches) throws EnclaveException {
    long now = clock.millis();
    UserKeys users = UserKeys.NONE;
    if (auth.getUserSessionsCount() > 0) {
      UserSessions s = sessions;
      if (s == null) {
        throw invalid("user sessions cannot be checked yet");
      }
      users = s.verify(auth.getUserSessionsList(), appId, now);
    }
    RequestCheck.Result r = RequestCheck.check(auth, method, path, appId, quorums,
        settings.bounds(), now, false, users);
    switch (r.verdict()) {
      case OK -> { }
      case MISSING -> throw new EnclaveException(ErrorCode.AUTHORIZATION_MISSING, r.detail());
      case EXPIRED -> throw new EnclaveException(ErrorCode.AUTHORIZATION_EXPIRED, r.detail());
      case INSUFFICIENT ->
          throw new EnclaveException(ErrorCode.AUTHORIZATION_INSUFFICIENT, r.detail());
      default -> throw invalid(r.detail());
    }
    matches.check(r.body());
    ReplayCache.Outcome outcome = replays.accept(r.payloadDigest(),
        r.expiryMillis() + settings.bounds().maxSkew().toMillis(), now);
    if (outcome == ReplayCache.Outcome.REPLAYED) {
      throw new EnclaveException(ErrorCode.AUTHORIZATION_REPLAYED,
          "this signed request was already used");
    }
    if (outcome == ReplayCache.Outcome.FULL) {
      throw new EnclaveException(ErrorCode.RESOURCE_EXHAUSTED, "too many live signed requests");
    }
    return r.body();
  }

  private static EnclaveException invalid(String detail) {
    return new EnclaveException(ErrorCode.AUTHORIZATION_INVALID, detail);
  }
}
