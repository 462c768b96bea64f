package io.nitrosign.authz;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.RequestAuthorization;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a client's signed request (Privy's authorization signature scheme) against the quorums
 * that may authorize it: the payload is rebuilt from the exact body bytes (strict JSON, RFC 8785),
 * every signature is verified, the threshold counted, and the expiry checked against the caller's
 * clock. The enclave runs it (and then refuses replays); the parent runs the same check early so
 * it can answer 401 and audit without a round trip. Pure: no state, no I/O.
 */
public final class RequestCheck {

  /** Largest request body that is canonicalized. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;
  private static final Pattern EXPIRY = Pattern.compile("[0-9]{1,15}");
  private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.:\\[\\]-]+");

  private RequestCheck() {}

  /** Why a request is refused; {@code OK} when it is not. */
  public enum Verdict {
    OK, MISSING, INVALID, EXPIRED, INSUFFICIENT
  }

  /**
   * What was checked.
   *
   * @param verdict OK or the reason for refusal
   * @param detail a short fixed message (never input data)
   * @param body the signed body (a JSON object; empty map for an empty body), null unless OK
   * @param payloadDigest SHA-256 of the signed payload, null unless OK (the replay key)
   * @param expiryMillis the request's expiry, 0 unless OK
   * @param quorum the index in the checked list of the first quorum whose threshold was met, -1
   *     unless OK (the parent applies an additional signer's override policies when it is the
   *     one that signed)
   */
  public record Result(Verdict verdict, String detail, Map<String, Object> body,
      byte[] payloadDigest, long expiryMillis, int quorum) {

    public boolean ok() {
      return verdict == Verdict.OK;
    }

    static Result refuse(Verdict v, String detail) {
      return new Result(v, detail, null, null, 0, -1);
    }
  }

  /**
   * The bounds a check applies.
   *
   * @param publicBaseUrl the deployment's public base URL as clients sign it; empty: any
   *     {@code http(s)} origin is accepted and only the path is compared
   * @param maxSkew how far the expiry may lie in the past
   * @param maxLifetime how far the expiry may lie in the future
   */
  public record Bounds(String publicBaseUrl, Duration maxSkew, Duration maxLifetime) {

    public static Bounds defaults(String publicBaseUrl) {
      return new Bounds(publicBaseUrl, Duration.ofSeconds(60), Duration.ofHours(24));
    }
  }

  /**
   * Checks {@code auth} as request {@code method path} of app {@code appId}, signed by enough
   * members of at least one of {@code quorums}, at time {@code nowMillis}. The quorums are tried
   * in order; the result names the first one satisfied.
   */
  public static Result check(RequestAuthorization auth, String method, String path, String appId,
      List<KeyQuorum> quorums, Bounds bounds, long nowMillis) {
    return check(auth, method, path, appId, quorums, bounds, nowMillis, false);
  }

  /**
   * As {@link #check(RequestAuthorization, String, String, String, List, Bounds, long)}; with
   * {@code anyBody} the signed body may be any JSON value but null, not only an object (Privy's
   * condition set items are sent, and signed, as an array). The result's {@link Result#body} is
   * then the body when it is an object and an empty map otherwise: a caller that takes anything
   * from the body reads it itself.
   */
  public static Result check(RequestAuthorization auth, String method, String path, String appId,
      List<KeyQuorum> quorums, Bounds bounds, long nowMillis, boolean anyBody) {
    return check(auth, method, path, appId, quorums, bounds, nowMillis, anyBody, UserKeys.NONE);
  }

