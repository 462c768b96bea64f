package io.nitrosign.parent.idempotency;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires idempotency keys: the filter bound to {@link Idempotent} methods, the renewal of this
 * host's leases ({@link IdempotencyLeases}), and a sweep that deletes
 * keys past their 24 hours every {@link #SWEEP_EVERY_MINUTES} minutes. Every parent host sweeps;
 * the deletes are idempotent, and an expired row a sweep has not reached yet is treated as absent
 * anyway (a new request takes it over).
 */
public final class IdempotencyModule {

  static final long SWEEP_EVERY_MINUTES = 10;
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyModule.class);

  private IdempotencyModule() {}

  public static IdempotencyStore install(Environment env, Jdbi jdbi) {
    IdempotencyStore store = new IdempotencyStore(jdbi);
    IdempotencyLeases leases = new IdempotencyLeases(store);
    env.lifecycle().manage(leases);
    env.jersey().register(new IdempotencyFilter(store, leases));
    env.lifecycle().manage(new Sweeper(store));
    return store;
  }

  /** The periodic expiry sweep, on a daemon thread of its own. */
  private static final class Sweeper implements Managed {
    private final IdempotencyStore store;
    private ScheduledExecutorService executor;

    Sweeper(IdempotencyStore store) {
      this.store = store;
    }

    @Override
    public void start() {
      executor = io.nitrosign.parent.Daemons.scheduler("idempotency-sweep");
      executor.scheduleWithFixedDelay(this::sweep, 1, SWEEP_EVERY_MINUTES, TimeUnit.MINUTES);
    }

    private void sweep() {
      try {
        int n = store.sweep();
        if (n > 0) {
          LOG.info("idempotency sweep deleted {} expired keys", n);
        }
      } catch (RuntimeException e) {
        LOG.warn("idempotency sweep failed: {}", e.getClass().getName());
      }
    }

    @Override
    public void stop() {
      if (executor != null) {
        executor.shutdownNow();
      }
    }
  }
}
