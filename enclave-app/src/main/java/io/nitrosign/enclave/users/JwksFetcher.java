package io.nitrosign.enclave.users;

import java.io.IOException;

/** Fetches an issuer's JSON Web Key Set (the raw document). */
@FunctionalInterface
public interface JwksFetcher {

  /**
   * The JWKS document of {@code issuer}.
   *
   * @throws IOException when it cannot be fetched (connection, TLS, HTTP status, size)
   */
  byte[] fetch(JwtIssuer issuer) throws IOException;
}
