package io.nitrosign.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real signing throughput with one parent host against several, over HTTP: a local stack started
 * with {@code ./appliance local up --parents 2} (each host with its own enclave, one durable
 * PostgreSQL: fsync and synchronous commit on, each host appending to its own audit chain). The
 * same number of requests in flight either all go to the first host or are spread round robin
 * over every host in {@code BASE_URLS}; rounds alternate which goes first
 * ({@link Measure#compareInterleaved}).
 * Each request is {@code personal_sign} of a distinct message on one of a few wallets; its audit
 * row commits before the answer, so the host's audit chain is on the path of every request.
 *
 * <p>On one machine every host, its enclave, PostgreSQL and the load generator share the same
 * cores, so this shows whether a second host adds anything there and what the chains sustain
 * under real signing; it cannot show a second machine's worth of CPU.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.nitrosign.bench.MultiHostSignBench
 * --stack-env .local/stack.env [--rounds N] [--ops N] [--concurrency N]}
 */
public final class MultiHostSignBench {

  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  private MultiHostSignBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i], args[i + 1]);
    }
    Map<String, String> env = Measure.stackEnv(Path.of(opt.getOrDefault("--stack-env",
        ".local/stack.env")));
    int rounds = Integer.parseInt(opt.getOrDefault("--rounds", "3"));
    int ops = Integer.parseInt(opt.getOrDefault("--ops", "4000"));
    int concurrency = Integer.parseInt(opt.getOrDefault("--concurrency", "64"));
    List<String> hosts = Arrays.asList(env.getOrDefault("BASE_URLS", env.get("BASE_URL"))
        .split(","));
    if (hosts.size() < 2) {
      throw new IllegalArgumentException("the stack runs one parent host; start it with"
          + " ./appliance local up --parents 2");
    }
    String auth = "Basic " + Base64.getEncoder().encodeToString(
        (env.get("APP_ID") + ":" + env.get("APP_SECRET")).getBytes(StandardCharsets.UTF_8));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(java.util.concurrent.Executors.newFixedThreadPool(8))
        .connectTimeout(Duration.ofSeconds(5)).build();
    List<String> wallets = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      HttpResponse<String> r = http.send(post(hosts.get(0) + "/v1/wallets", auth,
          "{\"chain_type\":\"ethereum\"}"), HttpResponse.BodyHandlers.ofString());
      Matcher m = ID.matcher(r.body());
      if (r.statusCode() != 200 || !m.find()) {
        throw new IllegalStateException("could not create a wallet: HTTP " + r.statusCode());
      }
      wallets.add(m.group(1));
    }
    System.out.printf("nitrosign multi-host signing benchmark: %d cores shared by %d parent hosts,"
            + " their enclaves, one durable PostgreSQL and this load generator; java %s;"
            + " %d in flight, %d requests per round, %d rounds (+1 warm-up)%n"
            + "hosts: %s%n%n", Runtime.getRuntime().availableProcessors(), hosts.size(),
        System.getProperty("java.version"), concurrency, ops, rounds, String.join(", ", hosts));
    String many = hosts.size() + "-hosts";
    int[] round = {0};
    Measure.compareInterleaved("1-host", many, rounds, concurrency, ops, (other, n) -> {
      int r = round[0]++;
      return i -> {
        String base = other ? hosts.get(i % hosts.size()) : hosts.get(0);
        String wallet = wallets.get(i % wallets.size());
        HttpResponse<String> resp = http.send(post(base + "/v1/wallets/" + wallet + "/rpc", auth,
            "{\"method\":\"personal_sign\",\"params\":{\"message\":\"bench " + r + " " + i
                + "\",\"encoding\":\"utf-8\"}}"), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + resp.statusCode() + " from " + base);
        }
      };
    });
  }

  private static HttpRequest post(String url, String auth, String body) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", auth).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }
}
