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
 *
 * <p>A signed request is acted on once per enclave boot. For a Sign the client signed with an
 * idempotency key, whose retry must end in the answer the client never received (a parent host
 * died in between), {@link #authorizeOnce} gives an identical request the enclave's earlier
 * answer instead, byte for byte, so the retry never makes a new signature (see
 * {@link ReplayCache}).
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
   * @param maxAnswerBytes the largest Sign answer remembered for an identical retry
   * @param answerBudgetBytes the bytes all remembered answers may take together
   * @param answerWaitMillis how long an identical retry waits for an answer still being made
   *     before it is refused as a replay
   */
  public record Settings(RequestCheck.Bounds bounds, Optional<KeyQuorum> exportQuorum,
      int maxReplayEntries, int maxAnswerBytes, long answerBudgetBytes, long answerWaitMillis) {

    /**
     * No base URL, no export quorum, the check's default bounds, a million remembered digests,
     * answers up to 16 KiB (a Sign answer with a fresh attestation document is about 5 KiB) within
     * 32 MiB in all, an identical retry waiting up to 2 s for an answer still being made.
     */
    public static Settings defaults() {
      return new Settings(RequestCheck.Bounds.defaults(""), Optional.empty(), 1_000_000,
          16 * 1024, 32L * 1024 * 1024, 2_000);
    }

    /** The public base URL signed requests must name (empty: any origin). */
    public String publicBaseUrl() {
      return bounds.publicBaseUrl();
    }

    public Settings withPublicBaseUrl(String url) {
      return new Settings(new RequestCheck.Bounds(url, bounds.maxSkew(), bounds.maxLifetime()),
          exportQuorum, maxReplayEntries, maxAnswerBytes, answerBudgetBytes, answerWaitMillis);
    }

    public Settings withExportQuorum(Optional<KeyQuorum> quorum) {
      return new Settings(bounds, quorum, maxReplayEntries, maxAnswerBytes, answerBudgetBytes,
          answerWaitMillis);
    }

    /** The same settings with these bounds on remembered answers. */
    public Settings withAnswerLimits(int maxBytes, long budgetBytes, long waitMillis) {
      return new Settings(bounds, exportQuorum, maxReplayEntries, maxBytes, budgetBytes,
          waitMillis);
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
    this.replays = new ReplayCache(new ReplayCache.Limits(settings.maxReplayEntries(),
        settings.maxAnswerBytes(), settings.answerBudgetBytes(), settings.answerWaitMillis()));
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
    RequestCheck.Result r = check(auth, method, path, appId, quorums, matches, now);
    ReplayCache.Decision d = accept(r, null, now);
    // never REMEMBERED without a request hash; settle the slot at once: nothing to remember
    d.slot().forget();
    return r.body();
  }

  /**
   * As {@link #authorize(RequestAuthorization, String, String, String, List, BodyCheck)}, for a
   * request whose answer is to be given again to an identical retry (Sign): the first time, the
   * caller acts on the request and settles the returned {@link Admission} (its answer, or
   * {@link Admission#forget()} when it fails); a later request under the same signed request with
   * the same {@code requestHash} gets that answer ({@link Admission#remembered()}), once the
   * signed request has passed every check again. A different {@code requestHash} under the same
   * signed request, or a first attempt that failed, is AUTHORIZATION_REPLAYED.
   *
   * @param requestHash SHA-256 of what the request asks for besides the signed request (wallet
   *     key, payload, proof), 32 bytes
   * @throws EnclaveException as {@link #authorize(RequestAuthorization, String, String, String,
   *     List)}
   */
  public Admission authorizeOnce(RequestAuthorization auth, String method, String path,
      String appId, List<KeyQuorum> quorums, byte[] requestHash, BodyCheck matches)
      throws EnclaveException {
    if (requestHash == null || requestHash.length != 32) {
      throw new IllegalArgumentException("requestHash must be 32 bytes");
    }
    long now = clock.millis();
    RequestCheck.Result r = check(auth, method, path, appId, quorums, matches, now);
    ReplayCache.Decision d = accept(r, requestHash, now);
    return new Admission(r.body(), d.slot(), d.answer());
  }

  /**
   * A signed request let through by {@link #authorizeOnce}: either the first use (act on it, then
   * {@link #remember} the answer or {@link #forget}) or an identical retry with the remembered
   * answer. Settling twice does nothing.
   */
  public static final class Admission {
    private final Map<String, Object> body;
    private final ReplayCache.Slot slot;
    private final byte[] remembered;

    private Admission(Map<String, Object> body, ReplayCache.Slot slot, byte[] remembered) {
      this.body = body;
      this.slot = slot;
      this.remembered = remembered;
    }

    /** The verified body of the signed request. */
    public Map<String, Object> body() {
      return body;
    }

    /** The answer given to the identical earlier request (a copy); empty on first use. */
    public Optional<byte[]> remembered() {
      return Optional.ofNullable(remembered).map(byte[]::clone);
    }

    /**
     * First use: keeps {@code answer} for identical retries (unless it is over the size limit or
     * the budget: then they are refused as replays).
     *
     * @return whether it is kept
     */
    public boolean remember(byte[] answer) {
      return slot != null && slot.remember(answer);
    }

    /** First use, failed: identical retries are refused as replays. */
    public void forget() {
      if (slot != null) {
        slot.forget();
      }
    }
  }

  /** Every check but the replay one; returns the OK result after {@code matches} passed. */
  private RequestCheck.Result check(RequestAuthorization auth, String method, String path,
      String appId, List<KeyQuorum> quorums, BodyCheck matches, long now)
      throws EnclaveException {
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
    return r;
  }

  /** Records the request as used; a decision that is neither ACCEPTED nor REMEMBERED throws. */
  private ReplayCache.Decision accept(RequestCheck.Result r, byte[] requestHash, long now)
      throws EnclaveException {
    ReplayCache.Decision d = replays.accept(r.payloadDigest(), requestHash,
        r.expiryMillis() + settings.bounds().maxSkew().toMillis(), now);
    switch (d.outcome()) {
      case ACCEPTED, REMEMBERED -> {
        return d;
      }
      case FULL -> throw new EnclaveException(ErrorCode.RESOURCE_EXHAUSTED,
          "too many live signed requests");
      default -> throw new EnclaveException(ErrorCode.AUTHORIZATION_REPLAYED,
          "this signed request was already used");
    }
  }

  private static EnclaveException invalid(String detail) {
    return new EnclaveException(ErrorCode.AUTHORIZATION_INVALID, detail);
  }
}
