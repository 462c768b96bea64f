package io.nitrosign.devkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Local mode's process supervisor: what systemd's {@code Restart=} is for the production units.
 * {@code ./appliance local up} starts it as a detached process of its own (it outlives the
 * command); it adopts the processes {@code up} started through their pid files and, when one of
 * them is gone, starts it again from its recorded spec ({@link ManagedProcess#startSupervisable})
 * after a back-off that doubles from {@link #FIRST_DELAY} to {@link #MAX_DELAY} while restarts
 * keep failing, and falls back to the first delay once the process has stayed up
 * {@link #STABLE}. Not being their parent it cannot see exit codes, so it restarts on any exit
 * ({@code Restart=always}); a process stopped on purpose ({@code local down}, or a test's
 * {@code stopEnclave}) has its spec removed first and is left alone.
 *
 * <p>It watches the processes named on its command line and any started supervisable later
 * (a spec appears in the run directory). The restart counts and last restart times are written to {@code run/supervisor.json} for
 * {@code ./appliance local status}. Usage: {@code Supervisor RUN_DIR LOG_DIR NAME...}.
 */
public final class Supervisor {

  /**
   * The first restart comes this soon: a local process that died is usually a crash, not a crash
   * loop, and every second the service is down counts (systemd's own default RestartSec is
   * 100 ms). A process that keeps dying still backs off: 250 ms, 500 ms, 1 s, ... 30 s.
   */
  static final Duration FIRST_DELAY = Duration.ofMillis(250);
  static final Duration MAX_DELAY = Duration.ofSeconds(30);
  static final Duration STABLE = Duration.ofSeconds(60);
  static final String STATE_FILE = "supervisor.json";

  /** What the supervisor knows about one process. */
  private static final class Watched {
    final ManagedProcess process;
    int restarts;
    Instant lastRestart;
    /** Restarts since the process last stayed up {@link #STABLE}; sets the back-off. */
    int failures;
    Instant upSince = Instant.now();
    Instant restartAt;

    Watched(ManagedProcess process) {
      this.process = process;
    }
  }

  private final Path runDir;
  private final Path logDir;
  private final Map<String, Watched> watched = new LinkedHashMap<>();
  private final ObjectMapper json = new ObjectMapper();

  Supervisor(Path runDir, Path logDir, List<String> names) {
    this.runDir = runDir;
    this.logDir = logDir;
    for (String n : names) {
      watched.put(n, new Watched(new ManagedProcess(n, runDir, logDir)));
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Supervisor RUN_DIR LOG_DIR NAME...");
      System.exit(2);
    }
    Supervisor s = new Supervisor(Path.of(args[0]), Path.of(args[1]),
        List.of(args).subList(2, args.length));
    s.writeState();
    log("supervising " + String.join(", ", s.watched.keySet()));
    while (true) {
      s.tick(Instant.now());
      Thread.sleep(250);
    }
  }

  /** The back-off before restart number {@code failures + 1} of a run of failing restarts. */
  static Duration delay(int failures) {
    long ms = FIRST_DELAY.toMillis() << Math.min(failures, 20);
    return Duration.ofMillis(Math.min(ms, MAX_DELAY.toMillis()));
  }

  void tick(Instant now) throws IOException {
    discover();
    for (Map.Entry<String, Watched> e : watched.entrySet()) {
      Watched w = e.getValue();
      var spec = w.process.spec();
      if (spec.isEmpty()) {
        w.restartAt = null; // stopped on purpose, or never started supervisable
        continue;
      }
      if (w.process.running().isPresent()) {
        if (w.failures > 0 && Duration.between(w.upSince, now).compareTo(STABLE) >= 0) {
          w.failures = 0;
        }
        continue;
      }
      if (w.restartAt == null) {
        Duration d = delay(w.failures);
        w.restartAt = now.plus(d);
        log(e.getKey() + " is not running; restarting in " + d.toMillis() + " ms");
        continue;
      }
      if (now.isBefore(w.restartAt)) {
        continue;
      }
      w.restartAt = null;
      w.failures++;
      w.restarts++;
      w.lastRestart = now;
      w.upSince = now;
      try {
        long pid = w.process.startFromSpec(spec.get()).pid();
        log(e.getKey() + " restarted (pid " + pid + ", restart " + w.restarts + ")");
      } catch (IOException ex) {
        log(e.getKey() + " could not be started: " + ex.getClass().getSimpleName());
      }
      writeState();
    }
  }

  /**
   * Adds the processes started supervisable after this supervisor (a spec in the run directory
   * it does not watch yet), such as a further parent host with its enclave.
   */
  private void discover() throws IOException {
    boolean added = false;
    try (var files = Files.list(runDir)) {
      for (Path f : files.toList()) {
        String file = f.getFileName().toString();
        if (file.endsWith(".spec")) {
          String name = file.substring(0, file.length() - ".spec".length());
          if (!watched.containsKey(name)) {
            watched.put(name, new Watched(new ManagedProcess(name, runDir, logDir)));
            log("supervising " + name + " too");
            added = true;
          }
        }
      }
    }
    if (added) {
      writeState();
    }
  }

  private void writeState() throws IOException {
    ObjectNode root = json.createObjectNode();
    root.put("pid", ProcessHandle.current().pid());
    for (Map.Entry<String, Watched> e : watched.entrySet()) {
      ObjectNode n = root.putObject(e.getKey());
      n.put("restarts", e.getValue().restarts);
      n.put("last_restart",
          e.getValue().lastRestart == null ? null : e.getValue().lastRestart.toString());
    }
    Path tmp = runDir.resolve(STATE_FILE + ".tmp");
    Files.writeString(tmp, json.writeValueAsString(root), StandardCharsets.UTF_8);
    Files.move(tmp, runDir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /** Restarts per process as {@code supervisor.json} in {@code runDir} records them. */
  public static Map<String, Restarts> readState(Path runDir) {
    Map<String, Restarts> out = new LinkedHashMap<>();
    try {
      var root = new ObjectMapper().readTree(
          Files.readString(runDir.resolve(STATE_FILE), StandardCharsets.UTF_8));
      root.fields().forEachRemaining(e -> {
        if (e.getValue().isObject()) {
          var last = e.getValue().path("last_restart");
          out.put(e.getKey(), new Restarts(e.getValue().path("restarts").asInt(),
              last.isTextual() ? Instant.parse(last.asText()) : null));
        }
      });
    } catch (IOException | RuntimeException e) {
      // no supervisor yet, or a torn read: no counts
    }
    return out;
  }

  /** One process's restart count and the time of the last restart (null when none). */
  public record Restarts(int count, Instant last) {}

  private static void log(String line) {
    System.out.println(Instant.now() + " " + line);
    System.out.flush();
  }
}
