package io.nitrosign.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * eif-build/Dockerfile: dockerfilelint (from the npm registry) finds nothing, and the properties
 * that make the image fit for an enclave hold, read from the file's instructions.
 */
class DockerfileTest {

  private static final Path DOCKERFILE = Repo.EIF_BUILD.resolve("Dockerfile");

  /** One instruction: keyword and arguments, continuation lines joined, comments dropped. */
  record Instruction(String keyword, String args) {}

  static List<Instruction> instructions(Path file) throws Exception {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      String t = line.strip();
      if (current.length() == 0 && (t.isEmpty() || t.startsWith("#"))) {
        continue;
      }
      if (t.endsWith("\\")) {
        current.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      current.append(t);
      String s = current.toString().strip();
      current.setLength(0);
      int sp = s.indexOf(' ');
      out.add(new Instruction(s.substring(0, sp).toUpperCase(Locale.ROOT), s.substring(sp + 1).strip()));
    }
    return out;
  }

  /** The instructions of each stage (a stage starts at FROM). */
  static List<List<Instruction>> stages(List<Instruction> all) {
    List<List<Instruction>> stages = new ArrayList<>();
    for (Instruction i : all) {
      if (i.keyword().equals("FROM")) {
        stages.add(new ArrayList<>());
      }
      if (!stages.isEmpty()) {
        stages.get(stages.size() - 1).add(i);
      }
    }
    return stages;
  }

  @Test
  void dockerfilelintFindsNoIssueAndDoesFindThemInABadFile() throws Exception {
    NodeTools.require();
    Path bad = Files.createTempFile("Dockerfile", ".bad");
    try {
      Files.writeString(bad, "FROM ubuntu:latest\nRUN apt-get install curl\nRUN sudo reboot\n");
      JsonNode r = new ObjectMapper().readTree(NodeTools.node("dockerfilelint.cjs",
          List.of(DOCKERFILE.toString(), bad.toString())));
      assertEquals(0, r.get(DOCKERFILE.toString()).size(), () -> r.get(DOCKERFILE.toString()).toPrettyString());
      assertTrue(r.get(bad.toString()).size() >= 3, "the linter works: " + r.get(bad.toString()));
    } finally {
      Files.delete(bad);
    }
  }

  @Test
  void everyBaseImageIsPinnedByDigest() throws Exception {
    List<Instruction> froms = instructions(DOCKERFILE).stream()
        .filter(i -> i.keyword().equals("FROM")).toList();
    assertEquals(2, froms.size(), "a JDK stage and the final stage");
    for (Instruction f : froms) {
      assertTrue(f.args().matches("[a-z0-9./_-]+(:[A-Za-z0-9._-]+)?@sha256:[0-9a-f]{64}( AS \\w+)?"),
          "not pinned by digest: FROM " + f.args());
    }
  }

  @Test
  void finalStageHasNoShellRunsAsNonRootAndStartsTheEnclaveInExecForm() throws Exception {
    List<List<Instruction>> stages = stages(instructions(DOCKERFILE));
    List<Instruction> last = stages.get(stages.size() - 1);
    for (Instruction i : last) {
      assertFalse(i.keyword().equals("RUN") || i.keyword().equals("SHELL"),
          "the final stage cannot run commands (it has no shell): " + i);
      if (i.keyword().equals("COPY")) {
        assertTrue(i.args().startsWith("--from=build "), "only built files are copied: " + i);
      }
    }
    assertTrue(last.get(0).args().contains("distroless"), "a base image without a shell: " + last.get(0));
    String user = last.stream().filter(i -> i.keyword().equals("USER")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no USER in the final stage")).args();
    String uid = user.split(":")[0];
    assertFalse(uid.equals("root") || uid.equals("0"), "USER " + user);

    Instruction entry = last.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).findFirst()
        .orElseThrow(() -> new AssertionError("no ENTRYPOINT"));
    assertTrue(entry.args().startsWith("["), "ENTRYPOINT must be in exec (JSON) form: " + entry);
    JsonNode argv = new ObjectMapper().readTree(entry.args());
    assertEquals("/opt/jre/bin/java", argv.get(0).asText(), "the jlink runtime, not a system java");
    assertEquals("@/app/enclave.args", argv.get(1).asText());
  }

