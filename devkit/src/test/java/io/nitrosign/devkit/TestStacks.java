package io.nitrosign.devkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the end-to-end tests that run a local stack of their own share: settings with free ports
 * and the programs on the test class path (the real enclave, parent host and PostgreSQL launcher,
 * as {@code ./appliance local up} runs them from the jars), and the clean-up.
 */
final class TestStacks {

  private TestStacks() {}

  /** Settings for a stack in {@code home} on free ports. */
  static LocalStack.Settings settings(Path home) throws IOException {
    return settings(home, freePort(), freePort());
  }

  /** Settings for a stack in {@code home} with the API and admin ports given. */
  static LocalStack.Settings settings(Path home, int httpPort, int adminPort) throws IOException {
    String cp = System.getProperty("java.class.path");
    return new LocalStack.Settings(home, httpPort, adminPort, freePort(), freePort(),
        new JavaProgram(cp, JavaProgram.POSTGRES_MAIN),
        new JavaProgram(cp, JavaProgram.ENCLAVE_MAIN),
        new JavaProgram(cp, JavaProgram.PARENT_MAIN));
  }

  /** Stops the stack (if any) and deletes its home (if any). */
  static void downAndDelete(LocalStack stack, Path home) throws IOException {
    if (stack != null) {
      stack.down();
    }
    delete(home);
  }

  /** Deletes {@code dir} and everything below it. */
  static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A port free on the loopback interface now (the stack's processes bind there). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
