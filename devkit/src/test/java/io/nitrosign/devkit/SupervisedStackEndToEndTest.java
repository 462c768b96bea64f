package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Local mode's supervisor ({@link Supervisor}), as {@code ./appliance local up} runs it: each of
 * the enclave, the parent host and PostgreSQL is killed with SIGKILL, the supervisor starts it
 * again, the enclave unseals through the KMS by itself (the parent's bootstrapper), the parent's
 * pools reconnect, and the same wallet signs the same message to the same (deterministic,
 * RFC 6979) signature; {@code local status} shows the restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SupervisedStackEndToEndTest {

  /** Generous: the restart back-off is 250 ms, a JVM start and an unseal a few seconds more. */
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String MESSAGE = "supervised";

  private static Path home;
  private static LocalStack stack;
  private static Http http;
  private static String auth;
  private static String walletId;
  private static String signature;
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  @BeforeAll
  static void up() throws Exception {
    home = Files.createTempDirectory("nitrosign-supervised");
    stack = new LocalStack(TestStacks.settings(home),
        new PrintStream(LOG, true, StandardCharsets.UTF_8)).supervised();
    Map<String, String> env = stack.up();
    auth = Http.basic(env.get("APP_ID"), env.get("APP_SECRET"));
    http = new Http(env.get("BASE_URL"));
    assertTrue(stack.supervisorProcess().isPresent(), "up started the supervisor");
    Http.Reply w = http.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\"}");
    assertEquals(200, w.status(), () -> w.raw().body());
    walletId = w.body().get("id").asText();
    Http.Reply s = sign();
    assertEquals(200, s.status(), () -> s.raw().body());
    signature = s.body().get("data").get("signature").asText();
  }

  @AfterAll
  static void down() throws Exception {
    TestStacks.downAndDelete(stack, home);
  }

  @Test
  @Order(10)
  void aKilledEnclaveIsRestartedAndUnsealedAgain() throws Exception {
    long before = stack.kmsCallCount("Decrypt", "allowed");
    ProcessHandle old = stack.enclaveProcess().orElseThrow();
    old.destroyForcibly();
    old.onExit().get();
    signsAgain();
    ProcessHandle now = stack.enclaveProcess().orElseThrow();
    assertNotEquals(old.pid(), now.pid());
    assertTrue(stack.kmsCallCount("Decrypt", "allowed") > before,
        "the new enclave unsealed its keys through the KMS");
    assertRestarts("enclave", 1);
  }

  @Test
  @Order(20)
  void aKilledParentHostIsRestarted() throws Exception {
    ProcessHandle old = stack.parentProcess().orElseThrow();
    old.destroyForcibly();
    old.onExit().get();
    signsAgain();
    assertNotEquals(old.pid(), stack.parentProcess().orElseThrow().pid());
    assertRestarts("parent-host", 1);
  }

  @Test
  @Order(30)
  void aKilledPostmasterIsRestartedAndThePoolReconnects() throws Exception {
    ProcessHandle postmaster = LocalPostgresMain.postmaster(home.resolve("pg")).orElseThrow();
    ProcessHandle launcher = stack.postgresProcess().orElseThrow();
    postmaster.destroyForcibly();
    postmaster.onExit().get();
    launcher.onExit().get(); // the launcher follows its postmaster
    signsAgain();
    assertRestarts("postgres", 1);
    assertNotEquals(postmaster.pid(),
        LocalPostgresMain.postmaster(home.resolve("pg")).orElseThrow().pid());
  }

  @Test
  @Order(40)
  void downStopsTheSupervisorFirstSoNothingComesBack() throws Exception {
    stack.down();
    Thread.sleep(3_000); // longer than the first back-off: a live supervisor would have acted
    assertTrue(stack.supervisorProcess().isEmpty());
    assertTrue(stack.enclaveProcess().isEmpty(), "nothing restarted the enclave");
    assertTrue(stack.parentProcess().isEmpty(), "nothing restarted the parent host");
  }

  /** Polls until the wallet signs again, then checks the signature is the one from before. */
  private static void signsAgain() throws Exception {
    Instant until = Instant.now().plus(DEADLINE);
    Http.Reply r;
    do {
      Thread.sleep(250);
      try {
        r = sign();
      } catch (IOException e) {
        r = null; // the parent host is not listening yet
      }
    } while ((r == null || r.status() != 200) && Instant.now().isBefore(until));
    assertNotNull(r, "the parent host answers within " + DEADLINE.toSeconds() + " s");
    Http.Reply last = r;
    assertEquals(200, last.status(), () -> last.raw().body());
    assertEquals(signature, last.body().get("data").get("signature").asText(),
        "same key, same message, same RFC 6979 signature");
  }

  private static void assertRestarts(String name, int count) throws Exception {
    Supervisor.Restarts r = stack.restarts().get(name);
    assertNotNull(r, name + " is supervised");
    assertEquals(count, r.count(), name + " restarts");
    assertNotNull(r.last());
    int from = LOG.size();
    stack.status();
    String status = LOG.toString(StandardCharsets.UTF_8).substring(from);
    assertTrue(status.lines().anyMatch(l -> l.startsWith(name + " ") && l.contains("running")
        && l.contains(" " + count + " (last ")), status);
  }

  private static Http.Reply sign() throws Exception {
    return http.post("/v1/wallets/" + walletId + "/rpc", auth,
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"" + MESSAGE
            + "\",\"encoding\":\"utf-8\"}}");
  }

}
