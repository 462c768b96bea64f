package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./appliance local up --parents 2}: two parent hosts, each with its own enclave, on one
 * PostgreSQL and one KMS, both supervised. Both sign for the same wallet (the same RFC 6979
 * signature: one key, unsealed by each enclave through the KMS); a SIGKILLed second enclave is
 * restarted by the supervisor and its host signs again; {@code local status} lists every host
 * with its restarts and health; {@code local up} again starts nothing that runs; {@code local
 * down} from another stack object (as from another JVM) stops every host. Each host appends to
 * its own audit chain and has its own enclave checkpoint it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiHostStackEndToEndTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String MESSAGE = "two hosts";

  private static Path home;
  private static LocalStack.Settings settings;
  private static LocalStack stack;
  private static Map<String, String> env;
  private static Http first;
  private static Http second;
  private static String auth;
  private static String walletId;
  private static String signature;
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  @BeforeAll
  static void up() throws Exception {
    home = Files.createTempDirectory("nitrosign-multihost");
    int http = portPairWithSecondHost();
    settings = TestStacks.settings(home, http, http + 1);
    stack = new LocalStack(settings, new PrintStream(LOG, true, StandardCharsets.UTF_8))
        .supervised().parents(2);
    env = stack.up();
    auth = Http.basic(env.get("APP_ID"), env.get("APP_SECRET"));
    first = new Http(env.get("BASE_URL"));
    second = new Http(env.get("BASE_URL_2"));
    Http.Reply w = first.post("/v1/wallets", auth, "{\"chain_type\":\"ethereum\"}");
    assertEquals(200, w.status(), () -> w.raw().body());
    walletId = w.body().get("id").asText();
    Http.Reply s = sign(first);
    assertEquals(200, s.status(), () -> s.raw().body());
    signature = s.body().get("data").get("signature").asText();
  }

  @AfterAll
  static void down() throws Exception {
    TestStacks.downAndDelete(stack, home);
  }

  @Test
  @Order(10)
  void theStackEnvNamesEveryHostOnItsDocumentedPorts() throws Exception {
    int http = settings.httpPort();
    int admin = settings.adminPort();
    assertEquals("http://127.0.0.1:" + (http + 10), env.get("BASE_URL_2"));
    assertEquals("http://127.0.0.1:" + (admin + 10), env.get("ADMIN_URL_2"));
    assertEquals(env.get("BASE_URL") + "," + env.get("BASE_URL_2"), env.get("BASE_URLS"));
    assertEquals(env, stack.readStackEnv(), "stack.env holds what up returned");
    assertEquals(List.of(new LocalStack.Host("2", http + 10, admin + 10)), stack.extraHosts());
  }

  @Test
  @Order(20)
  void bothHostsSignForTheSameWallet() throws Exception {
    Http.Reply r = sign(second);
    assertEquals(200, r.status(), () -> r.raw().body());
    assertEquals(signature, r.body().get("data").get("signature").asText(),
        "the second host's enclave unsealed the same key");
  }

  @Test
  @Order(25)
  void eachHostAppendsToItsOwnAuditChainAndCheckpointsIt() throws Exception {
    // both hosts have signed (their succeeded rows), each has its own enclave sign its chain head
    String token = "Bearer " + env.get("ADMIN_TASK_TOKEN");
    for (String admin : List.of(env.get("ADMIN_URL"), env.get("ADMIN_URL_2"))) {
      Http.Reply task = new Http(admin).post("/tasks/audit-checkpoint", token, "");
      assertEquals(200, task.status(), () -> task.raw().body());
      assertTrue(task.body().get("seq").asLong() > 0, () -> task.raw().body());
    }
    LocalAudit.Result verify = LocalAudit.run(home, "verify");
    String said = verify.out();
    assertEquals(0, verify.code(), said + verify.err());
    assertTrue(said.startsWith("audit log intact: ") && said.contains(" in 2 chains"), said);
    for (String chain : List.of("parent-host", "parent-host-2")) {
      assertTrue(said.lines().anyMatch(l -> l.startsWith("  chain '" + chain + "': ")
          && l.contains(" rows, ids ")), chain + "\n" + said);
      assertTrue(said.lines().anyMatch(l -> l.startsWith("  chain '" + chain
          + "': last checkpoint at id ")), chain + "\n" + said);
    }
    assertTrue(said.contains(" signed by 2 enclave key(s)"),
        "one key per host's enclave: " + said);
  }

  @Test
  @Order(30)
  void aKilledSecondEnclaveIsRestartedAndItsHostSignsAgain() throws Exception {
    ProcessHandle old = stack.enclaveProcess("2").orElseThrow();
    long firstEnclave = stack.enclaveProcess().orElseThrow().pid();
    old.destroyForcibly();
    old.onExit().get();
    signsAgain(second);
    assertNotEquals(old.pid(), stack.enclaveProcess("2").orElseThrow().pid());
    assertEquals(firstEnclave, stack.enclaveProcess().orElseThrow().pid(),
        "the first host's enclave was left alone");
    Supervisor.Restarts r = stack.restarts().get("enclave-2");
    assertNotNull(r, "enclave-2 is supervised");
    assertEquals(1, r.count());
    assertEquals(0, stack.restarts().get("enclave").count());
  }

  @Test
  @Order(40)
  void statusListsEveryHostWithItsRestartsAndHealth() throws Exception {
    String status = statusOutput(stack);
    assertTrue(status.lines().anyMatch(l -> l.startsWith("enclave-2 ") && l.contains("running")
        && l.contains(" 1 (last ")), status);
    for (String host : List.of("parent-host ", "parent-host-2 ")) {
      assertTrue(status.lines().anyMatch(l -> l.startsWith(host) && l.contains("running  pid")
          && l.contains("healthy")), host + "\n" + status);
    }
    assertTrue(status.lines().anyMatch(l -> l.startsWith("parent-host-2 ")
        && l.contains(env.get("BASE_URL_2"))), status);
    assertTrue(status.lines().anyMatch(l -> l.startsWith("health ")
        && l.contains("healthy (2 parent hosts)")), status);
  }

  @Test
  @Order(50)
  void upAgainStartsOnlyWhatIsMissing() throws Exception {
    long secondParent = stack.parentProcess("2").orElseThrow().pid();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LocalStack again = new LocalStack(settings, new PrintStream(out, true,
        StandardCharsets.UTF_8)).supervised().parents(2);
    Map<String, String> env2 = again.up();
    String log = out.toString(StandardCharsets.UTF_8);
    assertEquals(env, env2, log);
    for (String p : List.of("parent-host ", "enclave ", "parent-host-2", "enclave-2",
        "supervisor ")) {
      assertTrue(log.lines().anyMatch(l -> l.startsWith(p) && l.contains("already running")),
          p + "\n" + log);
    }
    assertEquals(secondParent, stack.parentProcess("2").orElseThrow().pid());
  }

  @Test
  @Order(60)
  void downFromAnotherStackObjectStopsEveryHost() throws Exception {
    ProcessHandle secondParent = stack.parentProcess("2").orElseThrow();
    ProcessHandle secondEnclave = stack.enclaveProcess("2").orElseThrow();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LocalStack(settings, new PrintStream(out, true, StandardCharsets.UTF_8)).down();
    String log = out.toString(StandardCharsets.UTF_8);
    assertTrue(log.lines().anyMatch(l -> l.startsWith("parent-host-2") && l.endsWith("stopped")),
        log);
    Thread.sleep(3_000); // longer than the first back-off: a live supervisor would have acted
    assertTrue(stack.supervisorProcess().isEmpty());
    assertTrue(!secondParent.isAlive() && !secondEnclave.isAlive(), log);
    assertTrue(stack.parentProcess("2").isEmpty() && stack.enclaveProcess("2").isEmpty());
    assertTrue(stack.parentProcess().isEmpty() && stack.enclaveProcess().isEmpty());
    assertEquals(List.of(), stack.extraHosts(), "down forgets the further hosts");
  }

  private static void signsAgain(Http host) throws Exception {
    Instant until = Instant.now().plus(DEADLINE);
    Http.Reply r;
    do {
      Thread.sleep(250);
      try {
        r = sign(host);
      } catch (IOException e) {
        r = null;
      }
    } while ((r == null || r.status() != 200) && Instant.now().isBefore(until));
    assertNotNull(r, "the host answers within " + DEADLINE.toSeconds() + " s");
    Http.Reply last = r;
    assertEquals(200, last.status(), () -> last.raw().body());
    assertEquals(signature, last.body().get("data").get("signature").asText());
  }

  private static String statusOutput(LocalStack s) throws IOException {
    int from = LOG.size();
    s.status();
    return LOG.toString(StandardCharsets.UTF_8).substring(from);
  }

  private static Http.Reply sign(Http host) throws Exception {
    return host.post("/v1/wallets/" + walletId + "/rpc", auth,
        "{\"method\":\"personal_sign\",\"params\":{\"message\":\"" + MESSAGE
            + "\",\"encoding\":\"utf-8\"}}");
  }

  /**
   * An API port {@code p} such that {@code p}, {@code p + 1} (admin) and the second host's
   * {@code p + 10}, {@code p + 11} are free now.
   */
  private static int portPairWithSecondHost() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p = TestStacks.freePort();
      if (p > 65_000) {
        continue;
      }
      if (free(p + 1) && free(p + 10) && free(p + 11)) {
        return p;
      }
    }
    throw new IllegalStateException("no free ports for two hosts");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

}
