package io.nitrosign.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What crash-safety costs through the whole system (issue 14, item 2): {@code eth_signTransaction}
 * over HTTP against a running stack ({@code ./appliance local up}, durable PostgreSQL) without an
 * idempotency key (the baseline: one audit row in the group commit) and with a fresh
 * {@code privy-idempotency-key} per request, which adds the key's claim (a synchronous commit),
 * the sign-request states {@code received}, {@code authorized} and {@code signing}
 * (asynchronous commits), the lease, and the conditional completion of the key in the audit
 * row's transaction.
 *
 * <p>As {@link PolicyHttpBench}: every request is unique (nonce), built before its round; rounds
 * alternate the two kinds and which goes first; one warm-up round is discarded.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.nitrosign.bench.IdempotentSignHttpBench
 * --stack-env .local/stack.env [--rounds N] [--ops N] [--clients N]}
 */
public final class IdempotentSignHttpBench {

  private IdempotentSignHttpBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = Measure.options(args);
    Path envFile = Path.of(opt.getOrDefault("--stack-env", ".local/stack.env"));
    int rounds = Integer.parseInt(opt.getOrDefault("--rounds", "4"));
    int ops = Integer.parseInt(opt.getOrDefault("--ops", "2000"));
    int clients = Integer.parseInt(opt.getOrDefault("--clients", "8"));
    Map<String, String> env = Measure.stackEnv(envFile);
    String base = env.get("BASE_URL");
    String auth = Measure.basicAuth(env);
    System.out.printf("nitrosign idempotent signing benchmark, full HTTP path: %s, %d clients,"
            + " java %s; 1 warm-up round + %d measured rounds of %d requests per kind%n%n",
        base, clients, System.getProperty("java.version"), rounds, ops);

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String wallet = Measure.create(http, base + "/v1/wallets", auth,
        "{\"chain_type\":\"ethereum\"}");

    AtomicInteger nonce = new AtomicInteger();
    Measure.compareInterleaved("no-key", "with-key", rounds, clients, ops, (keyed, n) -> {
      HttpRequest[] requests = new HttpRequest[n];
      for (int i = 0; i < n; i++) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/wallets/" + wallet
                + "/rpc"))
            .header("Authorization", auth).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                Measure.ethTransfer(nonce.incrementAndGet())));
        if (keyed) {
          b.header("privy-idempotency-key", "bench-" + UUID.randomUUID());
        }
        requests[i] = b.build();
      }
      return Measure.sendEach(http, requests);
    });
  }
}
