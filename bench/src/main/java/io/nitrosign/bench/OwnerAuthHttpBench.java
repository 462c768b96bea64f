package io.nitrosign.bench;

import io.nitrosign.authz.RequestSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

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
    Map<String, String> opt = Measure.options(args);
    Path envFile = Path.of(opt.getOrDefault("--stack-env", ".local/stack.env"));
    int rounds = Integer.parseInt(opt.getOrDefault("--rounds", "4"));
    int ops = Integer.parseInt(opt.getOrDefault("--ops", "2000"));
    int clients = Integer.parseInt(opt.getOrDefault("--clients", "8"));
    Map<String, String> env = Measure.stackEnv(envFile);
    String base = env.get("BASE_URL");
    String appId = env.get("APP_ID");
    String auth = Measure.basicAuth(env);
    System.out.printf("nitrosign owner authorization benchmark, full HTTP path: %s, %d clients,"
            + " java %s; 1 warm-up round + %d measured rounds of %d requests per kind%n%n",
        base, clients, System.getProperty("java.version"), rounds, ops);

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    RequestSigner.KeyPairText pair = RequestSigner.generate();
    RequestSigner owner = RequestSigner.fromPkcs8Base64(pair.privateKey());
    String appOwned = Measure.create(http, base + "/v1/wallets", auth,
        "{\"chain_type\":\"ethereum\"}");
    String owned = Measure.create(http, base + "/v1/wallets", auth,
        "{\"chain_type\":\"ethereum\",\"owner\":{\"public_key\":\"" + pair.publicKey() + "\"}}");

    AtomicInteger serial = new AtomicInteger();
    Measure.compareInterleaved("app-owned", "owned", rounds, clients, ops, (isOwned, n) -> {
      HttpRequest[] requests = new HttpRequest[n];
      for (int i = 0; i < n; i++) {
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
      return Measure.sendEach(http, requests);
    });
  }
}
