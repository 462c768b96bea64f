package io.nitrosign.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What policies cost through the whole system (issue 11, item 9: target ≥ 0.9×):
 * {@code eth_signTransaction} over HTTP against a running stack ({@code ./appliance local up},
 * durable PostgreSQL) for a wallet without policies (the baseline) and for a wallet with a 3-rule
 * policy (a DENY rule on one recipient, an ALLOW rule for a recipient list under a value ceiling,
 * an ALLOW rule for ERC-20 transfers read through the ABI). Every request is allowed by the
 * second rule, so the policy path pays for loading the wallet's policies, evaluating all three
 * rules and writing the decision into the audit row.
 *
 * <p>As {@link OwnerAuthHttpBench}: every request is unique (nonce), built before its round;
 * rounds alternate the two kinds and which goes first; one warm-up round is discarded.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.nitrosign.bench.PolicyHttpBench
 * --stack-env .local/stack.env [--rounds N] [--ops N] [--clients N]}
 */
public final class PolicyHttpBench {

  private PolicyHttpBench() {}

  static final String POLICY = """
      {"version":"1.0","name":"bench 3 rules","chain_type":"ethereum","rules":[
       {"name":"block the mixer","method":"*","action":"DENY","conditions":[
         {"field_source":"ethereum_transaction","field":"to","operator":"eq",
          "value":"0x3333333333333333333333333333333333333333"}]},
       {"name":"payouts","method":"eth_signTransaction","action":"ALLOW","conditions":[
         {"field_source":"ethereum_transaction","field":"to","operator":"in",
          "value":["0x1111111111111111111111111111111111111111","0x2222222222222222222222222222222222222222"]},
         {"field_source":"ethereum_transaction","field":"value","operator":"lte","value":"1000000000000000000"}]},
       {"name":"usdc","method":"eth_signTransaction","action":"ALLOW","conditions":[
         {"field_source":"ethereum_transaction","field":"to","operator":"eq",
          "value":"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"},
         {"field_source":"ethereum_calldata","field":"transfer.amount","operator":"lte","value":"1000000000",
          "abi":[{"type":"function","name":"transfer","stateMutability":"nonpayable",
            "inputs":[{"name":"to","type":"address"},{"name":"amount","type":"uint256"}],
            "outputs":[{"name":"","type":"bool"}]}]}]}]}
      """;

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = Measure.options(args);
    Path envFile = Path.of(opt.getOrDefault("--stack-env", ".local/stack.env"));
    int rounds = Integer.parseInt(opt.getOrDefault("--rounds", "4"));
    int ops = Integer.parseInt(opt.getOrDefault("--ops", "2000"));
    int clients = Integer.parseInt(opt.getOrDefault("--clients", "8"));
    Map<String, String> env = Measure.stackEnv(envFile);
    String base = env.get("BASE_URL");
    String auth = Measure.basicAuth(env);
    System.out.printf("nitrosign policy benchmark, full HTTP path: %s, %d clients, java %s;"
            + " 1 warm-up round + %d measured rounds of %d requests per kind%n%n",
        base, clients, System.getProperty("java.version"), rounds, ops);

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String policyId = Measure.create(http, base + "/v1/policies", auth, POLICY);
    String plain = Measure.create(http, base + "/v1/wallets", auth,
        "{\"chain_type\":\"ethereum\"}");
    String governed = Measure.create(http, base + "/v1/wallets", auth,
        "{\"chain_type\":\"ethereum\",\"policy_ids\":[\"" + policyId + "\"]}");

    AtomicInteger nonce = new AtomicInteger();
    Measure.compareInterleaved("no-policy", "3-rules", rounds, clients, ops, (withPolicy, n) -> {
      HttpRequest[] requests = new HttpRequest[n];
      for (int i = 0; i < n; i++) {
        requests[i] = HttpRequest.newBuilder(URI.create(base + "/v1/wallets/"
                + (withPolicy ? governed : plain) + "/rpc"))
            .header("Authorization", auth).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                Measure.ethTransfer(nonce.incrementAndGet()))).build();
      }
      return Measure.sendEach(http, requests);
    });
  }
}
