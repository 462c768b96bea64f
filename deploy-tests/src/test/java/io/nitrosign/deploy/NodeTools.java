package io.nitrosign.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Third-party checkers run by Node.js from deploy-tests/src/test/node: {@code @cdktf/hcl2json}
 * (Terraform's HCL parser, compiled to WebAssembly) and {@code dockerfilelint}. The first use
 * installs them with {@code npm ci} from the committed lock file. Without Node.js the checks are
 * skipped on a developer machine and fail in CI ({@code CI=true}).
 */
final class NodeTools {

  static final Path DIR = Path.of("src/test/node").toAbsolutePath();
  private static Boolean ready;

  private NodeTools() {}

  /** Skips the calling test when Node.js is missing outside CI; fails when CI needs it. */
  static synchronized void require() throws Exception {
    if (ready == null) {
      ready = install();
    }
    if (!ready && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("Node.js and npm are required in CI for the deploy checks");
    }
    assumeTrue(ready, "Node.js/npm not available: HCL and Dockerfile checks skipped");
  }

  private static boolean install() throws Exception {
    try {
      if (Repo.run(List.of("node", "--version"), DIR, null, 30).exit() != 0) {
        return false;
      }
    } catch (java.io.IOException e) {
      return false;
    }
    if (!Files.isDirectory(DIR.resolve("node_modules/@cdktf/hcl2json"))
        || !Files.isDirectory(DIR.resolve("node_modules/dockerfilelint"))) {
      Repo.Result r = Repo.run(List.of("npm", "ci", "--no-audit", "--no-fund"), DIR, null, 300);
      if (r.exit() != 0) {
        System.err.println("npm ci in " + DIR + " failed:\n" + r.output());
        return false;
      }
    }
    return true;
  }

  /** Runs {@code node script args...} in the node directory and returns its standard output. */
  static String node(String script, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node", script));
    cmd.addAll(args);
    Repo.Result r = Repo.run(cmd, DIR, null, 120);
    assertEquals(0, r.exit(), () -> "node " + script + " failed:\n" + r.output());
    return r.output();
  }
}
