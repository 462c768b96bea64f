package io.nitrosign.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A minimal JSON-over-HTTP client for the end-to-end tests, speaking to the real parent host. */
final class Http {

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  Http(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** The base URL requests go to (a signed request's URL starts with it). */
  String baseUrl() {
    return baseUrl;
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  Reply get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(30)).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return send(b.build());
  }

  Reply post(String path, String authorization, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return send(b.build());
  }

  /**
   * A request with extra headers (e.g. privy-authorization-signature, privy-request-expiry);
   * {@code method} POST or PATCH or DELETE, body null for none.
   */
  Reply send(String method, String path, String authorization, String body,
      java.util.Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    headers.forEach(b::header);
    return send(b.build());
  }

  /**
   * {@code method path} with {@code body}, signed as Privy's SDK signs it by each of
   * {@code signers} (for app {@code appId}, expiring in 10 minutes).
   */
  Reply signed(String method, String path, String authorization, String appId, String body,
      io.nitrosign.authz.RequestSigner... signers) throws Exception {
    String expiry = Long.toString(System.currentTimeMillis() + 600_000);
    StringBuilder sigs = new StringBuilder();
    for (io.nitrosign.authz.RequestSigner s : signers) {
      sigs.append(sigs.length() == 0 ? "" : ",").append(
          s.signRequest(method, baseUrl + path, body == null ? "" : body, appId, null, expiry));
    }
    java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
    h.put("privy-app-id", appId);
    h.put("privy-request-expiry", expiry);
    if (sigs.length() > 0) {
      h.put("privy-authorization-signature", sigs.toString());
    }
    return send(method, path, authorization, body, h);
  }

  private Reply send(HttpRequest req) throws Exception {
    HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
    JsonNode body = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
    return new Reply(r.statusCode(), body, r);
  }
}
