package io.nitrosign.devkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One whole local stack (PostgreSQL, the enclave JVM, the parent host: separate processes, as
 * {@code ./appliance local up} runs them) shared by the end-to-end classes that only create
 * wallets, import keys and sign: each of them isolates its data by wallet id. It is started by the
 * first class that asks and stopped when the test JVM exits. Classes that stop or restart parts of
 * a stack ({@link LocalStackEndToEndTest}) start their own.
 */
final class SharedStack {

  private static SharedStack instance;

  private final Path home;
  private final LocalStack stack;
  private final Http http;
  private final String auth;
  private final String appId;
  private final String appSecret;
  private final String baseUrl;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  private SharedStack() throws Exception {
    home = Files.createTempDirectory("nitrosign-shared-e2e");
    stack = new LocalStack(TestStacks.settings(home),
        new PrintStream(log, true, StandardCharsets.UTF_8));
    Map<String, String> env = stack.up();
    appId = env.get("APP_ID");
    appSecret = env.get("APP_SECRET");
    baseUrl = env.get("BASE_URL");
    auth = Http.basic(appId, appSecret);
    http = new Http(baseUrl);
  }

  /** The running shared stack, started on first use. */
  static synchronized SharedStack get() throws Exception {
    if (instance == null) {
      SharedStack started = new SharedStack();
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "shared-stack-down"));
      instance = started;
    }
    return instance;
  }

  /** The stack's home (what {@code .local/} is for {@code ./appliance}): stack.env, nsm/, keys. */
  Path home() {
    return home;
  }

  LocalStack stack() {
    return stack;
  }

  Http http() {
    return http;
  }

  /** HTTP Basic credentials of the stack's default app (the one in stack.env). */
  String auth() {
    return auth;
  }

  /** The default app's id. */
  String appId() {
    return appId;
  }

  /** The default app's secret: pass it to child processes by environment, never print it. */
  String appSecret() {
    return appSecret;
  }

  /** The public base URL the stack's parent and enclave expect signed requests for. */
  String baseUrl() {
    return baseUrl;
  }

  private void stop() {
    try {
      stack.down();
    } catch (Exception e) {
      System.err.println("shared stack: down failed: " + e);
    }
    try (Stream<Path> s = Files.walk(home)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("shared stack: cleanup failed: " + e);
    }
  }

  static int freePort() throws IOException {
    return TestStacks.freePort();
  }
}
