package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.app.AppManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreateAppCommandTest {

  @Test
  void createAppMigratesAndPrintsOneJsonLineWithWorkingCredentials(@TempDir Path dir) throws Exception {
    TestPostgres.Db db = TestPostgres.newDatabase();
    Path config = dir.resolve("config.yml");
    Files.writeString(config, String.join("\n",
        "database:",
        "  driverClass: org.postgresql.Driver",
        "  url: " + db.url(),
        "  user: " + db.user(),
        "  password: \"\"",
        "enclave:",
        "  address: unix:" + dir.resolve("enclave.sock"),
        "logging:",
        "  level: INFO",
        "  appenders:",
        "    - type: console",
        ""));

    ParentHostApplication app = new ParentHostApplication();
    Bootstrap<ParentHostConfiguration> bootstrap = new Bootstrap<>(app);
    app.initialize(bootstrap);
    ByteArrayOutputStream cliOut = new ByteArrayOutputStream();
    ByteArrayOutputStream cliErr = new ByteArrayOutputStream();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream original = System.out;
    Optional<Throwable> failure;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    try {
      failure = new Cli(new JarLocation(ParentHostApplication.class), bootstrap, cliOut, cliErr)
          .run("create-app", "--name", "demo", config.toString());
    } finally {
      System.setOut(original);
    }
    assertTrue(failure.isEmpty(), () -> cliErr.toString(StandardCharsets.UTF_8));

    String out = stdout.toString(StandardCharsets.UTF_8);
    // the command's output is one JSON line; the console log appender may add its own lines
    // (which ones depends on what earlier tests in this JVM did to logging)
    String[] lines = java.util.Arrays.stream(out.strip().split("\n"))
        .filter(l -> l.startsWith("{")).toArray(String[]::new);
    assertEquals(1, lines.length, out);
    JsonNode line = new ObjectMapper().readTree(lines[0]);
    assertEquals(2, line.size());
    String appId = line.get("app_id").asText();
    String secret = line.get("app_secret").asText();
    assertEquals(Ids.LENGTH, appId.length());
    assertEquals(32, Base64.getUrlDecoder().decode(secret).length);

    AppManager apps = new AppManager(Jdbi.create(db.superuser()), new SecureRandom(), Clock.systemUTC(),
        new ObjectMapper());
    Optional<App> authed = apps.authenticate(appId, secret);
    assertTrue(authed.isPresent());
    assertEquals("demo", authed.get().name());
    assertFalse(authed.get().allowRawSign());
    assertTrue(apps.authenticate(appId, secret + "x").isEmpty());
  }

  @Test
  void createAppStoresTheAppsOwnRateLimitAndRefusesABurstWithoutARate(@TempDir Path dir)
      throws Exception {
    TestPostgres.Db db = TestPostgres.newDatabase();
    Path config = dir.resolve("config.yml");
    Files.writeString(config, String.join("\n",
        "database:",
        "  driverClass: org.postgresql.Driver",
        "  url: " + db.url(),
        "  user: " + db.user(),
        "  password: \"\"",
        "enclave:",
        "  address: unix:" + dir.resolve("enclave.sock"),
        "rateLimit:",
        "  defaultPerSecond: 50",
        "  defaultBurst: 100",
        ""));
    ParentHostApplication app = new ParentHostApplication();
    Bootstrap<ParentHostConfiguration> bootstrap = new Bootstrap<>(app);
    app.initialize(bootstrap);
    ByteArrayOutputStream cliErr = new ByteArrayOutputStream();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream original = System.out;
    Optional<Throwable> failure;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    try {
      failure = new Cli(new JarLocation(ParentHostApplication.class), bootstrap,
          new ByteArrayOutputStream(), cliErr).run("create-app", "--name", "limited",
          "--rate-limit-per-second", "2.5", "--rate-limit-burst", "7", config.toString());
    } finally {
      System.setOut(original);
    }
    assertTrue(failure.isEmpty(), () -> cliErr.toString(StandardCharsets.UTF_8));
    String[] lines = java.util.Arrays.stream(stdout.toString(StandardCharsets.UTF_8).strip()
        .split("\n")).filter(l -> l.startsWith("{")).toArray(String[]::new);
    assertEquals(1, lines.length);
    JsonNode line = new ObjectMapper().readTree(lines[0]);
    assertEquals(2.5, line.get("rate_limit_per_second").asDouble());
    assertEquals(7, line.get("rate_limit_burst").asInt());
    AppManager apps = new AppManager(Jdbi.create(db.superuser()), new SecureRandom(),
        Clock.systemUTC(), new ObjectMapper());
    App created = apps.authenticate(line.get("app_id").asText(),
        line.get("app_secret").asText()).orElseThrow();
    assertEquals(new App.RateLimit(2.5, 7), created.rateLimit());

    // a burst alone says nothing about the rate: refused before anything is created
    assertThrows(IllegalArgumentException.class,
        () -> io.nitrosign.parent.app.CreateAppCommand.rateLimit(null, 7));
    assertEquals(new App.RateLimit(0.5, 1),
        io.nitrosign.parent.app.CreateAppCommand.rateLimit(0.5, null));
    assertEquals(new App.RateLimit(10, 10),
        io.nitrosign.parent.app.CreateAppCommand.rateLimit(10.0, null));
  }
}
