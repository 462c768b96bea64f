package io.nitrosign.devkit.jwt;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LOCAL MODE ONLY: serves a {@link DevIssuer}'s JWKS over HTTPS on 127.0.0.1, with the issuer's own
 * server certificate, as an identity provider serves its keys: {@code GET}
 * {@value DevIssuer#JWKS_PATH} (the JWKS) and {@value DevIssuer#DISCOVERY_PATH} ({@code issuer}
 * and {@code jwks_uri}). Anything else is 404, other methods 405. The enclave fetches the JWKS
 * itself, over TLS it terminates, trusting only the issuer's CA ({@code --jwt-trust-roots}).
 * Each request is logged on one line (method, path, status); there is nothing secret to log.
 */
public final class DevIssuerServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DevIssuerServer.class);

  private final HttpsServer server;
  private final AtomicLong jwksServed = new AtomicLong();

  private DevIssuerServer(HttpsServer server) {
    this.server = server;
  }

  /** Starts serving {@code issuer} on 127.0.0.1:{@code port} (0 picks a free port). */
  public static DevIssuerServer start(DevIssuer issuer, int port)
      throws IOException, GeneralSecurityException {
    HttpsServer server = HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(issuer.serverContext()));
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "jwt-issuer");
      t.setDaemon(true);
      return t;
    }));
    DevIssuerServer s = new DevIssuerServer(server);
    byte[] jwks = issuer.jwks().getBytes(StandardCharsets.UTF_8);
    int actualPort = server.getAddress().getPort();
    byte[] discovery = ("{\"issuer\":" + DevIssuer.quote(DevIssuer.ISSUER) + ",\"jwks_uri\":"
        + DevIssuer.quote(jwksUrl(actualPort)) + ",\"id_token_signing_alg_values_supported\":"
        + "[\"ES256\",\"RS256\"]}").getBytes(StandardCharsets.UTF_8);
    server.createContext("/", x -> {
      try (x) {
        String path = x.getRequestURI().getRawPath();
        int status;
        if (!x.getRequestMethod().equals("GET")) {
          status = reply(x, 405, "{\"error\":\"method not allowed\"}".getBytes(
              StandardCharsets.UTF_8));
        } else if (path.equals(DevIssuer.JWKS_PATH)) {
          s.jwksServed.incrementAndGet();
          status = reply(x, 200, jwks);
        } else if (path.equals(DevIssuer.DISCOVERY_PATH)) {
          status = reply(x, 200, discovery);
        } else {
          status = reply(x, 404, "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
        }
        LOG.info("{} {} {}", x.getRequestMethod(), path, status);
      }
    });
    server.start();
    return s;
  }

  /** Where a server on {@code port} publishes the JWKS. */
  public static String jwksUrl(int port) {
    return "https://127.0.0.1:" + port + DevIssuer.JWKS_PATH;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** How many times the JWKS was served. */
  public long jwksServed() {
    return jwksServed.get();
  }

  private static int reply(HttpExchange x, int status, byte[] body) throws IOException {
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.getResponseHeaders().set("Cache-Control", "max-age=300");
    x.sendResponseHeaders(status, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
    return status;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
