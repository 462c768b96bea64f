package io.nitrosign.parent.enclave;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real enclave program ({@code io.nitrosign.enclave.EnclaveMain}) as a child process of the
 * test JVM, from the test class path: local mode with the simulated NSM and no KMS, so it stays
 * SEALED and answers Health and GetAttestation (the parent's calls that need no key). Tests make it
 * fail the way an enclave fails: {@link #kill} (SIGKILL: the socket goes dead), {@link #freeze}
 * (SIGSTOP: connected, but nothing answers until {@link #thaw}), and start it again on the same
 * socket.
 */
public final class RealEnclave implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private final Path dir;
  private final Path socket;
  private Process process;

  private RealEnclave(Path dir) {
    this.dir = dir;
    this.socket = dir.resolve("enclave.sock");
  }

  /** Makes the simulated NSM's root CA and starts the enclave. */
  public static RealEnclave start() {
    try {
      RealEnclave e = new RealEnclave(Files.createTempDirectory("nitrosign-real-enclave"));
      Process ca = new ProcessBuilder(java("io.nitrosign.enclave.nsm.SimulatedNsmCa", "init",
          e.dir.resolve("nsm").toString()))
          .redirectErrorStream(true).redirectOutput(e.dir.resolve("nsm-ca.log").toFile()).start();
      if (!ca.waitFor(60, TimeUnit.SECONDS) || ca.exitValue() != 0) {
        ca.destroyForcibly();
        throw new IllegalStateException("SimulatedNsmCa init failed: "
            + Files.readString(e.dir.resolve("nsm-ca.log")));
      }
      e.restart();
      return e;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    }
  }

  /** The simulated NSM's CA directory ({@code root.pem}, the root attestation documents chain to). */
  public Path nsmDir() {
    return dir.resolve("nsm");
  }

  /** The address the parent's {@code enclave.address} names. */
  public String address() {
    return "unix:" + socket;
  }

  /** Starts the enclave process (again) and waits until it listens. */
  public synchronized void restart() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the enclave is running");
    }
    Files.deleteIfExists(socket);
    process = new ProcessBuilder(java("io.nitrosign.enclave.EnclaveMain",
        "--listen", address(), "--local-mode", "--nsm", "simulated",
        "--simulated-nsm-ca", dir.resolve("nsm").toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("enclave.log").toFile()))
        .start();
    Instant until = Instant.now().plus(START_TIMEOUT);
    while (!Files.exists(socket)) {
      if (!process.isAlive() || Instant.now().isAfter(until)) {
        process.destroyForcibly();
        throw new IllegalStateException("the enclave did not start: "
            + Files.readString(dir.resolve("enclave.log")));
      }
      Thread.sleep(50);
    }
  }

  /** SIGKILL, as a crash: no shutdown hook, the socket's peer is gone. */
  public synchronized void kill() throws InterruptedException {
    thaw();
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGSTOP: the process keeps its connections but answers nothing. */
  public synchronized void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: it answers what it read while frozen. */
  public synchronized void thaw() throws InterruptedException {
    try {
      signal("CONT");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void signal(String name) throws IOException, InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " failed");
    }
  }

  @Override
  public synchronized void close() {
    if (process != null) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static List<String> java(String main, String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), main));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
