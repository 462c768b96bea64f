package io.nitrosign.devkit.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.kms.PinnedTrust;
import io.nitrosign.enclave.users.JwksFetcher;
import io.nitrosign.enclave.users.JwtIssuer;
import io.nitrosign.enclave.users.JwtVerifier;
import io.nitrosign.enclave.users.TlsJwksFetcher;
import io.nitrosign.proto.v1.ErrorCode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The devkit JWT issuer checked by the enclave's own code: its JWKS is fetched from its HTTPS
 * server by the enclave's {@link TlsJwksFetcher} trusting only the issuer's CA, and the JWTs it
 * mints go through the enclave's {@link JwtVerifier}. Also: its state persists, its secrets are
 * 0600, and a half-made directory is refused.
 */
class DevIssuerTest {

  @TempDir
  Path home;

  private static JwtVerifier verifierTrusting(java.security.cert.X509Certificate root) {
    JwksFetcher fetcher = new TlsJwksFetcher(
        PinnedTrust.of(List.of(root)).sslContext(new SecureRandom()));
    return new JwtVerifier(fetcher, Clock.systemUTC());
  }

  private static JwtIssuer config(DevIssuerServer server) {
    return new JwtIssuer(DevIssuer.ISSUER, DevIssuer.AUDIENCE,
        URI.create(DevIssuerServer.jwksUrl(server.port())), Optional.empty());
  }

  @Test
  void itsJwtsVerifyInTheEnclavesVerifierWithTheJwksFetchedOverPinnedTls() throws Exception {
    DevIssuer issuer = DevIssuer.loadOrCreate(home.resolve("jwt"));
    try (DevIssuerServer server = DevIssuerServer.start(issuer, 0)) {
      JwtVerifier verifier = verifierTrusting(issuer.caCertificate());
      JwtIssuer config = config(server);
      for (DevIssuer.Alg alg : DevIssuer.Alg.values()) {
        JwtVerifier.Claims c = verifier.verify(
            issuer.mint("user-" + alg, Duration.ofMinutes(5), alg), config);
        assertEquals("user-" + alg, c.subject());
        assertEquals(DevIssuer.ISSUER, c.issuer());
      }
      assertEquals(1, server.jwksServed(), "one fetch, then the enclave's cache");

      EnclaveException expired = assertThrows(EnclaveException.class, () -> verifier.verify(
          issuer.mint("late", Duration.ofMinutes(-5), DevIssuer.Alg.ES256), config));
      assertEquals(ErrorCode.JWT_EXPIRED, expired.code());

      KeyPair stranger = DevIssuer.generate(DevIssuer.Alg.RS256);
      Map<String, Object> claims = new LinkedHashMap<>();
      claims.put("iss", DevIssuer.ISSUER);
      claims.put("aud", DevIssuer.AUDIENCE);
      claims.put("sub", "someone");
      claims.put("exp", Instant.now().getEpochSecond() + 300);
      EnclaveException forged = assertThrows(EnclaveException.class, () -> verifier.verify(
          DevIssuer.sign(DevIssuer.Alg.RS256, issuer.kid(DevIssuer.Alg.RS256),
              stranger.getPrivate(), claims), config));
      assertEquals(ErrorCode.JWT_INVALID, forged.code());
    }
  }

  @Test
  void aServerTheEnclaveDoesNotTrustIsNeverAskedForKeysThatCount() throws Exception {
    DevIssuer issuer = DevIssuer.loadOrCreate(home.resolve("jwt"));
    DevIssuer other = DevIssuer.loadOrCreate(home.resolve("other"));
    try (DevIssuerServer server = DevIssuerServer.start(issuer, 0)) {
      // the enclave pinned another CA: TLS fails, so no key is ever fetched
      EnclaveException e = assertThrows(EnclaveException.class, () ->
          verifierTrusting(other.caCertificate()).verify(
              issuer.mint("u", Duration.ofMinutes(5), DevIssuer.Alg.ES256), config(server)));
      assertEquals(ErrorCode.JWKS_UNAVAILABLE, e.code());
      assertEquals(0, server.jwksServed());
    }
  }

  @Test
  void itsKeysAndCertificatesPersistAndItsSecretsAreOwnerOnly() throws Exception {
    Path dir = home.resolve("jwt");
    DevIssuer first = DevIssuer.loadOrCreate(dir);
    DevIssuer again = DevIssuer.loadOrCreate(dir);
    for (DevIssuer.Alg alg : DevIssuer.Alg.values()) {
      assertEquals(first.kid(alg), again.kid(alg));
    }
    assertNotEquals(first.kid(DevIssuer.Alg.ES256), first.kid(DevIssuer.Alg.RS256));
    assertEquals(first.caCertificate(), again.caCertificate());
    assertEquals(first.jwks(), again.jwks());
    for (String secret : List.of("ca.key", "server.key", "es256.key", "rs256.key")) {
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve(secret))), secret);
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertTrue(!first.jwks().contains("\"d\""), "the JWKS has no private parts");
    // a JWT minted before a restart verifies after it
    String jwt = first.mint("kept", Duration.ofMinutes(5), DevIssuer.Alg.RS256);
    try (DevIssuerServer server = DevIssuerServer.start(DevIssuer.load(dir), 0)) {
      assertEquals("kept", verifierTrusting(again.caCertificate()).verify(jwt, config(server))
          .subject());
    }
  }

  @Test
  void halfAnIssuerIsRefusedRatherThanReplaced() throws Exception {
    Path dir = home.resolve("jwt");
    DevIssuer.loadOrCreate(dir);
    Files.delete(dir.resolve("rs256.key"));
    java.io.IOException e = assertThrows(java.io.IOException.class,
        () -> DevIssuer.loadOrCreate(dir));
    assertTrue(e.getMessage().contains("half a devkit JWT issuer"), e.getMessage());
  }
}
