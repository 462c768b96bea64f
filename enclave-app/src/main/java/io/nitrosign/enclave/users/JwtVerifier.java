package io.nitrosign.enclave.users;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.json.StrictJson;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.ErrorCode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a user's JWT (compact JWS, RFC 7515/7519) the way the enclave must before it mints a
 * session key: the header's {@code alg} is ES256 or RS256 and names a {@code kid}; the signature
 * verifies under the issuer's key of that kid, from a JWKS the enclave fetched itself
 * ({@link JwksFetcher}, pinned TLS); {@code iss} is the configured issuer, {@code aud} is (or
 * contains) its audience, {@code exp} is in the future and {@code nbf} (when present) in the past,
 * both with {@link #SKEW} of tolerance; {@code sub} names the user. Nothing else is trusted.
 *
 * <p>The JWKS is cached per issuer for {@link #CACHE_TTL} and fetched again sooner when a JWT
 * names a kid the cached set lacks (key rotation), at most once per {@link #REFETCH_INTERVAL}, so
 * a stream of JWTs with made-up kids cannot turn into a stream of fetches. When a fetch fails, a
 * cached key of the right kid is still used (until it is {@link #STALE_LIMIT} old).
 */
public final class JwtVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);

  /** Allowed clock difference for exp and nbf. */
  public static final Duration SKEW = Duration.ofSeconds(60);
  public static final Duration CACHE_TTL = Duration.ofMinutes(10);
  public static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
  public static final Duration STALE_LIMIT = Duration.ofHours(24);
  /** Longest accepted JWT. */
  public static final int MAX_JWT_CHARS = 16 * 1024;
  /** Longest accepted subject. */
  public static final int MAX_SUBJECT_CHARS = 256;

  private static final StrictJson.Limits LIMITS = new StrictJson.Limits(MAX_JWT_CHARS, 8, 2_000,
      4_096, 32);

  /** What a verified JWT says. */
  public record Claims(String issuer, String subject, long expiresAtMillis) {}

  private record Cached(Jwks jwks, long fetchedAt) {}

  private final JwksFetcher fetcher;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, Long> lastFetch = new ConcurrentHashMap<>();

  public JwtVerifier(JwksFetcher fetcher, Clock clock) {
    this.fetcher = fetcher;
    this.clock = clock;
  }

  /**
   * Verifies {@code jwt} as a token of {@code issuer}.
   *
   * @throws EnclaveException JWT_INVALID, JWT_EXPIRED, JWT_WRONG_ISSUER, JWT_WRONG_AUDIENCE,
   *     JWT_UNKNOWN_KEY or JWKS_UNAVAILABLE
   */
  public Claims verify(String jwt, JwtIssuer issuer) throws EnclaveException {
    if (jwt == null || jwt.isEmpty() || jwt.length() > MAX_JWT_CHARS) {
      throw invalid("the JWT is empty or too long");
    }
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      throw invalid("the JWT is not a compact JWS");
    }
    Map<String, Object> header = json(parts[0], "header");
    Map<String, Object> claims = json(parts[1], "payload");
    byte[] signature = b64(parts[2], "signature");
    if (!(header.get("alg") instanceof String alg) || !(alg.equals("ES256") || alg.equals("RS256"))) {
      throw invalid("the JWT's alg must be ES256 or RS256");
    }
    if (header.containsKey("crit")) {
      throw invalid("the JWT has critical header parameters");
    }
    if (!(header.get("kid") instanceof String kid) || kid.isEmpty() || kid.length() > 256) {
      throw invalid("the JWT names no kid");
    }
    // iss first: it decides whose keys to fetch (it is checked again, signed, below)
    if (!issuer.issuer().equals(claims.get("iss"))) {
      throw new EnclaveException(ErrorCode.JWT_WRONG_ISSUER,
          "the JWT's issuer is not the app's issuer");
    }
    Jwks.Key key = key(issuer, kid);
    if (!key.alg().equals(alg)) {
      throw invalid("the JWT's alg does not fit the key of its kid");
    }
    byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!verifies(key, signingInput, signature)) {
      throw invalid("the JWT's signature does not verify");
    }
    if (!audienceMatches(claims.get("aud"), issuer.audience())) {
      throw new EnclaveException(ErrorCode.JWT_WRONG_AUDIENCE,
          "the JWT's audience is not the configured one");
    }
    long now = clock.millis();
    long exp = seconds(claims.get("exp"), "exp");
    if (exp < 0) {
      throw invalid("the JWT has no exp");
    }
    if (now > Math.multiplyExact(exp, 1000L) + SKEW.toMillis()) {
      throw new EnclaveException(ErrorCode.JWT_EXPIRED, "the JWT has expired");
    }
    long nbf = seconds(claims.get("nbf"), "nbf");
    if (nbf >= 0 && now + SKEW.toMillis() < Math.multiplyExact(nbf, 1000L)) {
      throw new EnclaveException(ErrorCode.JWT_EXPIRED, "the JWT is not valid yet");
    }
    if (!(claims.get("sub") instanceof String sub) || sub.isEmpty()
        || sub.length() > MAX_SUBJECT_CHARS) {
      throw invalid("the JWT has no usable sub");
    }
    return new Claims(issuer.issuer(), sub, exp * 1000L);
  }

  private Jwks.Key key(JwtIssuer issuer, String kid) throws EnclaveException {
    long now = clock.millis();
    String name = issuer.issuer();
    Cached c = cache.get(name);
    boolean fresh = c != null && now - c.fetchedAt() < CACHE_TTL.toMillis();
    if (fresh && c.jwks().key(kid) != null) {
      return c.jwks().key(kid);
    }
    boolean mayFetch = !fresh
        || now - lastFetch.getOrDefault(name, Long.MIN_VALUE / 2) >= REFETCH_INTERVAL.toMillis();
    if (mayFetch) {
      lastFetch.put(name, now);
      try {
        Jwks fetched = Jwks.parse(fetcher.fetch(issuer));
        c = new Cached(fetched, now);
        cache.put(name, c);
      } catch (IOException | RuntimeException e) {
        LOG.warn("fetching the JWKS of a configured issuer failed ({})", e.getClass().getName());
        if (c != null && now - c.fetchedAt() < STALE_LIMIT.toMillis() && c.jwks().key(kid) != null) {
          return c.jwks().key(kid);
        }
        throw new EnclaveException(ErrorCode.JWKS_UNAVAILABLE,
            "the issuer's keys could not be fetched");
      }
    }
    Jwks.Key key = c == null ? null : c.jwks().key(kid);
    if (key == null) {
      throw new EnclaveException(ErrorCode.JWT_UNKNOWN_KEY, "the issuer has no key with the JWT's kid");
    }
    return key;
  }

  private static boolean verifies(Jwks.Key key, byte[] input, byte[] signature) {
    if (key instanceof Jwks.EcKey ec) {
      if (signature.length != 64) {
        return false;
      }
      return ec.key().verify(input, der(signature));
    }
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initVerify(((Jwks.RsaKey) key).key());
      s.update(input);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** JWS ES256's r || s as a DER ECDSA-Sig-Value. */
  static byte[] der(byte[] rs) {
    byte[] r = new BigInteger(1, java.util.Arrays.copyOfRange(rs, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, java.util.Arrays.copyOfRange(rs, 32, 64)).toByteArray();
    byte[] out = new byte[6 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + r.length + s.length);
    out[2] = 0x02;
    out[3] = (byte) r.length;
    System.arraycopy(r, 0, out, 4, r.length);
    out[4 + r.length] = 0x02;
    out[5 + r.length] = (byte) s.length;
    System.arraycopy(s, 0, out, 6 + r.length, s.length);
    return out;
  }

  private static boolean audienceMatches(Object aud, String expected) {
    if (aud instanceof String s) {
      return s.equals(expected);
    }
    if (aud instanceof List<?> list) {
      return list.contains(expected);
    }
    return false;
  }

  /** A NumericDate claim in seconds; -1 when absent. */
  private static long seconds(Object v, String name) throws EnclaveException {
    if (v == null) {
      return -1;
    }
    BigInteger n;
    if (v instanceof BigInteger i) {
      n = i;
    } else if (v instanceof java.math.BigDecimal d) {
      n = d.toBigInteger();
    } else {
      throw invalid("the JWT's " + name + " is not a number");
    }
    if (n.signum() < 0 || n.bitLength() > 40) {
      throw invalid("the JWT's " + name + " is out of range");
    }
    return n.longValueExact();
  }

  private static Map<String, Object> json(String part, String what) throws EnclaveException {
    try {
      return StrictJson.parseObject(b64(part, what), what, LIMITS);
    } catch (ChainFormatException e) {
      throw invalid("the JWT's " + what + " is not a JSON object");
    }
  }

  private static byte[] b64(String part, String what) throws EnclaveException {
    if (part.isEmpty() || part.indexOf('=') >= 0) {
      throw invalid("the JWT's " + what + " is not base64url");
    }
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw invalid("the JWT's " + what + " is not base64url");
    }
  }

  private static EnclaveException invalid(String detail) {
    return new EnclaveException(ErrorCode.JWT_INVALID, detail);
  }
}
