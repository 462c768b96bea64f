package io.nitrosign.parent.idempotency;

import io.dropwizard.lifecycle.Managed;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of the idempotency keys this parent host is running requests for: every
 * {@link IdempotencyStore#RENEW_EVERY} one UPDATE renews them all. A request holds its lease from
 * its claim until its response is stored or its key released ({@link IdempotencyFilter}); when
 * the host dies, or cannot reach the database, the leases lapse after
 * {@link IdempotencyStore#LEASE} and a retry may take a signing request over.
 *
 * <p>An attempt is renewed for at most {@link IdempotencyFilter#STALE_AFTER}: a request thread that
 * somehow never reached the response filter must not keep its key forever.
 */
public final class IdempotencyLeases implements Managed {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyLeases.class);
  /** This process, as {@code pid@hostname}: the holder recorded with each claim. */
  public static final String HOST = ManagementFactory.getRuntimeMXBean().getName();

  private final IdempotencyStore store;
  /** attempt → when it was first held (System.nanoTime). */
  private final ConcurrentHashMap<String, Long> held = new ConcurrentHashMap<>();
  private ScheduledExecutorService executor;
  private volatile boolean failing;

  public IdempotencyLeases(IdempotencyStore store) {
    this.store = store;
  }

  public void hold(String attempt) {
    held.put(attempt, System.nanoTime());
  }

  public void drop(String attempt) {
    held.remove(attempt);
  }

  /** How many attempts this host holds now (tests, metrics). */
  public int size() {
    return held.size();
  }

  void renewNow() {
    long now = System.nanoTime();
    long max = IdempotencyFilter.STALE_AFTER.toNanos();
    held.entrySet().removeIf(e -> now - e.getValue() > max);
    if (held.isEmpty()) {
      return;
    }
    List<String> attempts = List.copyOf(held.keySet());
    try {
      store.renew(attempts);
      if (failing) {
        LOG.info("idempotency leases renewed again ({} held)", attempts.size());
        failing = false;
      }
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.warn("could not renew {} idempotency leases: {}", attempts.size(),
            e.getClass().getName());
        failing = true;
      }
    }
  }

  @Override
  public void start() {
    executor = io.nitrosign.parent.Daemons.scheduler("idempotency-leases");
    long every = IdempotencyStore.RENEW_EVERY.toMillis();
    executor.scheduleWithFixedDelay(this::renewNow, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() throws InterruptedException {
    if (executor != null) {
      executor.shutdownNow();
      executor.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
