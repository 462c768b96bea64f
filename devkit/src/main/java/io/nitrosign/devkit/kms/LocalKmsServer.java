package io.nitrosign.devkit.kms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local KMS's HTTP front: the AWS JSON 1.1 protocol on {@code POST /} ({@code Content-Type:
 * application/x-amz-json-1.1}, {@code X-Amz-Target: TrentService.<Operation>}, SigV4-signed), and
 * {@code GET /status} (call counts and the key list, never key material). Listens on 127.0.0.1
 * only.
 *
 * <p>Errors are answered as AWS does: HTTP 400 (500 for internal errors) with {@code
 * {"__type":"<ErrorType>","message":"..."}} and the header {@code x-amzn-ErrorType}. Every call is
 * logged on one line (operation, key id, outcome, reason); bodies, blobs and key material never
 * are.
 */
public final class LocalKmsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalKmsServer.class);
  private static final String JSON_11 = "application/x-amz-json-1.1";
  private static final String TARGET_PREFIX = "TrentService.";
  private static final int MAX_BODY = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalKms kms;
  private final SigV4Verifier sigv4;
  private final Clock clock;
  private final CallStats stats = new CallStats();
  private final HttpServer server;
  private final ExecutorService executor;

  private LocalKmsServer(LocalKms kms, SigV4Verifier sigv4, Clock clock, int port)
      throws IOException {
    this.kms = kms;
    this.sigv4 = sigv4;
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        64);
    this.executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "local-kms");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::exchange);
  }

  /**
   * Starts a server on 127.0.0.1:{@code port} (0 picks a free port) that accepts requests signed
   * with the given static credentials for {@code region}.
   */
  public static LocalKmsServer start(LocalKms kms, String accessKeyId, String secretAccessKey,
      int port, Clock clock) throws IOException {
    LocalKmsServer s = new LocalKmsServer(kms,
        new SigV4Verifier(accessKeyId, secretAccessKey, kms.keys().region()), clock, port);
    s.server.start();
    LOG.info("local KMS listening on http://127.0.0.1:{} (region {}, {} keys)", s.port(),
        kms.keys().region(), kms.keys().all().size());
    return s;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  public CallStats stats() {
    return stats;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void exchange(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      if (method.equals("GET") && path.equals("/status")) {
        send(ex, 200, "application/json", status(), null);
      } else if (method.equals("POST") && path.equals("/")) {
        kmsCall(ex);
      } else {
        send(ex, 404, "application/json", "{\"message\":\"not found\"}".getBytes(
            StandardCharsets.UTF_8), null);
      }
    } catch (RuntimeException | IOException e) {
      LOG.warn("local KMS: request failed: {}", e.getClass().getSimpleName());
    }
  }

  private void kmsCall(HttpExchange ex) throws IOException {
    Map<String, List<String>> headers = lowercase(ex);
    String target = first(headers, "x-amz-target");
    String operation = target != null && target.startsWith(TARGET_PREFIX)
        ? target.substring(TARGET_PREFIX.length()) : "unknown";
    LocalKms.CallRecord call = new LocalKms.CallRecord();
    byte[] response;
    try {
      byte[] body = readBody(ex.getRequestBody());
      sigv4.verify(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
          ex.getRequestURI().getRawQuery(), headers, body, clock.instant());
      String contentType = first(headers, "content-type");
      if (contentType == null
          || !contentType.toLowerCase(Locale.ROOT).startsWith(JSON_11)) {
        throw KmsError.serialization("Content-Type must be " + JSON_11 + ".");
      }
      if (target == null || !target.startsWith(TARGET_PREFIX)) {
        throw new KmsError(400, "UnknownOperationException", "X-Amz-Target must be "
            + TARGET_PREFIX + "<Operation>.");
      }
      JsonNode request;
      try {
        request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
      } catch (JsonProcessingException e) {
        throw KmsError.serialization("The request body is not valid JSON.");
      }
      ObjectNode result = kms.handle(operation, request, call);
      response = JSON.writeValueAsBytes(result);
    } catch (KmsError e) {
      String outcome = e.type().equals("AccessDeniedException") ? CallStats.DENIED
          : CallStats.ERROR;
      stats.record(operation, outcome);
      log(operation, call, outcome, e.type() + (call.decision().isEmpty() ? ""
          : " (" + call.decision() + ")"));
      ObjectNode err = JSON.createObjectNode();
      err.put("__type", e.type());
      err.put("message", e.getMessage());
      send(ex, e.status(), JSON_11, JSON.writeValueAsBytes(err), e.type());
      return;
    } catch (RuntimeException e) {
      stats.record(operation, CallStats.ERROR);
      log(operation, call, CallStats.ERROR, "internal error " + e.getClass().getSimpleName());
      send(ex, 500, JSON_11, ("{\"__type\":\"KMSInternalException\",\"message\":\"internal "
          + "error\"}").getBytes(StandardCharsets.UTF_8), "KMSInternalException");
      return;
    }
    stats.record(operation, CallStats.ALLOWED);
    log(operation, call, CallStats.ALLOWED, call.decision());
    send(ex, 200, JSON_11, response, null);
  }

  private static void log(String operation, LocalKms.CallRecord call, String outcome,
      String detail) {
    LOG.info("kms op={} key={} recipient={} outcome={} {}", operation, call.keyId(),
        call.recipient() ? "yes" : "no", outcome, detail);
  }

  private byte[] status() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode calls = root.putObject("calls");
    stats.snapshot().forEach((op, row) -> {
      ObjectNode n = calls.putObject(op);
      row.forEach(n::put);
    });
    ArrayNode keys = root.putArray("keys");
    for (KmsKey k : kms.keys().all()) {
      ObjectNode n = keys.addObject();
      n.put("KeyId", k.id());
      n.put("Arn", k.arn());
      n.put("Description", k.description());
      if (k.role() != null) {
        n.put("Role", k.role());
      }
      n.put("CreationDate", k.creationDate().getEpochSecond());
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }

  private static Map<String, List<String>> lowercase(HttpExchange ex) {
    Map<String, List<String>> out = new TreeMap<>();
    ex.getRequestHeaders().forEach((k, v) ->
        out.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
    return out;
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      throw KmsError.validation("The request body is larger than " + MAX_BODY + " bytes.");
    }
    return body;
  }

  private static void send(HttpExchange ex, int status, String contentType, byte[] body,
      String errorType) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    if (errorType != null) {
      ex.getResponseHeaders().set("x-amzn-ErrorType", errorType);
    }
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