  @Test
  void finalImageRecordsTheMeasuredSettingsAsLabels() throws Exception {
    List<List<Instruction>> stages = stages(instructions(DOCKERFILE));
    List<Instruction> last = stages.get(stages.size() - 1);
    String labels = last.stream().filter(i -> i.keyword().equals("LABEL")).map(Instruction::args)
        .reduce("", (a, b) -> a + " " + b);
    for (String label : List.of("io.nitrosign.kms-auth-key-id=\"${AUTH_KEY_ID}\"",
        "io.nitrosign.kms-exec-key-id=\"${EXEC_KEY_ID}\"", "io.nitrosign.kms-region=\"${REGION}\"",
        "io.nitrosign.kms-account-id=\"${ACCOUNT_ID}\"",
        "io.nitrosign.deployment-id=\"${DEPLOYMENT_ID}\"",
        "io.nitrosign.public-base-url=\"${PUBLIC_BASE_URL}\"",
        "io.nitrosign.export-quorum=\"${EXPORT_QUORUM}\"")) {
      assertTrue(labels.contains(label), label + " in " + labels);
    }
    for (String arg : List.of("AUTH_KEY_ID", "EXEC_KEY_ID", "REGION", "ACCOUNT_ID", "DEPLOYMENT_ID",
        "PUBLIC_BASE_URL", "EXPORT_QUORUM")) {
      assertTrue(last.stream().anyMatch(i -> i.keyword().equals("ARG") && i.args().equals(arg)),
          "ARG " + arg + " is declared in the final stage (else its LABEL is empty)");
    }
    // no build-time clock in the image: labels and arguments carry no date
    for (Instruction i : instructions(DOCKERFILE)) {
      assertFalse(i.args().matches("(?s).*(\\$\\(date|BUILD_DATE|org\\.opencontainers\\.image\\.created).*"),
          "a timestamp makes the image irreproducible: " + i);
    }
  }

  /**
   * Runs the build stage's RUN that writes /app/enclave.args, as Docker would (bash -o pipefail
   * -c, build arguments in the environment), with /out moved to a temporary directory; returns
   * the exit code, the output and the argument file's lines (empty when it was not written).
   */
  private static Map.Entry<Repo.Result, List<String>> runArgsStep(Map<String, String> buildArgs)
      throws Exception {
    String run = stages(instructions(DOCKERFILE)).get(0).stream()
        .filter(i -> i.keyword().equals("RUN") && i.args().contains("/out/app/enclave.args"))
        .findFirst().orElseThrow().args();
    Path tmp = Files.createTempDirectory("nitrosign-enclave-args");
    try {
      Files.createDirectories(tmp.resolve("out/app"));
      Map<String, String> env = new HashMap<>(Map.of("SOURCE_DATE_EPOCH", "1700000000",
          "AUTH_KEY_ID", "arn:aws:kms:eu-west-1:111122223333:key/0c1d2e3f-aaaa-bbbb-cccc-111122223333",
          "EXEC_KEY_ID", "arn:aws:kms:eu-west-1:111122223333:key/9f8e7d6c-dddd-eeee-ffff-444455556666",
          "REGION", "eu-west-1", "VSOCK_PORT", "5000", "PROXY_PORT", "8000",
          "ALLOW_ANY_ORIGIN", "no", "PATH", System.getenv("PATH")));
      env.put("ACCOUNT_ID", "111122223333");
      env.put("DEPLOYMENT_ID", "prod-eu");
      env.putAll(buildArgs);
      List<String> shell = new ArrayList<>(List.of("bash", "-o", "pipefail", "-c",
          run.replace("/out", tmp.resolve("out").toString())));
      Repo.Result r = runClean(shell, env);
      Path args = tmp.resolve("out/app/enclave.args");
      List<String> lines = Files.exists(args) ? Files.readAllLines(args) : List.of();
      if (r.exit() == 0) {
        assertEquals(1700000000L, Files.getLastModifiedTime(args).toMillis() / 1000, "mtime fixed");
      }
      return Map.entry(r, lines);
    } finally {
      Repo.deleteTree(tmp);
    }
  }

  /** Runs with exactly {@code env} (no inherited build arguments). */
  private static Repo.Result runClean(List<String> cmd, Map<String, String> env) throws Exception {
    List<String> withEnv = new ArrayList<>(List.of("env", "-i"));
    env.forEach((k, v) -> withEnv.add(k + "=" + v));
    withEnv.addAll(cmd);
    return Repo.run(withEnv, Repo.ROOT, null, 60);
  }

  /** The enclave's own parser (EnclaveMain.parse, package-private) applied to the argfile's program arguments. */
  private static Object parseEnclaveArgs(List<String> argfile) throws Exception {
    int jar = argfile.indexOf("-jar");
    assertEquals("/app/enclave-app.jar", argfile.get(jar + 1));
    String[] program = argfile.subList(jar + 2, argfile.size()).toArray(String[]::new);
    Method parse = Class.forName("io.nitrosign.enclave.EnclaveMain").getDeclaredMethod("parse", String[].class);
    parse.setAccessible(true);
    try {
      return parse.invoke(null, (Object) program);
    } catch (InvocationTargetException e) {
      throw new AssertionError("the enclave refuses its baked-in command line " + argfile + ": "
          + e.getCause().getMessage(), e.getCause());
    }
  }

