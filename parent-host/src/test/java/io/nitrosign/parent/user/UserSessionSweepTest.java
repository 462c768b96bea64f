package io.nitrosign.parent.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.nitrosign.parent.TestPostgres;
import io.nitrosign.parent.auth.MutableClock;
import io.nitrosign.parent.db.Migrations;
import io.nitrosign.proto.v1.UserSession;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The user session sweep against a real PostgreSQL server, as the service role runs it: sessions
 * past their expiry are deleted, live ones (of every user and app) are kept and still served.
 */
class UserSessionSweepTest {

  private static final String ISSUER = "https://issuer.test";
  private static Jdbi jdbi;

  @BeforeAll
  static void database() {
    TestPostgres.Db db = TestPostgres.newDatabase();
    Migrations.migrate(db.superuser(), TestPostgres.SERVICE_ROLE);
    Jdbi superuser = Jdbi.create(db.superuser());
    for (String app : List.of("app_sweep_a", "app_sweep_b")) {
      superuser.useHandle(h -> h.execute("INSERT INTO apps (id, name, secret_salt, secret_hash,"
          + " created_at) VALUES (?, 'sweep', ?, ?, now())", app, new byte[16], new byte[32]));
    }
    jdbi = Jdbi.create(db.url(), TestPostgres.SERVICE_ROLE, TestPostgres.SERVICE_PASSWORD);
  }

  private static void session(String app, String subject, Instant expires, Instant now) {
    UserSession s = UserSession.newBuilder()
        .setStatement(ByteString.copyFromUtf8(subject + "@" + expires))
        .setMac(ByteString.copyFrom(new byte[32])).build();
    jdbi.useTransaction(h -> new UserStore(h).insertSession(app, ISSUER, subject, new byte[91],
        s, expires, now));
  }

  private static List<UserSession> live(String app, String subject, Instant now) {
    return jdbi.withHandle(h -> new UserStore(h).liveSessions(app, ISSUER, subject, now));
  }

  private static int rows() {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM user_sessions")
        .mapTo(Integer.class).one());
  }

  @Test
  void expiredSessionsAreDeletedAndLiveOnesKept() {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    Instant t0 = clock.instant();
    session("app_sweep_a", "alice", t0.plus(Duration.ofMinutes(5)), t0);
    session("app_sweep_a", "alice", t0.plus(Duration.ofMinutes(15)), t0);
    session("app_sweep_a", "bob", t0.plus(Duration.ofMinutes(1)), t0);
    session("app_sweep_b", "alice", t0.plus(Duration.ofMinutes(30)), t0);
    UserSessionSweep sweep = new UserSessionSweep(jdbi, clock);

    assertEquals(0, sweep.sweep(), "nothing has expired yet");
    assertEquals(4, rows());

    clock.advance(Duration.ofMinutes(10));
    assertEquals(2, sweep.sweep(), "alice's 5-minute and bob's 1-minute sessions");
    assertEquals(2, rows());
    assertEquals(1, live("app_sweep_a", "alice", clock.instant()).size());
    assertEquals(0, live("app_sweep_a", "bob", clock.instant()).size());
    assertEquals(1, live("app_sweep_b", "alice", clock.instant()).size());
    assertEquals(0, sweep.sweep(), "a second sweep finds nothing more");

    clock.advance(Duration.ofHours(1));
    assertEquals(2, sweep.sweep());
    assertEquals(0, rows());
  }
}
