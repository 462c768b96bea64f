package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * {@code privy-idempotency-key} with Privy's official Node SDK against the whole running system
 * (real enclave, real PostgreSQL): devkit/src/test/node/privy-sdk-idempotency.mjs creates and
 * signs with idempotency keys and repeats each request; then only the parent host is restarted
 * and the script repeats the requests again, which the restarted parent host must answer from the
 * database. The stack is this class's own, since it restarts a part of it.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PrivySdkIdempotencyEndToEndTest {

  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  private static Path home;
  private static LocalStack stack;
  private static String appId;
  private static NodeScript first;
  private static NodeScript afterRestart;
  private static long parentPidBefore;
  private static long parentPidAfter;

  @BeforeAll
  static void runTheSdkBeforeAndAfterAParentHostRestart() throws Exception {
    home = Files.createTempDirectory("nitrosign-idempotency-e2e");
    String cp = System.getProperty("java.class.path");
    stack = new LocalStack(new LocalStack.Settings(home, SharedStack.freePort(),
        SharedStack.freePort(), SharedStack.freePort(), SharedStack.freePort(),
        new JavaProgram(cp, JavaProgram.POSTGRES_MAIN),
        new JavaProgram(cp, JavaProgram.ENCLAVE_MAIN),
        new JavaProgram(cp, JavaProgram.PARENT_MAIN)),
        new PrintStream(LOG, true, StandardCharsets.UTF_8));
    Map<String, String> env = stack.up();
    appId = env.get("APP_ID");
    String secret = env.get("APP_SECRET");
    Path state = home.resolve("idempotency-state.json");
    first = NodeScript.run(env.get("BASE_URL"), appId, secret, "privy-sdk-idempotency.mjs",
        Map.of("IDEMPOTENCY_STATE", state.toString(), "IDEMPOTENCY_PHASE", "first"));
    parentPidBefore = stack.parentProcess().orElseThrow().pid();
    stack.restartParent();
    parentPidAfter = stack.parentProcess().orElseThrow().pid();
    afterRestart = NodeScript.run(env.get("BASE_URL"), appId, secret,
        "privy-sdk-idempotency.mjs",
        Map.of("IDEMPOTENCY_STATE", state.toString(), "IDEMPOTENCY_PHASE", "after_restart"));
  }

  @AfterAll
  static void down() throws Exception {
    TestStacks.downAndDelete(stack, home);
  }

  @Test
  void every_step_of_both_runs_ran_and_both_scripts_exit_cleanly() {
    assertEquals(0, first.exitCode(), () -> "first run:\n" + first.output());
    assertEquals(List.of("create_twice_one_wallet", "key_reused_with_another_body",
        "twenty_concurrent_creates", "sign_twice_one_signature", "raw_bytes_replayed"),
        new ArrayList<>(first.steps().keySet()), first.output());
    assertEquals(0, afterRestart.exitCode(), () -> "after the restart:\n" + afterRestart.output());
    assertEquals(List.of("create_retried_after_restart", "sign_retried_after_restart",
        "raw_bytes_after_restart", "key_reused_after_restart"),
        new ArrayList<>(afterRestart.steps().keySet()), afterRestart.output());
  }

  @Test
  void the_parent_host_really_restarted_between_the_runs() {
    assertNotEquals(parentPidBefore, parentPidAfter);
  }

  @Test
  void a_create_repeated_with_its_key_answers_the_same_wallet_before_and_after_the_restart()
      throws Exception {
    JsonNode created = first.step("create_twice_one_wallet");
    assertTrue(created.get("same_answer").asBoolean(), created::toString);
    JsonNode retried = afterRestart.step("create_retried_after_restart");
    assertEquals(created.get("id").asText(), retried.get("id").asText());
    assertTrue(retried.get("same_answer").asBoolean(), retried::toString);
    assertEquals(1, count("SELECT count(*) FROM audit_log WHERE action = 'wallet.create'"
        + " AND wallet_id = ?", created.get("id").asText()));
  }

  @Test
  void the_key_with_another_body_is_refused_as_reused_before_and_after_the_restart() {
    for (JsonNode r : List.of(first.step("key_reused_with_another_body"),
        afterRestart.step("key_reused_after_restart"))) {
      assertEquals(400, r.get("status").asInt(), r::toString);
      assertEquals("idempotency_key_reused", r.get("code").asText(), r::toString);
    }
  }

  @Test
  void twenty_concurrent_creates_with_one_key_make_one_wallet() {
    JsonNode r = first.step("twenty_concurrent_creates");
    assertEquals(20, r.get("answers").asInt());
    assertEquals(1, r.get("distinct_ids").asInt(), r::toString);
    assertEquals(1, r.get("distinct_answers").asInt(), r::toString);
  }

  @Test
  void an_owned_wallet_signs_once_for_every_repeat_of_a_keyed_request() throws Exception {
    JsonNode s = first.step("sign_twice_one_signature");
    assertEquals(s.get("address").asText(), s.get("recovered").asText());
    assertTrue(s.get("same_signature").asBoolean(), s::toString);
    JsonNode again = afterRestart.step("sign_retried_after_restart");
    assertTrue(again.get("same_signature").asBoolean(), again::toString);
    assertEquals(again.get("address").asText(), again.get("recovered").asText());
    // one signature released, one succeeded audit row, for three requests
    assertEquals(1, count("SELECT count(*) FROM audit_log WHERE action = 'wallet.sign'"
        + " AND wallet_id = ?", s.get("wallet_id").asText()));
  }

  @Test
  void the_stored_answer_is_replayed_byte_for_byte_with_its_status_and_content_type() {
    JsonNode r = first.step("raw_bytes_replayed");
    assertEquals(200, r.get("status").asInt(), r::toString);
    assertEquals(200, r.get("replay_status").asInt(), r::toString);
    assertTrue(r.get("same_text").asBoolean(), r::toString);
    assertEquals(r.get("content_type").asText(), r.get("replay_content_type").asText());
    assertTrue(r.get("first_replayed").isNull(), r::toString);
    assertEquals("true", r.get("replay_replayed").asText(), r::toString);
    JsonNode after = afterRestart.step("raw_bytes_after_restart");
    assertEquals(200, after.get("status").asInt(), after::toString);
    assertTrue(after.get("same_text").asBoolean(), after::toString);
    assertTrue(after.get("same_content_type").asBoolean(), after::toString);
    assertEquals("true", after.get("replayed").asText(), after::toString);
  }

  @Test
  void the_app_has_exactly_the_wallets_the_distinct_keys_asked_for() throws Exception {
    // one per key: the repeated create, the concurrent creates, the owned wallet, the raw create
    assertEquals(4, count("SELECT count(*) FROM wallets WHERE app_id = ?", appId));
    assertEquals(4, count("SELECT count(*) FROM audit_log WHERE action = 'wallet.create'"
        + " AND outcome = 'succeeded' AND app_id = ?", appId));
  }

  private static int count(String sql, String arg) throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
