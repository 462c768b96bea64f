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
    return launch(command, workDir, env);
  }

  /**
   * As {@link #start(List, Path)}, and records how it was started ({@code NAME.spec} beside the
   * pid file) so the local supervisor ({@link Supervisor}) can start it again the same way after
   * it dies. Secrets are given as the files holding them (0600, in the stack's home) and read at
   * each start, so the spec itself holds none; {@code cleanup} lists files a dead process leaves
   * behind that a new one must not find (its socket, its ready file).
   */
  public ProcessHandle startSupervisable(List<String> command, Path workDir,
      java.util.Map<String, Path> secretFiles, List<Path> cleanup) throws IOException {
    Spec spec = new Spec(command, workDir.toString(), new java.util.TreeMap<>(
        secretFiles.entrySet().stream().collect(java.util.stream.Collectors.toMap(
            java.util.Map.Entry::getKey, e -> e.getValue().toString()))),
        cleanup.stream().map(Path::toString).toList());
    Files.createDirectories(pidFile.getParent());
    Files.writeString(specFile(), SPEC_JSON.writeValueAsString(spec), StandardCharsets.UTF_8);
    return startFromSpec(spec);
  }

  /** What {@link #startSupervisable} recorded, or empty when this process has no spec. */
  public Optional<Spec> spec() {
    try {
      return Files.exists(specFile())
          ? Optional.of(SPEC_JSON.readValue(Files.readString(specFile(), StandardCharsets.UTF_8),
              Spec.class))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Starts the process again as its spec says (the supervisor's restart). */
  public ProcessHandle startFromSpec(Spec spec) throws IOException {
    for (String f : spec.cleanup()) {
      Files.deleteIfExists(Path.of(f));
    }
    java.util.Map<String, String> env = new java.util.HashMap<>();
    for (var e : spec.secretFiles().entrySet()) {
      env.put(e.getKey(), Files.readString(Path.of(e.getValue()), StandardCharsets.UTF_8).trim());
    }
    return launch(spec.command(), Path.of(spec.workDir()), env);
  }

  Path specFile() {
    return pidFile.resolveSibling(name + ".spec");
  }

  /**
   * How a supervisable process is started: its command line, working directory, environment
   * variables read from secret files, and files to delete before each start.
   */
  public record Spec(List<String> command, String workDir,
      java.util.Map<String, String> secretFiles, List<String> cleanup) {}

  private static final com.fasterxml.jackson.databind.ObjectMapper SPEC_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private ProcessHandle launch(List<String> command, Path workDir,
      java.util.Map<String, String> env) throws IOException {
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
    if (mine != null && mine.isAlive()) {
      // Started by this JVM: right after the spawn its command line may still be that of
      // setsid or the JDK's spawn helper, so the marker check below would not see it yet.
      return Optional.of(mine);
    }
    // not started here, or ours died: another JVM (local up, the supervisor) may have started
    // a new one since
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(h -> arguments(h).contains("-Dnitrosign.component=" + name));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Stops the process: SIGTERM, then SIGKILL after the grace period, and removes its spec, so a
   * supervisor does not start it again. Returns true if a process was running.
   */
  public boolean stop(Duration grace) throws IOException {
    // without its spec the supervisor leaves a stopped process stopped (removed first, so it
    // never sees this one die while the spec is still there)
    Files.deleteIfExists(specFile());
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

  /**
   * A process's arguments: from {@code /proc/PID/cmdline} where there is one (the JDK's
   * {@code ProcessHandle.Info} gives none for a long command line, such as a test class path),
   * else from {@code ProcessHandle.Info}.
   */
  private static List<String> arguments(ProcessHandle h) {
    Path cmdline = Path.of("/proc", Long.toString(h.pid()), "cmdline");
    try {
      if (Files.exists(cmdline)) {
        return List.of(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8)
            .split("\0"));
      }
    } catch (IOException e) {
      // gone meanwhile, or not readable: fall back
    }
    return h.info().arguments().map(List::of).orElse(List.of());
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
