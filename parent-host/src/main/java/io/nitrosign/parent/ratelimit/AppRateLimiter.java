package io.nitrosign.parent.ratelimit;

import io.nitrosign.parent.app.App;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per app, in memory on this parent host. A bucket starts full ({@code burst}
 * tokens), gains {@code perSecond} tokens a second up to {@code burst}, and every request takes one;
 * a request that finds less than one token is refused with the whole seconds until one is there.
 * The limit is read from the (cached) app row on every request, so a change applies within the app
 * cache's lifetime; a bucket keeps its tokens (capped at the new burst) across a change.
 *
 * <p>Keys are the ids of authenticated apps only (the filter runs after authentication), so the
 * map is bounded by the number of apps; idle full buckets are dropped when it grows large.
 */
public final class AppRateLimiter {

  /** The verdict: allowed, or refused with the seconds to wait (at least 1). */
  public record Decision(boolean allowed, long retryAfterSeconds) {
    static final Decision ALLOWED = new Decision(true, 0);
  }

  private static final int MAX_BUCKETS = 100_000;

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long lastNanos) {
      this.tokens = tokens;
      this.lastNanos = lastNanos;
    }
  }

  private final Clock clock;
  private final App.RateLimit defaultLimit;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** {@code defaultLimit}: for apps without their own; null: those apps are not limited. */
  public AppRateLimiter(Clock clock, App.RateLimit defaultLimit) {
    this.clock = clock;
    this.defaultLimit = defaultLimit;
  }

  /** The limit that applies to {@code app}, or null for none. */
  public App.RateLimit limitOf(App app) {
    return app.rateLimit() != null ? app.rateLimit() : defaultLimit;
  }

  /** Takes a token for one request of {@code app}, or says how long to wait. */
  public Decision tryAcquire(App app) {
    App.RateLimit limit = limitOf(app);
    if (limit == null) {
      return Decision.ALLOWED;
    }
    long now = nanos(clock.instant());
    if (buckets.size() >= MAX_BUCKETS && !buckets.containsKey(app.id())) {
      prune(now);
    }
    Bucket b = buckets.computeIfAbsent(app.id(), k -> new Bucket(limit.burst(), now));
    synchronized (b) {
      long elapsed = Math.max(0, now - b.lastNanos); // a clock stepping back adds nothing
      b.lastNanos = Math.max(b.lastNanos, now);
      b.tokens = Math.min(limit.burst(), b.tokens + elapsed / 1e9 * limit.perSecond());
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return Decision.ALLOWED;
      }
      double seconds = (1 - b.tokens) / limit.perSecond();
      return new Decision(false, Math.max(1, (long) Math.ceil(seconds)));
    }
  }

  /** Drops buckets that have been idle long enough to be full again (they start full anyway). */
  private void prune(long now) {
    buckets.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        return now - e.getValue().lastNanos > 3_600_000_000_000L;
      }
    });
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
