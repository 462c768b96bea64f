package io.nitrosign.parent.user;

import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes stored user sessions past their expiry every {@link #SWEEP_EVERY_MINUTES} minutes, on a
 * daemon thread of its own. A session lives at most 15 minutes (the enclave's limit), so without
 * the sweep {@code user_sessions} would grow by one row per {@code POST /v1/wallets/authenticate}
 * forever. Correctness never depends on it: expired rows are not sent to the enclave
 * ({@link UserStore#liveSessions}), and the enclave checks each session's expiry itself. Every
 * parent host sweeps; the deletes are idempotent.
 */
public final class UserSessionSweep implements Managed {

  static final long SWEEP_EVERY_MINUTES = 10;
  private static final Logger LOG = LoggerFactory.getLogger(UserSessionSweep.class);

  private final Jdbi jdbi;
  private final Clock clock;
  private ScheduledExecutorService executor;

  public UserSessionSweep(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** One sweep: deletes the sessions that expired before now; returns how many. */
  public int sweep() {
    return jdbi.inTransaction(h -> new UserStore(h).deleteExpiredSessions(clock.instant()));
  }

  @Override
  public void start() {
    executor = io.nitrosign.parent.Daemons.scheduler("user-session-sweep");
    executor.scheduleWithFixedDelay(this::sweepAndLog, 1, SWEEP_EVERY_MINUTES, TimeUnit.MINUTES);
  }

  private void sweepAndLog() {
    try {
      int n = sweep();
      if (n > 0) {
        LOG.info("user session sweep deleted {} expired sessions", n);
      }
    } catch (RuntimeException e) {
      LOG.warn("user session sweep failed: {}", e.getClass().getName());
    }
  }

  @Override
  public void stop() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
