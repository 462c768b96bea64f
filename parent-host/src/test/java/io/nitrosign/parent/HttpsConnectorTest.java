package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The parent host serving its API over TLS, as the Terraform deployment runs it (an https
 * connector with a PKCS12 keystore made on the instance; here made by keytool).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class HttpsConnectorTest {

  private static final String PASSWORD = "test-keystore-password";
  private static final Path KEYSTORE = keystore();
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, config());

  /** A self-signed EC certificate for 127.0.0.1, like the one user-data makes with openssl. */
  private static Path keystore() {
    try {
      Path dir = Files.createTempDirectory("nitrosign-tls");
      Path ks = dir.resolve("parent-host.p12");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "parent-host",
          "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=nitrosign-parent-host",
          "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
          "-keystore", ks.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException("keytool: " + out);
      }
      return ks;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static ParentHostConfiguration config() {
    ParentHostConfiguration c = TestApp.config(TestPostgres.newDatabase());
    HttpsConnectorFactory https = new HttpsConnectorFactory();
    https.setBindHost("127.0.0.1");
    https.setPort(0);
    https.setKeyStorePath(KEYSTORE.toString());
    https.setKeyStorePassword(PASSWORD);
    https.setKeyStoreType("PKCS12");
    ((DefaultServerFactory) c.getServerFactory()).setApplicationConnectors(List.of(https));
    return c;
  }

  /** A client that trusts exactly the test certificate (and checks the host name). */
  private static HttpClient trustingClient() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(KEYSTORE)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("parent-host", ks.getCertificate("parent-host"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).build();
  }

  @Test
  void theApiAnswersOverTlsWithTheConfiguredCertificate() throws Exception {
    HttpClient client = trustingClient();
    String base = "https://127.0.0.1:" + APP.getLocalPort();
    HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/health"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(503, health.statusCode(), "no enclave: unhealthy, but answered over TLS");
    assertEquals("{\"healthy\":false}", health.body());
    HttpResponse<String> wallets = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/wallets"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, wallets.statusCode(), "the API itself, behind its Basic authentication");
    assertEquals("https", health.uri().getScheme());
    assertTrue(health.sslSession().isPresent(), "a TLS session carried the request");
  }

  @Test
  void plainHttpToTheTlsPortGetsNoApiResponse() throws Exception {
    HttpClient plain = HttpClient.newHttpClient();
    HttpRequest r = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/v1/wallets")).build();
    try {
      HttpResponse<String> response = plain.send(r, HttpResponse.BodyHandlers.ofString());
      // Jetty answers a plaintext request on a TLS port with 400, never with the API
      assertEquals(400, response.statusCode(), response.body());
    } catch (IOException refused) {
      // or closes the connection
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() {
    HttpClient untrusting = HttpClient.newHttpClient();
    assertThrows(IOException.class, () -> untrusting.send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + APP.getLocalPort() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString()));
  }
}
