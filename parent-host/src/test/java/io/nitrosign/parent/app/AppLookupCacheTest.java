package io.nitrosign.parent.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.auth.MutableClock;
import io.nitrosign.parent.db.Migrations;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** App lookups, counted by a JDBI SQL hook: what reaches the database and what does not. */
class AppLookupCacheTest {

  private static Jdbi jdbi;
  private static final AtomicInteger APP_QUERIES = new AtomicInteger();

  private MutableClock clock;
  private AppManager apps;

  @BeforeAll
  static void database() {
    TestPostgres.Db db = TestPostgres.newDatabase();
    Migrations.migrate(db.superuser(), db.user());
    jdbi = Jdbi.create(db.superuser());
    jdbi.setSqlLogger(new SqlLogger() {
      @Override
      public void logAfterExecution(StatementContext context) {
        if (context.getRenderedSql().contains("FROM apps")) {
          APP_QUERIES.incrementAndGet();
        }
      }
    });
  }

  @BeforeEach
  void freshManager() {
    clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    apps = new AppManager(jdbi, new SecureRandom(), clock, new ObjectMapper());
  }

  @Test
  void anUnknownAppIdHitsTheDatabaseOnceWithinTheTtl() {
    int before = APP_QUERIES.get();
    for (int i = 0; i < 50; i++) {
      assertFalse(apps.login("unknownapp00000000000000", "whatever").succeeded());
      clock.advance(Duration.ofMillis(50));
    }
    assertEquals(1, APP_QUERIES.get() - before);
    clock.advance(AppManager.APP_CACHE_TTL);
    assertFalse(apps.login("unknownapp00000000000000", "whatever").succeeded());
    assertEquals(2, APP_QUERIES.get() - before);
  }

  @Test
  void implausibleAppIdsNeverReachTheDatabase() {
    int before = APP_QUERIES.get();
    assertFalse(apps.login("NOT AN ID; DROP TABLE apps", "x").succeeded());
    assertEquals(0, APP_QUERIES.get() - before);
  }

  @Test
  void aWrongSecretNamesTheRealAppAndAnUnknownIdNamesNone() {
    CreatedApp app = apps.create("named", false);
    AppManager.Login wrong = apps.login(app.app().id(), "not-the-secret");
    assertFalse(wrong.succeeded());
    assertEquals(app.app().id(), wrong.namedAppId());
    AppManager.Login unknown = apps.login("unknownapp11111111111111", app.secret());
    assertFalse(unknown.succeeded());
    assertNull(unknown.namedAppId());
    assertTrue(apps.login(app.app().id(), app.secret()).succeeded());
  }

  @Test
  void anAppAddedByAnotherHostIsFoundOnceTheUnknownIdEntryExpires() {
    String id = "otherhostapp000000000000";
    assertFalse(apps.login(id, "secret").succeeded());
    String secret = AppSecrets.newSecret(new SecureRandom());
    jdbi.useHandle(h -> new AppStore(h).insert(
        new App(id, "other host", clock.instant(), false, false, false),
        AppSecrets.store(secret, new SecureRandom())));
    assertFalse(apps.login(id, secret).succeeded());
    clock.advance(AppManager.APP_CACHE_TTL);
    assertTrue(apps.login(id, secret).succeeded());
  }
}
