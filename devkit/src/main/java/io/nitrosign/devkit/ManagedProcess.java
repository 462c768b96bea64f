package io.nitrosign.devkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A background process the devkit started, tracked by a pid file so a later {@code local down}
 * or {@code local status} (another JVM) can find it. The pid file holds the pid and a marker
 * (the component name) that must appear in the process's command line, so a recycled pid is
 * never mistaken for ours.
 */
public final class ManagedProcess {

  private final String name;
  private final Path pidFile;
  private final Path logFile;
  /** The process this object started, if any: known to be ours without a marker check. */
  private volatile ProcessHandle started;

  public ManagedProcess(String name, Path runDir, Path logDir) {
    this.name = name;
    this.pidFile = runDir.resolve(name + ".pid");
    this.logFile = logDir.resolve(name + ".log");
  }

  public String name() {
    return name;
  }

  public Path logFile() {
    return logFile;
  }

  /**
   * Starts the command detached from the caller (its own session when {@code setsid} exists),
   * output appended to the log file, and records its pid.
   */
  public ProcessHandle start(List<String> command, Path workDir) throws IOException {
    return start(command, workDir, java.util.Map.of());
  }

  /** As {@link #start(List, Path)}, with extra environment variables (e.g. secrets). */
  public ProcessHandle start(List<String> command, Path workDir, java.util.Map<String, String> env)
      throws IOException {
    Files.createDirectories(pidFile.getParent());
    Files.createDirectories(logFile.getParent());
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.addAll(command);
    // The marker lets us recognise our process by its command line.
    cmd.add(cmd.indexOf(command.get(0)) + 1, "-Dnitrosign.component=" + name);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(env);
    Process p = pb.start();
    Files.writeString(pidFile, Long.toString(p.pid()), StandardCharsets.UTF_8);
    started = p.toHandle();
    return started;
  }

  /** The running process recorded in the pid file, if it is still ours and alive. */
  public Optional<ProcessHandle> running() {
    ProcessHandle mine = started;
    if (mine != null) {
      // Started by this JVM: right after the spawn its command line may still be that of
      // setsid or the JDK's spawn helper, so the marker check below would not see it yet.
      return mine.isAlive() ? Optional.of(mine) : Optional.empty();
    }
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(h -> h.info().arguments()
              .map(a -> List.of(a).contains("-Dnitrosign.component=" + name))
              .orElse(false));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Stops the process: SIGTERM, then SIGKILL after the grace period. Returns true if a process
   * was running.
   */
  public boolean stop(Duration grace) throws IOException {
    Optional<ProcessHandle> p = running();
    if (p.isEmpty()) {
      Files.deleteIfExists(pidFile);
      return false;
    }
    ProcessHandle h = p.get();
    h.destroy();
    Instant until = Instant.now().plus(grace);
    while (h.isAlive() && Instant.now().isBefore(until)) {
      sleep(100);
    }
    if (h.isAlive()) {
      h.destroyForcibly();
      while (h.isAlive()) {
        sleep(50);
      }
    }
    Files.deleteIfExists(pidFile);
    started = null;
    return true;
  }

  /** The last lines of the log, to show when something fails to start. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join(System.lineSeparator(),
          all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + logFile + ")";
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
