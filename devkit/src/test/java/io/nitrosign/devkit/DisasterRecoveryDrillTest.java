package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The disaster-recovery drill of docs/operations.md, as a test: a stack with a wallet of every
 * chain type, each of which signs; {@code pg_dump} of its database; the whole stack gone (its
 * database, enclave and parent host); a fresh PostgreSQL (another data directory) that the dump
 * is restored into with {@code pg_restore}; a fresh enclave and parent host against it, with the
 * same KMS keys (the local KMS stands for AWS KMS, whose keys outlive any instance). The new
 * enclave unseals the restored sealing keys through the KMS, and every wallet has the same
 * address and signs the same messages to the same deterministic signatures (RFC 6979 ECDSA,
 * Ed25519) as before the disaster.
 */
class DisasterRecoveryDrillTest {

  /** What each wallet signs: a raw-sign app may use the chain's raw method. */
  private record Signing(String method, String params) {}

  private static final Map<String, List<Signing>> BY_CHAIN = new LinkedHashMap<>();

  static {
    String hash = "\"hash\":\"0x" + "5a".repeat(32) + "\"";
    BY_CHAIN.put("ethereum", List.of(
        new Signing("personal_sign", "{\"message\":\"before the disaster\",\"encoding\":\"utf-8\"}"),
        new Signing("secp256k1_sign", "{" + hash + "}")));
    BY_CHAIN.put("bitcoin", List.of(new Signing("secp256k1_sign", "{" + hash + "}")));
    BY_CHAIN.put("bitcoin-testnet", List.of(new Signing("secp256k1_sign", "{" + hash + "}")));
    BY_CHAIN.put("solana", List.of(
        new Signing("raw_sign", "{\"bytes\":\"0x646973617374657221\",\"encoding\":\"hex\"}")));
    BY_CHAIN.put("stellar", List.of(
        new Signing("raw_sign", "{\"bytes\":\"0x646973617374657221\",\"encoding\":\"hex\"}")));
  }

