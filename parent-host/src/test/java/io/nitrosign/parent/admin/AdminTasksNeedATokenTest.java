package io.nitrosign.parent.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.nitrosign.parent.ParentHostApplication;
import io.nitrosign.parent.ParentHostConfiguration;
import io.nitrosign.parent.TestApp;
import io.nitrosign.parent.TestPostgres;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin port with the real application: loopback only, tasks need the bearer token. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AdminTasksNeedATokenTest {

  static final String TOKEN = "test-admin-token-0123456789abcdef-0123456789";
  private static final DropwizardAppExtension<ParentHostConfiguration> APP =
      new DropwizardAppExtension<>(ParentHostApplication.class, config(TOKEN));
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The test configuration, with an admin connector that names no bindHost. */
  static ParentHostConfiguration config(String token) {
    ParentHostConfiguration c = TestApp.config(TestPostgres.newDatabase());
    HttpConnectorFactory admin = new HttpConnectorFactory();
    admin.setPort(0);
    ((DefaultServerFactory) c.getServerFactory()).setAdminConnectors(List.of(admin));
    c.getAdmin().setTaskToken(token);
    return c;
  }

  private static HttpResponse<String> post(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + APP.getAdminPort() + path))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anAdminConnectorWithoutABindHostListensOnLoopbackOnly() {
    ServerConnector admin = Arrays.stream(
            APP.getEnvironment().getAdminContext().getServer().getConnectors())
        .map(ServerConnector.class::cast)
        .filter(c -> c.getLocalPort() == APP.getAdminPort())
        .findFirst().orElseThrow();
    assertEquals("127.0.0.1", admin.getHost());
  }

  @Test
  void aTaskWithoutATokenIsUnauthorizedAndDoesNotRun() throws Exception {
    HttpResponse<String> r = post("/tasks/rotate-sealing-keys", null);
    assertEquals(401, r.statusCode(), r.body());
    assertFalse(r.body().contains("version"), r.body());
  }

  @Test
  void aTaskWithAWrongTokenIsUnauthorized() throws Exception {
    assertEquals(401, post("/tasks/reseal-wallets", "Bearer " + TOKEN.substring(1) + "x").statusCode());
    assertEquals(401, post("/tasks/reseal-wallets", "Basic " + TOKEN).statusCode());
    assertEquals(401, post("/tasks/reseal-wallets", "Bearer ").statusCode());
  }

  @Test
  void aTaskWithTheRightTokenRuns() throws Exception {
    // No enclave listens: the task runs and reports the enclave's absence.
    HttpResponse<String> r = post("/tasks/rotate-sealing-keys", "Bearer " + TOKEN);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("{\"error\":") || r.body().startsWith("{\"version\":"), r.body());
  }

  @Test
  void healthAndPingStayOpenOnTheAdminPort() throws Exception {
    String admin = "http://127.0.0.1:" + APP.getAdminPort();
    assertEquals("pong", get(admin + "/ping").body().strip());
    // unhealthy (no enclave) but answered without a token
    int status = get(admin + "/healthcheck").statusCode();
    assertTrue(status == 200 || status == 500, "status " + status);
  }

  @Test
  void theLoadBalancerHealthEndpointOnTheApiPortAnswersWithoutCredentials() throws Exception {
    HttpResponse<String> r = get("http://127.0.0.1:" + APP.getLocalPort() + "/health");
    assertEquals(503, r.statusCode(), "no enclave listens: unhealthy; " + r.body());
    assertEquals("{\"healthy\":false}", r.body());
  }

  @Test
  void theAdminPortIsNotReachableOnAnotherInterface() throws Exception {
    for (InetAddress a : InetAddress.getAllByName(InetAddress.getLocalHost().getHostName())) {
      if (!a.isLoopbackAddress()) {
        try (java.net.Socket s = new java.net.Socket()) {
          s.connect(new java.net.InetSocketAddress(a, APP.getAdminPort()), 500);
          throw new AssertionError("admin port answered on " + a);
        } catch (java.io.IOException expected) {
          // refused: bound to 127.0.0.1 only
        }
      }
    }
  }
}
