package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a script of devkit/src/test/node (Privy's Node SDK) against the shared stack, as the
 * SDK end-to-end tests run them: the app's id and secret go by environment (not argv, which
 * process listings show), the secret must never be printed, and each step of the script prints
 * one JSON line {@code {"step": ...}}, kept here by name in the order printed.
 */
final class NodeScript {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String output;
  private final int exitCode;
  private final Map<String, JsonNode> steps;

  private NodeScript(String output, int exitCode, Map<String, JsonNode> steps) {
    this.output = output;
    this.exitCode = exitCode;
    this.steps = Collections.unmodifiableMap(steps);
  }

  /** Runs {@code script} against {@code shared}'s stack; fails when Node cannot run it. */
  static NodeScript run(SharedStack shared, String script) throws Exception {
    return run(shared.baseUrl(), shared.appId(), shared.appSecret(), script, Map.of());
  }

  /**
   * Runs {@code script} against {@code shared}'s stack as the app {@code appId} (another app of
   * the stack, e.g. one that may export), with {@code secrets} added to its environment: each is
   * a secret like the app's, and must never be printed.
   */
  static NodeScript runWithSecrets(SharedStack shared, String script, String appId,
      String appSecret, Map<String, String> secrets) throws Exception {
    NodeScript run = run(shared.baseUrl(), appId, appSecret, script, secrets);
    for (Map.Entry<String, String> secret : secrets.entrySet()) {
      assertFalse(run.output().contains(secret.getValue().strip()),
          () -> secret.getKey() + " must never be printed");
    }
    return run;
  }

  /**
   * As {@link #run(SharedStack, String)}, as the app {@code appId} / {@code appSecret}, with
   * {@code env} added to the script's environment: values that are secrets like the app's (e.g. a
   * second app's credentials), so none of them may be printed either.
   */
  static NodeScript run(SharedStack shared, String script, String appId, String appSecret,
      Map<String, String> env) throws Exception {
    return runWithSecrets(shared, script, appId, appSecret, env);
  }

  /**
   * Runs {@code script} against the stack at {@code baseUrl} as app {@code appId}, with
   * {@code env} added to its environment (e.g. where it keeps state between two runs).
   */
  static NodeScript run(String baseUrl, String appId, String appSecret, String script,
      Map<String, String> env) throws Exception {
    assertTrue(IndependentVerifier.available(),
        () -> "Privy's Node SDK cannot be run, so this test cannot check anything: "
            + IndependentVerifier.problem()
            + "\n(install Node.js 20+ and npm; the test runs `npm ci` in devkit/src/test/node)");
    ProcessBuilder pb = new ProcessBuilder("node", script, baseUrl)
        .directory(IndependentVerifier.DIR.toFile()).redirectErrorStream(true);
    pb.environment().put("PRIVY_APP_ID", appId);
    pb.environment().put("PRIVY_APP_SECRET", appSecret);
    pb.environment().remove("PRIVY_API_BASE_URL");
    pb.environment().putAll(env);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), script + " did not finish");
    Map<String, JsonNode> steps = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("{\"step\":")) {
        JsonNode n = JSON.readTree(line);
        steps.put(n.get("step").asText(), n);
      }
    }
    assertFalse(output.contains(appSecret), "the app secret must never be printed");
    return new NodeScript(output, p.exitValue(), steps);
  }

  /** Everything the script printed (stdout and stderr). */
  String output() {
    return output;
  }

  int exitCode() {
    return exitCode;
  }

  /** The result lines by step name, in the order printed. */
  Map<String, JsonNode> steps() {
    return steps;
  }

  /** The result line of {@code name}; fails when the step is missing or failed unexpectedly. */
  JsonNode step(String name) {
    JsonNode n = steps.get(name);
    assertNotNull(n, () -> "no result line for " + name + "; script output:\n" + output);
    assertFalse(n.has("unexpected"), () -> name + " failed: " + n.get("unexpected").asText());
    return n;
  }
}
