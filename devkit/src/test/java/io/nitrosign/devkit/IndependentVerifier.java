package io.nitrosign.devkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Recovers the signer of an EIP-191 signature with ethers.js (a third-party library, run by
 * Node.js from devkit/src/test/node), so the end-to-end tests do not check our signatures with
 * our own code only. The first use installs ethers.js (and Privy's Node SDK, for
 * {@link PrivySdkEndToEndTest}) with {@code npm ci} from the committed lock file; without Node.js
 * this check is skipped locally and fails in CI.
 */
final class IndependentVerifier {

  static final Path DIR = Path.of("src/test/node").toAbsolutePath();

  private IndependentVerifier() {}

  private static Boolean available;
  private static String problem = "";

  /** The packages of package.json; a tree missing any of them is reinstalled. */
  private static final List<String> PACKAGES = List.of("ethers", "@privy-io/node", "@noble/curves");

  /**
   * Whether Node.js, ethers.js and Privy's Node SDK can be used; worked out (and installed) once
   * per test run.
   */
  static synchronized boolean available() {
    if (available == null) {
      boolean node = nodeOnPath();
      if (!node) {
        problem = "node is not on the PATH (Node.js 20 or later is needed)";
      } else if (!installed()) {
        npmCi();
      }
      available = node && installed();
    }
    return available;
  }

  /** Why {@link #available()} is false (empty when it is true). */
  static synchronized String problem() {
    return problem;
  }

  private static boolean installed() {
    return PACKAGES.stream().allMatch(p -> Files.isDirectory(DIR.resolve("node_modules").resolve(p)));
  }

  private static void npmCi() {
    try {
      Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
          .directory(DIR.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        problem = "npm ci in " + DIR + " failed:\n" + out;
        System.err.println(problem);
      }
    } catch (Exception e) {
      problem = "npm ci in " + DIR + " could not run (is npm on the PATH?): " + e;
      System.err.println(problem);
    }
  }

  /** True when CI must run the independent check (and fail when it cannot). */
  static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static boolean nodeOnPath() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** The EIP-55 address ethers.js recovers from a personal_sign signature. */
  static String recoverPersonalSign(String message, String signature) throws Exception {
    Process p = new ProcessBuilder(List.of("node", "verify-personal-sign.mjs", message, signature))
        .directory(DIR.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("ethers.js could not recover the signature: " + out);
    }
    return out;
  }
}
