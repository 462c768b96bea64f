package io.nitrosign.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
  void enclaveCommandLineIsBakedInWithTheProductionFlags() throws Exception {
    List<List<Instruction>> stages = stages(instructions(DOCKERFILE));
    List<Instruction> build = stages.get(0);
    String run = build.stream().filter(i -> i.keyword().equals("RUN"))
        .filter(i -> i.args().contains("/out/app/enclave.args")).findFirst()
        .orElseThrow(() -> new AssertionError("no RUN writes /app/enclave.args")).args();
    for (String flag : List.of("-jar /app/enclave-app.jar", "--listen \"vsock:any:${VSOCK_PORT}\"",
        "--nsm nitro", "--kms-auth-key-id \"$AUTH_KEY_ID\"", "--kms-exec-key-id \"$EXEC_KEY_ID\"",
        "--kms-region \"$REGION\"", "--kms-vsock-proxy \"3:${PROXY_PORT}\"")) {
      assertTrue(run.contains(flag), flag + " missing from the enclave's command line: " + run);
    }
    for (String forbidden : List.of("--local-mode", "simulated", "--kms-endpoint", "agentlib", "jdwp")) {
      assertFalse(run.contains(forbidden), forbidden + " must not be in the production image");
    }
    assertTrue(run.contains("touch -h -d \"@${SOURCE_DATE_EPOCH}\""), "file times fixed: " + run);
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
