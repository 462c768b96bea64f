package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 4: a spending limit holds under concurrency across parent hosts. Two parent hosts,
 * each with its own enclave process, share one PostgreSQL (as the instances of a deployment do);
 * an aggregation sums {@code ethereum_transaction.value} over one hour and a policy allows
 * {@code eth_signTransaction} while that total, the request included, is at most CAP. N requests
 * of value V, where CAP admits exactly K of them, are fired at once, alternating between the
 * hosts: exactly K are signed (200), the rest are 403 {@code policy_denied}, the committed total
 * never exceeds CAP, and every 200 has its one succeeded audit row.
 */
class SpendLimitTwoHostsEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** N: requests fired at once. */
  private static final int REQUESTS = 40;
  /** K: how many of them the cap admits. */
  private static final int ADMITTED = 13;
  /** V: 0.001 ETH each. */
  private static final BigInteger VALUE = BigInteger.TEN.pow(15);
  private static final BigInteger CAP = VALUE.multiply(BigInteger.valueOf(ADMITTED));

  private static Path home;
  private static LocalStack stack;
  private static Http hostA;
  private static Http hostB;
  private static String auth;
  private static String appId;
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  @BeforeAll
  static void start() throws Exception {
    home = Files.createTempDirectory("nitrosign-two-hosts");
    String cp = System.getProperty("java.class.path");
    stack = new LocalStack(new LocalStack.Settings(home, SharedStack.freePort(),
        SharedStack.freePort(), SharedStack.freePort(), SharedStack.freePort(),
        new JavaProgram(cp, JavaProgram.POSTGRES_MAIN),
        new JavaProgram(cp, JavaProgram.ENCLAVE_MAIN),
        new JavaProgram(cp, JavaProgram.PARENT_MAIN)),
        new PrintStream(LOG, true, StandardCharsets.UTF_8));
    Map<String, String> env = stack.up();
    String second = stack.startExtraHost("b", SharedStack.freePort(), SharedStack.freePort());
    appId = env.get("APP_ID");
    auth = Http.basic(appId, env.get("APP_SECRET"));
    hostA = new Http(env.get("BASE_URL"));
    hostB = new Http(second);
  }

  @AfterAll
  static void stop() throws IOException {
    if (stack != null) {
      stack.down();
    }
    try (Stream<Path> s = Files.walk(home)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void parallelRequestsOnTwoHostsNeverExceedTheLimit() throws Exception {
    String aggregation = created(hostA.post("/v1/aggregations", auth, """
        {"name":"eth value per hour","method":"eth_signTransaction",
         "metric":{"field_source":"ethereum_transaction","field":"value","function":"sum"},
         "window":{"type":"rolling","seconds":3600}}"""));
    String policy = created(hostB.post("/v1/policies", auth, """
        {"version":"1.0","name":"hourly cap","chain_type":"ethereum","rules":[
          {"name":"under the hourly cap","method":"eth_signTransaction","conditions":[
            {"field_source":"reference","field":"aggregation.%s","operator":"lte",
             "value":"%s"}],
           "action":"ALLOW"}]}""".formatted(aggregation, CAP)));
    String wallet = created(hostA.post("/v1/wallets", auth,
        "{\"chain_type\":\"ethereum\",\"policy_ids\":[\"" + policy + "\"]}"));
    // Both hosts sign a few times first (another wallet: totals are per wallet), so that neither
    // meets the burst with a cold signing path and the burst really interleaves the two.
    String warmUp = created(hostA.post("/v1/wallets", auth,
        "{\"chain_type\":\"ethereum\",\"policy_ids\":[\"" + policy + "\"]}"));
    for (int i = 0; i < 3; i++) {
      for (Http host : List.of(hostA, hostB)) {
        Http.Reply r = host.post("/v1/wallets/" + warmUp + "/rpc", auth, transfer(i));
        assertEquals(200, r.status(), () -> r.raw().body());
      }
    }

    ExecutorService pool = Executors.newFixedThreadPool(REQUESTS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Http.Reply>> replies = new ArrayList<>();
    try {
      for (int i = 0; i < REQUESTS; i++) {
        Http host = i % 2 == 0 ? hostA : hostB;
        String body = transfer(i);
        replies.add(pool.submit(() -> {
          go.await();
          return host.post("/v1/wallets/" + wallet + "/rpc", auth, body);
        }));
      }
      go.countDown();
      int signedCount = 0;
      int deniedCount = 0;
      int[] signedBy = new int[2];
      Set<String> hashes = new HashSet<>();
      for (int i = 0; i < replies.size(); i++) {
        Http.Reply r = replies.get(i).get();
        if (r.status() == 200) {
          signedCount++;
          signedBy[i % 2]++;
          hashes.add(r.body().get("data").get("hash").asText());
        } else {
          assertEquals(403, r.status(), () -> r.raw().body());
          assertEquals("policy_denied", r.body().get("code").asText());
          // a default deny: no rule allowed it; the reason names the policy consulted
          assertFalse(r.body().has("rule_id"), r.raw().body());
          assertTrue(r.body().get("reason").asText().contains(policy), r.raw().body());
          deniedCount++;
        }
      }
      System.out.printf("two hosts: N=%d, V=%s wei, CAP=%s wei: %d signed (%d by host A, %d by"
          + " host B), %d denied%n", REQUESTS, VALUE, CAP, signedCount, signedBy[0], signedBy[1],
          deniedCount);
      assertEquals(ADMITTED, signedCount, "exactly K requests fit under the cap");
      assertEquals(REQUESTS - ADMITTED, deniedCount);
      assertEquals(ADMITTED, hashes.size(), "K distinct signed transactions");
    } finally {
      pool.shutdown();
    }

    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "")) {
      BigInteger committed = scalar(c, "SELECT coalesce(sum(amount), 0) FROM policy_spend_entries"
          + " WHERE wallet_id = ? AND state = 'committed'", wallet);
      BigInteger reserved = scalar(c, "SELECT count(*) FROM policy_spend_entries"
          + " WHERE wallet_id = ? AND state = 'reserved'", wallet);
      System.out.printf("two hosts: committed total %s wei (cap %s)%n", committed, CAP);
      assertTrue(committed.compareTo(CAP) <= 0, "the committed total never exceeds the cap");
      assertEquals(CAP, committed, "K signatures of V each were committed");
      assertEquals(BigInteger.ZERO, reserved, "no reservation is left behind");
      List<JsonNode> succeeded = details(c, wallet, "succeeded", null);
      assertEquals(ADMITTED, succeeded.size(), "one succeeded audit row per signature");
      for (JsonNode d : succeeded) {
        assertEquals("allow", d.path("policy").path("decision").asText(), d.toString());
        assertEquals(VALUE.toString(), d.path("decoded").path("value").asText(), d.toString());
      }
      List<JsonNode> denied = details(c, wallet, "rejected", "policy_denied");
      assertEquals(REQUESTS - ADMITTED, denied.size(), "one rejected audit row per denial");
      for (JsonNode d : denied) {
        assertEquals("deny", d.path("policy").path("decision").asText(), d.toString());
      }
    }

    // The dry run tells the next request's fate without signing or reserving.
    Http.Reply dry = hostB.post("/v1/wallets/" + wallet + "/rpc", auth,
        transfer(REQUESTS).replaceFirst("\\{", "{\"dry_run\":true,"));
    assertEquals(200, dry.status(), () -> dry.raw().body());
    assertTrue(dry.body().get("dry_run").asBoolean());
    assertEquals("deny", dry.body().get("decision").get("decision").asText());
    assertEquals(VALUE.toString(), dry.body().get("decoded").get("value").asText());
    assertFalse(dry.body().has("data"), "a dry run signs nothing");
  }

  /**
   * An owned wallet's request signed by an additional signer is decided under that signer's
   * override policies instead of the wallet's; signed by the owner, under the wallet's.
   */
  @Test
  void anAdditionalSignersOverridePoliciesReplaceTheWalletsWhenItSigns() throws Exception {
    io.nitrosign.authz.RequestSigner.KeyPairText ownerKeys = io.nitrosign.authz.RequestSigner.generate();
    io.nitrosign.authz.RequestSigner.KeyPairText botKeys = io.nitrosign.authz.RequestSigner.generate();
    io.nitrosign.authz.RequestSigner owner =
        io.nitrosign.authz.RequestSigner.fromPkcs8Base64(ownerKeys.privateKey());
    io.nitrosign.authz.RequestSigner bot =
        io.nitrosign.authz.RequestSigner.fromPkcs8Base64(botKeys.privateKey());
    String botQuorum = created(hostA.post("/v1/key_quorums", auth, "{\"public_keys\":[\""
        + botKeys.publicKey() + "\"],\"authorization_threshold\":1}"));
    String messages = created(hostA.post("/v1/policies", auth, """
        {"version":"1.0","name":"messages","chain_type":"ethereum","rules":[
          {"name":"any message","method":"personal_sign","conditions":[],"action":"ALLOW"}]}"""));
    String noMessages = created(hostA.post("/v1/policies", auth, """
        {"version":"1.0","name":"bot","chain_type":"ethereum","rules":[
          {"name":"bots sign no messages","method":"personal_sign","conditions":[],
           "action":"DENY"}]}"""));
    String wallet = created(hostA.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\","
        + "\"owner\":{\"public_key\":\"" + ownerKeys.publicKey() + "\"},"
        + "\"policy_ids\":[\"" + messages + "\"],\"additional_signers\":[{\"signer_id\":\""
        + botQuorum + "\",\"override_policy_ids\":[\"" + noMessages + "\"]}]}"));
    String body = "{\"method\":\"personal_sign\",\"params\":{\"message\":\"hello\","
        + "\"encoding\":\"utf-8\"}}";
    String path = "/v1/wallets/" + wallet + "/rpc";
    Http.Reply byOwner = hostA.signed("POST", path, auth, appId, body, owner);
    assertEquals(200, byOwner.status(), () -> byOwner.raw().body());
    Http.Reply byBot = hostB.signed("POST", path, auth, appId, body, bot);
    assertEquals(403, byBot.status(), () -> byBot.raw().body());
    assertEquals("policy_denied", byBot.body().get("code").asText());
    assertEquals(noMessages, byBot.body().get("policy_id").asText());
    assertEquals("bots sign no messages", byBot.body().get("rule_name").asText());
  }

  /** An EIP-1559 transfer of V with nonce {@code nonce}. */
  private static String transfer(int nonce) {
    return "{\"method\":\"eth_signTransaction\",\"params\":{\"transaction\":{\"chain_id\":1,"
        + "\"nonce\":" + nonce + ",\"value\":\"" + VALUE + "\",\"gas_limit\":21000,"
        + "\"max_priority_fee_per_gas\":1000000000,\"max_fee_per_gas\":30000000000,"
        + "\"to\":\"0x000000000000000000000000000000000000dEaD\"}}}";
  }

  private static String created(Http.Reply r) {
    assertEquals(200, r.status(), () -> r.raw().body());
    return r.body().get("id").asText();
  }

  private static BigInteger scalar(Connection c, String sql, String wallet) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, wallet);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new BigDecimal(rs.getString(1)).toBigIntegerExact();
      }
    }
  }

  private static List<JsonNode> details(Connection c, String wallet, String outcome,
      String errorCode) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT detail FROM audit_log WHERE"
        + " wallet_id = ? AND action = 'wallet.sign' AND outcome = ?"
        + " AND error_code IS NOT DISTINCT FROM ? ORDER BY id")) {
      ps.setString(1, wallet);
      ps.setString(2, outcome);
      ps.setString(3, errorCode);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(JSON.readTree(rs.getString(1)));
        }
      }
    }
    return out;
  }
}
