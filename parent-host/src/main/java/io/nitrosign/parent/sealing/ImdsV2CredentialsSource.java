package io.nitrosign.parent.sealing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * The instance role's credentials from the EC2 instance metadata service, IMDSv2 only: a session
 * token from {@code PUT /latest/api/token}, then the role name and its credentials from
 * {@code /latest/meta-data/iam/security-credentials/}. IMDSv1 (no token) is never used.
 */
public final class ImdsV2CredentialsSource implements AwsCredentialsSource {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final ObjectMapper json = new ObjectMapper();

  /** @param base normally {@code http://169.254.169.254} */
  public ImdsV2CredentialsSource(URI base) {
    this.base = base;
  }

  @Override
  public AwsCredentials fetch() throws IOException {
    try {
      HttpResponse<String> token = http.send(HttpRequest.newBuilder(base.resolve("/latest/api/token"))
          .timeout(TIMEOUT).header("X-aws-ec2-metadata-token-ttl-seconds", "21600")
          .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      require(token, "session token");
      String t = token.body().trim();
      String path = "/latest/meta-data/iam/security-credentials/";
      HttpResponse<String> roles = http.send(get(path, t), HttpResponse.BodyHandlers.ofString());
      require(roles, "role name");
      String role = roles.body().trim().split("\n")[0].trim();
      if (!role.matches("[\\w+=,.@-]{1,128}")) {
        throw new IOException("IMDS returned an invalid role name");
      }
      HttpResponse<String> creds = http.send(get(path + role, t),
          HttpResponse.BodyHandlers.ofString());
      require(creds, "credentials");
      JsonNode n = json.readTree(creds.body());
      String id = text(n, "AccessKeyId");
      String secret = text(n, "SecretAccessKey");
      String session = text(n, "Token");
      Instant expiration = Instant.parse(text(n, "Expiration"));
      return new AwsCredentials(id, secret, session, expiration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (java.time.format.DateTimeParseException e) {
      throw new IOException("IMDS returned an invalid expiration");
    }
  }

  private HttpRequest get(String path, String token) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
        .header("X-aws-ec2-metadata-token", token).GET().build();
  }

  private static void require(HttpResponse<String> r, String what) throws IOException {
    if (r.statusCode() != 200 || r.body() == null || r.body().isBlank()) {
      throw new IOException("IMDSv2 " + what + ": HTTP " + r.statusCode());
    }
  }

  private static String text(JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new IOException("IMDS credentials lack " + field);
    }
    return v.asText();
  }
}