  private static Object accessor(Object record, String name) throws Exception {
    Method m = record.getClass().getDeclaredMethod(name);
    m.setAccessible(true);
    return m.invoke(record);
  }

  @Test
  void argumentFileCarriesThePublicBaseUrlAndTheExportQuorumAndTheEnclaveAcceptsIt() throws Exception {
    String k1 = BuildScriptTest.p256Spki();
    String k2 = BuildScriptTest.p256Spki();
    var result = runArgsStep(Map.of("PUBLIC_BASE_URL", "https://signer.example.com",
        "EXPORT_QUORUM", "2:" + k1 + "," + k2));
    assertEquals(0, result.getKey().exit(), result.getKey().output());
    List<String> lines = result.getValue();
    int url = lines.indexOf("--public-base-url");
    assertTrue(url > lines.indexOf("/app/enclave-app.jar"), "a program argument, after -jar: " + lines);
    assertEquals("https://signer.example.com", lines.get(url + 1));
    assertEquals("2:" + k1 + "," + k2, lines.get(lines.indexOf("--export-quorum") + 1));

    Object authorization = accessor(parseEnclaveArgs(lines), "authorization");
    assertEquals("https://signer.example.com", accessor(authorization, "publicBaseUrl"));
    Optional<?> quorum = (Optional<?>) accessor(authorization, "exportQuorum");
    assertTrue(quorum.isPresent(), "the export quorum is configured");
    assertEquals(2, accessor(quorum.get(), "getThreshold"));
    assertEquals(2, accessor(quorum.get(), "getPublicKeysCount"));
  }

  @Test
  void argumentFileStepRefusesAMissingOrMalformedPublicBaseUrlAndExportQuorum() throws Exception {
    String k1 = BuildScriptTest.p256Spki();
    Map<Map<String, String>, String> bad = new java.util.LinkedHashMap<>();
    bad.put(Map.of(), "PUBLIC_BASE_URL missing or invalid");
    bad.put(Map.of("PUBLIC_BASE_URL", ""), "PUBLIC_BASE_URL missing or invalid");
    bad.put(Map.of("PUBLIC_BASE_URL", "https://signer.example.com/"), "PUBLIC_BASE_URL missing or invalid");
    bad.put(Map.of("PUBLIC_BASE_URL", "http://signer.example.com"), "PUBLIC_BASE_URL missing or invalid");
    bad.put(Map.of("PUBLIC_BASE_URL", "https://signer.example.com\n-agentlib:jdwp"),
        "PUBLIC_BASE_URL missing or invalid");
    bad.put(Map.of("PUBLIC_BASE_URL", "https://a.example.com", "EXPORT_QUORUM", k1), "EXPORT_QUORUM invalid");
    bad.put(Map.of("PUBLIC_BASE_URL", "https://a.example.com", "EXPORT_QUORUM", "1:" + k1 + " x"),
        "EXPORT_QUORUM invalid");
    for (Map.Entry<Map<String, String>, String> c : bad.entrySet()) {
      var result = runArgsStep(c.getKey());
      assertEquals(1, result.getKey().exit(), c.getKey() + ": " + result.getKey().output());
      assertTrue(result.getKey().output().contains(c.getValue()), c.getKey() + ": " + result.getKey().output());
      assertTrue(result.getValue().isEmpty(), "no argument file: " + result.getValue());
    }
  }

  @Test
  void argumentFileStepRefusesKeyIdsThatAreNotKeyArnsOfTheAccountAndRegion() throws Exception {
    String good = "arn:aws:kms:eu-west-1:111122223333:key/0c1d2e3f-aaaa-bbbb-cccc-111122223333";
    Map<Map<String, String>, String> bad = new java.util.LinkedHashMap<>();
    bad.put(Map.of("AUTH_KEY_ID", "alias/nitrosign-auth"), "AUTH_KEY_ID missing or not a key ARN");
    bad.put(Map.of("AUTH_KEY_ID", "0c1d2e3f-aaaa-bbbb-cccc-111122223333"),
        "AUTH_KEY_ID missing or not a key ARN");
    bad.put(Map.of("AUTH_KEY_ID", good.replace("eu-west-1", "us-east-1")),
        "AUTH_KEY_ID missing or not a key ARN");
    bad.put(Map.of("EXEC_KEY_ID", good.replace("111122223333", "444455556666")),
        "EXEC_KEY_ID missing or not a key ARN");
    bad.put(Map.of("ACCOUNT_ID", ""), "ACCOUNT_ID missing or invalid");
    bad.put(Map.of("DEPLOYMENT_ID", "a b"), "DEPLOYMENT_ID missing or invalid");
    for (Map.Entry<Map<String, String>, String> c : bad.entrySet()) {
      Map<String, String> args = new HashMap<>(c.getKey());
      args.put("PUBLIC_BASE_URL", "https://signer.example.com");
      var result = runArgsStep(args);
      assertEquals(1, result.getKey().exit(), c.getKey() + ": " + result.getKey().output());
      assertTrue(result.getKey().output().contains(c.getValue()),
          c.getKey() + ": " + result.getKey().output());
    }
    var ok = runArgsStep(Map.of("PUBLIC_BASE_URL", "https://signer.example.com"));
    assertEquals(0, ok.getKey().exit(), ok.getKey().output());
    List<String> lines = ok.getValue();
    assertEquals("111122223333", lines.get(lines.indexOf("--kms-account-id") + 1));
    assertEquals("prod-eu", lines.get(lines.indexOf("--deployment-id") + 1));
    Optional<?> kms = (Optional<?>) accessor(parseEnclaveArgs(lines), "kms");
    assertEquals("prod-eu", accessor(kms.orElseThrow(), "deploymentId"));
  }

