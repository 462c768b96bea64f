package io.nitrosign.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Paths in the repository and a small process runner for the deploy tests. */
final class Repo {

  /** The repository root: surefire runs the tests in deploy-tests/. */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path EIF_BUILD = ROOT.resolve("eif-build");
  static final Path TERRAFORM = ROOT.resolve("terraform");

  private Repo() {}

  /** A finished process: exit code and everything it printed (stdout and stderr together). */
  record Result(int exit, String output) {}

  /** Runs a command to completion; a command still running after {@code limitSeconds} fails the test. */
  static Result run(List<String> command, Path dir, Map<String, String> env, long limitSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    if (env != null) {
      pb.environment().putAll(env);
    }
    Process p = pb.start();
    p.getOutputStream().close();
    // read on another thread so a full pipe never blocks the process
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        out.append("<output unreadable: ").append(e).append('>');
      }
    });
    reader.start();
    if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor();
      reader.join();
      throw new AssertionError(command + " did not finish within " + limitSeconds + " s:\n" + out);
    }
    reader.join();
    return new Result(p.exitValue(), out.toString());
  }

  /** The modules listed in eif-build/modules.txt, in file order. */
  static List<String> jlinkModules() throws IOException {
    List<String> modules = new ArrayList<>();
    for (String line : Files.readAllLines(EIF_BUILD.resolve("modules.txt"))) {
      String m = line.replaceAll("#.*", "").strip();
      if (!m.isEmpty()) {
        modules.add(m);
      }
    }
    return modules;
  }

  /** The JDK tool {@code name} of the JDK running the tests (jlink, jdeps). */
  static Path jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name);
  }

  static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
