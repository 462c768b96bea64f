package io.nitrosign.enclave.users;

import java.util.Map;
import java.util.Objects;

/**
 * The user-JWT configuration of an enclave: the issuers it accepts (by {@code iss}), from the
 * measured command line, and how it fetches their key sets. No issuers: AuthenticateUser is
 * refused and no user session can ever be minted.
 */
public record JwtSettings(Map<String, JwtIssuer> issuers, JwksFetcher fetcher) {

  public JwtSettings {
    issuers = Map.copyOf(issuers);
    Objects.requireNonNull(fetcher, "fetcher");
  }

  /** No issuers. */
  public static JwtSettings none() {
    return new JwtSettings(Map.of(), issuer -> {
      throw new java.io.IOException("no JWT issuers are configured");
    });
  }
}
