package io.nitrosign.enclave.users;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.nitrosign.enclave.kms.TlsTestCa;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * TEST ONLY: a JWT issuer with an ES256 key ({@code kid "es-1"}) and an RS256 key
 * ({@code kid "rs-1"}), whose JWKS an HTTPS server on 127.0.0.1 serves with a certificate from
 * its own throw-away CA, and which mints JWTs (JDK crypto, independent of the enclave's verifier).
 */
public final class TestIssuer implements AutoCloseable {

  public static final String AUDIENCE = "nitrosign-test";

  public final String issuer;
  public final KeyPair ec;
  public final KeyPair rsa;
  public final TlsTestCa ca;
  private final HttpsServer server;
  public final AtomicInteger fetches = new AtomicInteger();
  public volatile String jwks;

  public TestIssuer(String issuer) throws Exception {
    this.issuer = issuer;
    KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
    e.initialize(256);
    ec = e.generateKeyPair();
    KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
    r.initialize(2048);
    rsa = r.generateKeyPair();
    jwks = jwksOf(ec, rsa);
    ca = new TlsTestCa("test jwt issuer ca");
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext()));
    server.createContext("/jwks.json", x -> {
      fetches.incrementAndGet();
      byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    server.start();
  }

  /** This issuer as the enclave is configured with it (direct TLS, no proxy). */
  public JwtIssuer config() {
    return new JwtIssuer(issuer, AUDIENCE,
        URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json"),
        Optional.empty());
  }

  /** A fetcher that trusts only this issuer's CA. */
  public JwksFetcher fetcher() {
    return fetcher(ca);
  }

  public static JwksFetcher fetcher(TlsTestCa trusted) {
    SSLContext tls = io.nitrosign.enclave.kms.PinnedTrust.of(
        java.util.List.of(trusted.certificate())).sslContext(new java.security.SecureRandom());
    return new TlsJwksFetcher(tls);
  }

  public static String jwksOf(KeyPair ec, KeyPair rsa) {
    ECPublicKey p = (ECPublicKey) ec.getPublic();
    RSAPublicKey r = (RSAPublicKey) rsa.getPublic();
    return "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"sig\",\"alg\":\"ES256\","
        + "\"kid\":\"es-1\",\"x\":\"" + b64(fixed(p.getW().getAffineX())) + "\",\"y\":\""
        + b64(fixed(p.getW().getAffineY())) + "\"},{\"kty\":\"RSA\",\"alg\":\"RS256\","
        + "\"kid\":\"rs-1\",\"n\":\"" + b64(unsigned(r.getModulus())) + "\",\"e\":\""
        + b64(unsigned(r.getPublicExponent())) + "\"}]}";
  }

  /** An ES256 JWT for {@code sub}, valid for the next 10 minutes. */
  public String es256(String sub) {
    long now = System.currentTimeMillis() / 1000;
    return mint("ES256", "es-1", ec, claims(issuer, AUDIENCE, sub, now + 600));
  }

  public String rs256(String sub) {
    long now = System.currentTimeMillis() / 1000;
    return mint("RS256", "rs-1", rsa, claims(issuer, AUDIENCE, sub, now + 600));
  }

  public static String claims(String iss, String aud, String sub, long exp) {
    return "{\"iss\":\"" + iss + "\",\"aud\":\"" + aud + "\",\"sub\":\"" + sub + "\",\"iat\":"
        + (System.currentTimeMillis() / 1000) + ",\"exp\":" + exp + "}";
  }

  /** A JWT with these claims, signed by {@code key} under {@code alg} and {@code kid}. */
  public static String mint(String alg, String kid, KeyPair key, String claimsJson) {
    String header = b64(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}")
        .getBytes(StandardCharsets.UTF_8));
    String payload = b64(claimsJson.getBytes(StandardCharsets.UTF_8));
    byte[] input = (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
    try {
      Signature s = Signature.getInstance(alg.equals("ES256") ? "SHA256withECDSAinP1363Format"
          : "SHA256withRSA");
      s.initSign(key.getPrivate());
      s.update(input);
      return header + "." + payload + "." + b64(s.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] fixed(BigInteger v) {
    byte[] raw = unsigned(v);
    byte[] out = new byte[32];
    System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
    return out;
  }

  private static byte[] unsigned(BigInteger v) {
    byte[] b = v.toByteArray();
    return b[0] == 0 && b.length > 1 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