  /**
   * As {@link #check(RequestAuthorization, String, String, String, List, Bounds, long, boolean)},
   * counting a quorum's user members as signed when a signature verifies under one of the user's
   * session keys in {@code users}. Where those keys come from, and why they are trusted, is the
   * caller's: the enclave passes only sessions whose MAC and expiry it checked.
   */
  public static Result check(RequestAuthorization auth, String method, String path, String appId,
      List<KeyQuorum> quorums, Bounds bounds, long nowMillis, boolean anyBody, UserKeys users) {
    if (auth.getSignatures().isBlank()) {
      return Result.refuse(Verdict.MISSING, "this wallet needs the owner's authorization signature");
    }
    if (!auth.getMethod().equals(method)) {
      return Result.refuse(Verdict.INVALID, "the signed request's method does not match");
    }
    if (!urlMatches(auth.getUrl(), path, bounds.publicBaseUrl())) {
      return Result.refuse(Verdict.INVALID, "the signed request's url does not match");
    }
    if (!auth.getAppId().equals(appId)) {
      return Result.refuse(Verdict.INVALID, "the signed request's app id does not match");
    }
    String expiryHeader = auth.getRequestExpiry();
    if (expiryHeader.isEmpty()) {
      return Result.refuse(Verdict.EXPIRED, "privy-request-expiry is required for owned wallets");
    }
    if (!EXPIRY.matcher(expiryHeader).matches()) {
      return Result.refuse(Verdict.EXPIRED, "privy-request-expiry must be Unix milliseconds");
    }
    long expiry = Long.parseLong(expiryHeader);
    if (expiry + bounds.maxSkew().toMillis() < nowMillis) {
      return Result.refuse(Verdict.EXPIRED, "the request has expired");
    }
    if (expiry > nowMillis + bounds.maxLifetime().toMillis() + bounds.maxSkew().toMillis()) {
      return Result.refuse(Verdict.EXPIRED, "privy-request-expiry is too far in the future");
    }
    if (auth.getBody().size() > MAX_BODY_BYTES) {
      return Result.refuse(Verdict.INVALID, "the signed request's body is too large");
    }
    Object signedBody;
    try {
      signedBody = anyBody ? PrivyRequest.parseBody(auth.getBody().toByteArray())
          : PrivyRequest.parseObjectBody(auth.getBody().toByteArray());
    } catch (ChainFormatException | IllegalArgumentException e) {
      return Result.refuse(Verdict.INVALID, "the request body is not strict JSON");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> body = signedBody instanceof Map<?, ?> m ? (Map<String, Object>) m
        : Map.of();
    if (!Jcs.isExact(signedBody)) {
      // a number whose canonical (double) form differs from what was written would let two
      // different bodies share one signature
      return Result.refuse(Verdict.INVALID,
          "the request body has a number that a double cannot hold exactly");
    }
    byte[] payload = PrivyRequest.signedPayload(auth.getMethod(), auth.getUrl(), signedBody,
        auth.getAppId(), emptyToNull(auth.getIdempotencyKey()), emptyToNull(expiryHeader));
    List<byte[]> signatures;
    try {
      signatures = SignatureHeader.parse(auth.getSignatures());
    } catch (IllegalArgumentException e) {
      return Result.refuse(Verdict.INVALID, "the authorization signature header is malformed");
    }
    if (signatures.isEmpty()) {
      return Result.refuse(Verdict.MISSING, "this wallet needs the owner's authorization signature");
    }
    boolean anyValid = false;
    for (int i = 0; i < quorums.size(); i++) {
      Quorums.Result r = Quorums.evaluate(quorums.get(i), payload, signatures, users);
      if (r.satisfied()) {
        return new Result(Verdict.OK, "ok", body, sha256(payload), expiry, i);
      }
      anyValid |= r.validSignatures() > 0;
    }
    return anyValid
        ? Result.refuse(Verdict.INSUFFICIENT, "not enough quorum members signed")
        : Result.refuse(Verdict.INVALID, "no authorization signature verifies for this wallet");
  }

  private static boolean urlMatches(String url, String path, String base) {
    if (!base.isEmpty()) {
      return url.equals(base + path);
    }
    return url.endsWith(path)
        && ORIGIN.matcher(url.substring(0, url.length() - path.length())).matches();
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
