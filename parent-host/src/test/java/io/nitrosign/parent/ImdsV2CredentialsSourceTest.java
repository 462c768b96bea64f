package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nitrosign.parent.sealing.AwsCredentials;
import io.nitrosign.parent.sealing.ImdsV2CredentialsSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The IMDSv2 client against a local HTTP server that speaks the EC2 instance metadata protocol
 * (token with PUT, then role and credentials with the token header). EC2 itself cannot exist here;
 * this peer answers as IMDSv2 does and refuses requests without a valid session token.
 */
class ImdsV2CredentialsSourceTest {

  private static final String TOKEN = "AQAEAImdsSessionToken==";
  private HttpServer imds;
  private volatile boolean requireTokenTtl = true;

  @BeforeEach
  void start() throws IOException {
    imds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    imds.createContext("/latest/api/token", ex -> {
      if (!"PUT".equals(ex.getRequestMethod())
          || (requireTokenTtl && ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") == null)) {
        reply(ex, 400, "");
        return;
      }
      reply(ex, 200, TOKEN);
    });
    imds.createContext("/latest/meta-data/iam/security-credentials/", ex -> {
      if (!TOKEN.equals(ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
        reply(ex, 401, "");
        return;
      }
      String path = ex.getRequestURI().getPath();
      if (path.endsWith("/security-credentials/")) {
        reply(ex, 200, "nitrosign-parent-role");
      } else if (path.endsWith("/nitrosign-parent-role")) {
        reply(ex, 200, "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAEXAMPLE\","
            + "\"SecretAccessKey\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\",\"Token\":\"IQoJb3JpZ2luX2VjEXAMPLE\","
            + "\"Expiration\":\"2026-11-24T06:00:00Z\"}");
      } else {
        reply(ex, 404, "");
      }
    });
    imds.start();
  }

  @AfterEach
  void stop() {
    imds.stop(0);
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
    ex.close();
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + imds.getAddress().getPort());
  }

  @Test
  void fetchesTheRoleCredentialsWithASessionToken() throws IOException {
    AwsCredentials c = new ImdsV2CredentialsSource(base()).fetch();
    assertEquals("ASIAEXAMPLE", c.accessKeyId());
    assertEquals("IQoJb3JpZ2luX2VjEXAMPLE", c.sessionToken());
    assertEquals(Instant.parse("2026-11-24T06:00:00Z"), c.expiration());
    assertFalse(c.toString().contains("EXAMPLEKEY"), "the secret never prints");
  }

  @Test
  void failsCleanlyWhenTheServiceRefuses() {
    imds.removeContext("/latest/api/token");
    imds.createContext("/latest/api/token", ex -> reply(ex, 403, ""));
    IOException e = assertThrows(IOException.class, () -> new ImdsV2CredentialsSource(base()).fetch());
    assertEquals("IMDSv2 session token: HTTP 403", e.getMessage());
  }
}
