package io.nitrosign.enclave.users;

import io.nitrosign.enclave.kms.KmsEndpointConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One JWT issuer the enclave accepts user JWTs from, as the enclave's command line names it
 * ({@code --jwt-issuer issuer=URL,audience=AUD,jwks=https://HOST[:PORT]/PATH[,proxy=CID:PORT]}).
 * Being on the command line makes it part of the measured image, like {@code --public-base-url}:
 * the parent cannot point the enclave at a JWKS it controls.
 *
 * @param issuer the exact {@code iss} the JWTs carry
 * @param audience the value {@code aud} must be or contain
 * @param jwks where the issuer's JSON Web Key Set is fetched from; always https (TLS terminates in
 *     the enclave and the server must chain to a pinned root, {@code --jwt-trust-roots})
 * @param proxy when set, the JWKS host is reached through the parent's vsock-proxy at this CID
 *     and port (production); when empty, over a direct TCP connection (local mode)
 */
public record JwtIssuer(String issuer, String audience, URI jwks,
    Optional<KmsEndpointConfig.VsockProxy> proxy) {

  /** Longest issuer or audience. */
  public static final int MAX_CHARS = 512;

  public JwtIssuer {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(jwks, "jwks");
    Objects.requireNonNull(proxy, "proxy");
    if (issuer.isEmpty() || issuer.length() > MAX_CHARS) {
      throw new IllegalArgumentException("issuer must be 1 to " + MAX_CHARS + " characters");
    }
    if (audience.isEmpty() || audience.length() > MAX_CHARS) {
      throw new IllegalArgumentException("audience must be 1 to " + MAX_CHARS + " characters");
    }
    if (!"https".equals(jwks.getScheme()) || jwks.getHost() == null || jwks.getRawQuery() != null
        || jwks.getRawFragment() != null || jwks.getRawUserInfo() != null) {
      throw new IllegalArgumentException("jwks must be an https URL with a host and no query");
    }
  }

  /** The JWKS host, lower case. */
  public String host() {
    return jwks.getHost().toLowerCase(Locale.ROOT);
  }

  /** The JWKS port (443 when the URL names none). */
  public int port() {
    return jwks.getPort() > 0 ? jwks.getPort() : 443;
  }

  /** The request target: the path (at least "/"). */
  public String path() {
    String p = jwks.getRawPath();
    return p == null || p.isEmpty() ? "/" : p;
  }

  /**
   * Parses {@code issuer=URL,audience=AUD,jwks=URL[,proxy=CID:PORT]}; values may not contain
   * commas.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static JwtIssuer parse(String spec) {
    String issuer = null;
    String audience = null;
    String jwks = null;
    String proxy = null;
    for (String part : spec.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value pairs separated by commas");
      }
      String key = part.substring(0, eq);
      String value = part.substring(eq + 1);
      switch (key) {
        case "issuer" -> issuer = once(issuer, value, key);
        case "audience" -> audience = once(audience, value, key);
        case "jwks" -> jwks = once(jwks, value, key);
        case "proxy" -> proxy = once(proxy, value, key);
        default -> throw new IllegalArgumentException("unknown key " + key);
      }
    }
    if (issuer == null || audience == null || jwks == null) {
      throw new IllegalArgumentException("issuer, audience and jwks are required");
    }
    URI uri;
    try {
      uri = new URI(jwks);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("jwks is not a URL");
    }
    return new JwtIssuer(issuer, audience, uri,
        Optional.ofNullable(proxy).map(KmsEndpointConfig.VsockProxy::parse));
  }

  private static String once(String previous, String value, String key) {
    if (previous != null) {
      throw new IllegalArgumentException(key + " given twice");
    }
    return value;
  }
}