  @Test
  void withoutThePublicBaseUrlOnlyAnExplicitAllowAnyOriginBuildsAndThenTheFlagIsAbsent() throws Exception {
    var result = runArgsStep(Map.of("PUBLIC_BASE_URL", "", "ALLOW_ANY_ORIGIN", "yes"));
    assertEquals(0, result.getKey().exit(), result.getKey().output());
    assertFalse(result.getValue().contains("--public-base-url"), result.getValue().toString());
    assertFalse(result.getValue().contains("--export-quorum"), result.getValue().toString());
    assertTrue(result.getValue().stream().noneMatch(String::isEmpty), "no empty argument");
    Object authorization = accessor(parseEnclaveArgs(result.getValue()), "authorization");
    assertEquals("", accessor(authorization, "publicBaseUrl"));
    assertTrue(((Optional<?>) accessor(authorization, "exportQuorum")).isEmpty());
  }

  @Test
  void enclaveCommandLineIsBakedInWithTheProductionFlags() throws Exception {
    List<List<Instruction>> stages = stages(instructions(DOCKERFILE));
    List<Instruction> build = stages.get(0);
    String run = build.stream().filter(i -> i.keyword().equals("RUN"))
        .filter(i -> i.args().contains("/out/app/enclave.args")).findFirst()
        .orElseThrow(() -> new AssertionError("no RUN writes /app/enclave.args")).args();
    for (String flag : List.of("-jar /app/enclave-app.jar", "--listen \"vsock:any:${VSOCK_PORT}\"",
        "--nsm nitro", "--kms-auth-key-id \"$AUTH_KEY_ID\"", "--kms-exec-key-id \"$EXEC_KEY_ID\"",
        "--kms-region \"$REGION\"", "--kms-account-id \"$ACCOUNT_ID\"",
        "--deployment-id \"$DEPLOYMENT_ID\"", "--kms-vsock-proxy \"3:${PROXY_PORT}\"",
        "--public-base-url \"$PUBLIC_BASE_URL\"", "--export-quorum \"$EXPORT_QUORUM\"")) {
      assertTrue(run.contains(flag), flag + " missing from the enclave's command line: " + run);
    }
    for (String forbidden : List.of("--local-mode", "simulated", "--kms-endpoint", "agentlib", "jdwp")) {
      assertFalse(run.contains(forbidden), forbidden + " must not be in the production image");
    }
    assertTrue(run.contains("touch -h -d \"@${SOURCE_DATE_EPOCH}\""), "file times fixed: " + run);
    for (String arg : List.of("PUBLIC_BASE_URL", "ALLOW_ANY_ORIGIN", "EXPORT_QUORUM")) {
      assertTrue(build.stream().anyMatch(i -> i.keyword().equals("ARG") && i.args().matches(arg + "(=.*)?")),
          "ARG " + arg + " in the build stage");
    }
    assertTrue(build.stream().anyMatch(i -> i.args().equals("ALLOW_ANY_ORIGIN=no")),
        "the default is to require the public base URL");
    // jlink runs through the same script and module list the tests use
    assertTrue(build.stream().anyMatch(i -> i.keyword().equals("COPY")
        && i.args().contains("jlink.sh") && i.args().contains("modules.txt")));
    assertTrue(build.stream().anyMatch(i -> i.keyword().equals("RUN")
        && i.args().startsWith("/build/jlink.sh /out/opt/jre")));
    String jlink = Files.readString(Repo.EIF_BUILD.resolve("jlink.sh")).replaceAll("(?m)^\\s*#.*$", "");
    assertFalse(jlink.contains("--generate-cds-archive"), "no CDS archive (not reproducible)");
    for (String opt : List.of("--strip-debug", "--no-header-files", "--no-man-pages")) {
      assertTrue(jlink.contains(opt), opt);
    }
  }
}
