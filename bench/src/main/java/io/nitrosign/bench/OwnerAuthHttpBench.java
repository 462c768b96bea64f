package io.nitrosign.bench;

import io.nitrosign.authz.RequestSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What owner authorization costs through the whole system (issue item 9): {@code personal_sign}
 * over HTTP against a running stack ({@code ./appliance local up}) for an app-owned wallet (the
 * baseline) and for a wallet owned by one P-256 key, whose every request carries the owner's
 * Privy authorization signature; the parent verifies it (early 401) and the enclave verifies it
 * again, derives the payload from the signed body and records it against replay. Both kinds pay
 * for app authentication, the enclave's secp256k1 signature, the parent's check of it and the
 * audit row's commit.
 *
 * <p>As {@link OwnerAuthBench}: every request is used once (unique message), all requests of a
 * round are built, and the owned ones signed by the client, before the round starts; rounds
 * alternate the two kinds (and which goes first); one warm-up round is discarded; the ratio is
 * over the sums of the measured rounds.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.nitrosign.bench.OwnerAuthHttpBench
 * --stack-env .local/stack.env [--rounds N] [--ops N] [--clients N]}
 */
public final class OwnerAuthHttpBench {

  private OwnerAuthHttpBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i], args[i + 1]);
    }
    Path envFile = Path.of(opt.getOrDefault("--stack-env", ".local/stack.env"));
    int rounds = Integer.parseInt(opt.getOrDefault("--rounds", "4"));
    int ops = Integer.parseInt(opt.getOrDefault("--ops", "2000"));
    int clients = Integer.parseInt(opt.getOrDefault("--clients", "8"));
    Map<String, String> env = Measure.stackEnv(envFile);
    String base = env.get("BASE_URL");
    String appId = env.get("APP_ID");
    String auth = "Basic " + java.util.Base64.getEncoder().encodeToString(
        (appId + ":" + env.get("APP_SECRET")).getBytes(StandardCharsets.UTF_8));
    System.out.printf("nitrosign owner authorization benchmark, full HTTP path: %s, %d clients,"
            + " java %s; 1 warm-up round + %d measured rounds of %d requests per kind%n%n",
        base, clients, System.getProperty("java.version"), rounds, ops);

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    RequestSigner.KeyPairText pair = RequestSigner.generate();
    RequestSigner owner = RequestSigner.fromPkcs8Base64(pair.privateKey());
    String appOwned = create(http, base, auth, "{\"chain_type\":\"ethereum\"}");
    String owned = create(http, base, auth, "{\"chain_type\":\"ethereum\",\"owner\":"
        + "{\"public_key\":\"" + pair.publicKey() + "\"}}");

    AtomicInteger serial = new AtomicInteger();
    System.out.printf("%-6s %-10s %9s %9s %9s %12s%n", "round", "wallet", "ops/s", "p50 ms",
        "p99 ms", "prepare s");
    double appSeconds = 0;
    double ownedSeconds = 0;
    long appOps = 0;
    long ownedOps = 0;
    List<Double> ratios = new ArrayList<>();
    for (int round = 0; round <= rounds; round++) {
      String label = round == 0 ? "warm" : Integer.toString(round);
      boolean ownedFirst = round % 2 == 1;
      Measure.Result a = null;
      Measure.Result o = null;
      for (int k = 0; k < 2; k++) {
        boolean isOwned = (k == 0) == ownedFirst;
        long p0 = System.nanoTime();
        HttpRequest[] requests = new HttpRequest[ops];
        for (int i = 0; i < ops; i++) {
          String body = "{\"method\":\"personal_sign\",\"params\":{\"message\":\"withdraw 1.5 ETH"
              + " to 0xabc, ref " + serial.incrementAndGet() + "\",\"encoding\":\"utf-8\"}}";
          String path = "/v1/wallets/" + (isOwned ? owned : appOwned) + "/rpc";
          HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
              .header("Authorization", auth).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body));
          if (isOwned) {
            String expiry = Long.toString(System.currentTimeMillis() + 900_000);
            b.header("privy-app-id", appId).header("privy-request-expiry", expiry)
                .header("privy-authorization-signature",
                    owner.signRequest("POST", base + path, body, appId, null, expiry));
          }
          requests[i] = b.build();
        }
        double prepare = (System.nanoTime() - p0) / 1e9;
        Measure.Result r = Measure.runOps(isOwned ? "owned" : "app-owned", clients, ops, i -> {
          HttpResponse<Void> resp = http.send(requests[i], HttpResponse.BodyHandlers.discarding());
          if (resp.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + resp.statusCode());
          }
        });
        System.out.printf("%-6s %-10s %9.0f %9.2f %9.2f %12.1f%n", label,
            isOwned ? "owned" : "app-owned", r.opsPerSecond(), r.p50Millis(), r.p99Millis(),
            prepare);
        if (isOwned) {
          o = r;
        } else {
          a = r;
        }
      }
      if (round > 0) {
        appSeconds += a.seconds();
        appOps += a.ops();
        ownedSeconds += o.seconds();
        ownedOps += o.ops();
        ratios.add(o.opsPerSecond() / a.opsPerSecond());
      }
    }
    double app = appOps / appSeconds;
    double own = ownedOps / ownedSeconds;
    System.out.printf("%nover %d measured rounds: app-owned %.0f/s, owned %.0f/s, owned/app-owned"
        + " = %.2f (rounds: %s)%n", rounds, app, own, own / app,
        ratios.stream().map(x -> String.format("%.2f", x)).toList());
  }

  private static String create(HttpClient http, String base, String auth, String body)
      throws Exception {
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base
            + "/v1/wallets")).header("Authorization", auth)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("\"id\":\"([a-z0-9]+)\"").matcher(created.body());
    if (created.statusCode() != 200 || !m.find()) {
      throw new IllegalStateException("could not create a wallet: HTTP " + created.statusCode());
    }
    return m.group(1);
  }
}
