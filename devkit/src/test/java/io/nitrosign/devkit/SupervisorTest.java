package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor's back-off and its bookkeeping, on a real (short-lived) process. */
class SupervisorTest {

  @TempDir Path dir;

  /** A process that only waits to be killed. */
  public static final class Sleeper {
    public static void main(String[] args) throws InterruptedException {
      Thread.sleep(300_000);
    }
  }

  /**
   * The restarted process as another JVM finds it (pid file and marker); right after the spawn
   * its command line may still be the JDK's spawn helper's, so this polls (generous deadline).
   */
  private static ProcessHandle started(Path run, Path logs) throws InterruptedException {
    Instant until = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(until)) {
      var h = new ManagedProcess("sleeper", run, logs).running();
      if (h.isPresent()) {
        return h.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the supervisor did not start sleeper");
  }

  @Test
  void backOffDoublesFromAQuarterSecondAndIsCappedAtThirtySeconds() {
    assertEquals(Duration.ofMillis(250), Supervisor.delay(0));
    assertEquals(Duration.ofMillis(500), Supervisor.delay(1));
    assertEquals(Duration.ofSeconds(1), Supervisor.delay(2));
    assertEquals(Duration.ofSeconds(4), Supervisor.delay(4));
    assertEquals(Duration.ofSeconds(16), Supervisor.delay(6));
    assertEquals(Duration.ofSeconds(30), Supervisor.delay(7));
    assertEquals(Duration.ofSeconds(30), Supervisor.delay(1000));
  }

  @Test
  void restartsADeadProcessAfterItsBackOffAndLeavesAStoppedOneAlone() throws Exception {
    Path run = dir.resolve("run");
    Path logs = dir.resolve("logs");
    ManagedProcess p = new ManagedProcess("sleeper", run, logs);
    Path stale = dir.resolve("stale.sock");
    // a JVM, as every supervised process is (the pid file's marker is a JVM option)
    p.startSupervisable(new JavaProgram(System.getProperty("java.class.path"),
        Sleeper.class.getName()).command(List.of("-Xmx16m"), List.of()), dir, java.util.Map.of(),
        List.of(stale));
    ProcessHandle first = p.running().orElseThrow();
    // named nowhere: found through its spec, as a parent host added after up is
    Supervisor s = new Supervisor(run, logs, List.of());
    Instant t0 = Instant.now();
    s.tick(t0);
    assertTrue(Supervisor.readState(run).isEmpty() || Supervisor.readState(run)
        .get("sleeper").count() == 0);

    first.destroyForcibly();
    first.onExit().get();
    Files.writeString(stale, "left behind");
    s.tick(t0); // notices: restart scheduled in 250 ms
    s.tick(t0.plusMillis(200)); // not yet
    assertTrue(new ManagedProcess("sleeper", run, logs).running().isEmpty());
    s.tick(t0.plusMillis(250));
    ProcessHandle second = started(run, logs);
    assertTrue(second.pid() != first.pid());
    assertTrue(Files.notExists(stale), "the spec's clean-up ran before the start");
    Supervisor.Restarts r = Supervisor.readState(run).get("sleeper");
    assertEquals(1, r.count());
    assertEquals(t0.plusMillis(250), r.last());

    // a second death within the stable period: the back-off has doubled to 500 ms
    second.destroyForcibly();
    second.onExit().get();
    Instant t1 = t0.plusSeconds(5);
    s.tick(t1);
    s.tick(t1.plusMillis(400));
    assertTrue(new ManagedProcess("sleeper", run, logs).running().isEmpty());
    s.tick(t1.plusMillis(500));
    ProcessHandle third = started(run, logs);
    assertEquals(2, Supervisor.readState(run).get("sleeper").count());

    // stopped on purpose: the spec goes first, and nothing starts it again
    assertTrue(new ManagedProcess("sleeper", run, logs).stop(Duration.ofSeconds(5)));
    assertTrue(!third.isAlive());
    s.tick(t1.plusSeconds(60));
    s.tick(t1.plusSeconds(120));
    assertTrue(new ManagedProcess("sleeper", run, logs).running().isEmpty());
    assertEquals(2, Supervisor.readState(run).get("sleeper").count());
  }
}