  private static final List<Path> HOMES = new ArrayList<>();
  private static final List<LocalStack> STACKS = new ArrayList<>();
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  @AfterAll
  static void cleanUp() throws Exception {
    for (LocalStack s : STACKS) {
      s.down();
    }
    for (Path home : HOMES) {
      try (Stream<Path> s = Files.walk(home)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aDumpRestoredIntoAFreshDatabaseWithAFreshEnclaveSignsAsBefore() throws Exception {
    Path pgBin = pgClientBin();
    assumeTrue(pgBin != null, "pg_dump/pg_restore (PostgreSQL 14 or later client) not installed;"
        + " .ci/run installs postgresql-client");

    // the stack before the disaster: a wallet of every chain type, each signing
    Path homeA = home("nitrosign-dr-a");
    int pgA = TestStacks.freePort();
    LocalStack a = stack(homeA, pgA);
    a.up();
    JsonNode app = a.createApp("dr-drill", "--allow-raw-sign");
    String auth = Http.basic(app.get("app_id").asText(), app.get("app_secret").asText());
    Http httpA = new Http(a.baseUrl());
    Map<String, String> addresses = new LinkedHashMap<>();
    Map<String, List<String>> signatures = new LinkedHashMap<>();
    for (Map.Entry<String, List<Signing>> e : BY_CHAIN.entrySet()) {
      Http.Reply w = httpA.post("/v1/wallets", auth, "{\"chain_type\":\"" + e.getKey() + "\"}");
      assertEquals(200, w.status(), () -> w.raw().body());
      String id = w.body().get("id").asText();
      addresses.put(id, w.body().get("address").asText());
      signatures.put(id, signAll(httpA, auth, id, e.getValue()));
    }

    // the backup: pg_dump of the database, as the owner (custom format, for pg_restore)
    Path dump = homeA.resolveSibling(homeA.getFileName() + ".dump");
    HOMES.add(dump);
    run(List.of(pgBin.resolve("pg_dump").toString(), "-h", "127.0.0.1", "-p",
        Integer.toString(pgA), "-U", "postgres", "-Fc", "-f", dump.toString(), "nitrosign"));
    assertTrue(Files.size(dump) > 0);

    // the disaster: the whole host is gone, its database with it
    a.down();
    STACKS.remove(a);

    // the recovery: a new host whose only inheritance is the dump and the KMS keys (and the
    // attestation root, which is AWS's in production); no sealing key, no database files
    Path homeB = home("nitrosign-dr-b");
    copyTree(homeA.resolve("kms"), homeB.resolve("kms"));
    copyTree(homeA.resolve("nsm"), homeB.resolve("nsm"));
    int pgB = TestStacks.freePort();
    LocalStack b = stack(homeB, pgB);
    b.startDatabase();
    run(List.of(pgBin.resolve("pg_restore").toString(), "-h", "127.0.0.1", "-p",
        Integer.toString(pgB), "-U", "postgres", "-d", "nitrosign", "--exit-on-error",
        dump.toString()));
    b.up();
    assertTrue(b.kmsCallCount("Decrypt", "allowed") >= 1,
        "the fresh enclave unsealed the restored sealing keys through the KMS");

    Http httpB = new Http(b.baseUrl());
    for (Map.Entry<String, String> e : addresses.entrySet()) {
      Http.Reply w = httpB.get("/v1/wallets/" + e.getKey(), auth);
      assertEquals(200, w.status(), () -> w.raw().body());
      assertEquals(e.getValue(), w.body().get("address").asText(), "same address");
      String chain = w.body().get("chain_type").asText();
      assertEquals(signatures.get(e.getKey()), signAll(httpB, auth, e.getKey(), BY_CHAIN.get(chain)),
          chain + ": the restored wallet signs to the same signatures");
    }
  }

  private static List<String> signAll(Http http, String auth, String walletId,
      List<Signing> signings) throws Exception {
    List<String> out = new ArrayList<>();
    for (Signing s : signings) {
      Http.Reply r = http.post("/v1/wallets/" + walletId + "/rpc", auth,
          "{\"method\":\"" + s.method() + "\",\"params\":" + s.params() + "}");
      assertEquals(200, r.status(), () -> s.method() + ": " + r.raw().body());
      String sig = r.body().get("data").get("signature").asText();
      assertTrue(sig.length() > 64, sig);
      out.add(sig);
    }
    return out;
  }

  /** The newest PostgreSQL client binaries (14 or later: the embedded server is 14). */
  private static Path pgClientBin() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.filter(v -> v.getFileName().toString().matches("\\d+")
              && Integer.parseInt(v.getFileName().toString()) >= 14)
          .sorted(Comparator.comparing((Path v) -> Integer.parseInt(v.getFileName().toString()))
              .reversed())
          .map(v -> v.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("pg_dump"))
              && Files.isExecutable(bin.resolve("pg_restore")))
          .findFirst().orElse(null);
    }
  }

  private static void run(List<String> command) throws Exception {
    Path log = Files.createTempFile("nitrosign-dr", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", command) + " finished");
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), () -> command.get(0) + ": " + output);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static Path home(String prefix) throws IOException {
    Path home = Files.createTempDirectory(prefix);
    HOMES.add(home);
    return home;
  }

  private static LocalStack stack(Path home, int pgPort) throws IOException {
    String cp = System.getProperty("java.class.path");
    LocalStack s = new LocalStack(new LocalStack.Settings(home, TestStacks.freePort(), TestStacks.freePort(), pgPort,
        TestStacks.freePort(),
        new JavaProgram(cp, JavaProgram.POSTGRES_MAIN),
        new JavaProgram(cp, JavaProgram.ENCLAVE_MAIN),
        new JavaProgram(cp, JavaProgram.PARENT_MAIN)),
        new PrintStream(LOG, true, StandardCharsets.UTF_8));
    STACKS.add(s);
    return s;
  }

}
