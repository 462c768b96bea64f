package io.nitrosign.parent.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.parent.app.App;
import io.nitrosign.parent.auth.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock the test moves: exact refills and Retry-After values. */
class AppRateLimiterTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  private static App app(String id, App.RateLimit limit) {
    return new App(id, id, Instant.EPOCH, false, false, false, limit);
  }

  @Test
  void aFullBucketAllowsItsBurstThenRefusesUntilATokenIsBack() {
    AppRateLimiter limiter = new AppRateLimiter(clock, null);
    App a = app("a", new App.RateLimit(2, 3)); // 2 per second, 3 at once
    for (int i = 0; i < 3; i++) {
      assertTrue(limiter.tryAcquire(a).allowed(), "burst request " + i);
    }
    AppRateLimiter.Decision refused = limiter.tryAcquire(a);
    assertFalse(refused.allowed());
    assertEquals(1, refused.retryAfterSeconds()); // 0.5 s to the next token, rounded up

    clock.advance(Duration.ofMillis(499));
    assertFalse(limiter.tryAcquire(a).allowed());
    clock.advance(Duration.ofMillis(1));
    assertTrue(limiter.tryAcquire(a).allowed()); // exactly one token after 500 ms
    assertFalse(limiter.tryAcquire(a).allowed());

    // a long idle period fills the bucket to its burst, not beyond
    clock.advance(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertTrue(limiter.tryAcquire(a).allowed());
    }
    assertFalse(limiter.tryAcquire(a).allowed());
  }

  @Test
  void retryAfterIsTheWholeSecondsUntilTheNextToken() {
    AppRateLimiter limiter = new AppRateLimiter(clock, null);
    App slow = app("slow", new App.RateLimit(0.1, 1)); // one request per 10 s
    assertTrue(limiter.tryAcquire(slow).allowed());
    assertEquals(10, limiter.tryAcquire(slow).retryAfterSeconds());
    clock.advance(Duration.ofMillis(2500));
    assertEquals(8, limiter.tryAcquire(slow).retryAfterSeconds()); // 7.5 s left, rounded up
    clock.advance(Duration.ofMillis(7500));
    assertTrue(limiter.tryAcquire(slow).allowed());
  }

  @Test
  void appsHaveTheirOwnBucketsAndTheDefaultAppliesToAppsWithoutALimit() {
    AppRateLimiter limiter = new AppRateLimiter(clock, new App.RateLimit(1, 1));
    App a = app("a", null);
    App b = app("b", null);
    App own = app("own", new App.RateLimit(100, 100));
    assertTrue(limiter.tryAcquire(a).allowed());
    assertFalse(limiter.tryAcquire(a).allowed());
    assertTrue(limiter.tryAcquire(b).allowed()); // b's bucket is not a's
    for (int i = 0; i < 100; i++) {
      assertTrue(limiter.tryAcquire(own).allowed());
    }
    assertEquals(new App.RateLimit(1, 1), limiter.limitOf(a));
  }

  @Test
  void withoutADefaultAppsWithoutALimitAreNotLimited() {
    AppRateLimiter limiter = new AppRateLimiter(clock, null);
    App free = app("free", null);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(limiter.tryAcquire(free).allowed());
    }
    assertNull(limiter.limitOf(free));
  }

  @Test
  void aClockSteppingBackAddsNoTokens() {
    AppRateLimiter limiter = new AppRateLimiter(clock, null);
    App a = app("a", new App.RateLimit(1, 1));
    assertTrue(limiter.tryAcquire(a).allowed());
    clock.advance(Duration.ofSeconds(-30));
    assertFalse(limiter.tryAcquire(a).allowed());
    clock.advance(Duration.ofSeconds(30));
    assertFalse(limiter.tryAcquire(a).allowed()); // the bucket's time did not go back
    clock.advance(Duration.ofSeconds(1));
    assertTrue(limiter.tryAcquire(a).allowed());
  }

  @Test
  void limitsMustBePositiveAndBounded() {
    assertThrows(IllegalArgumentException.class, () -> new App.RateLimit(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new App.RateLimit(Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> new App.RateLimit(1, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new App.RateLimit(Double.POSITIVE_INFINITY, 1));
    RateLimitConfiguration none = new RateLimitConfiguration();
    assertNull(none.defaultLimit());
    none.setDefaultPerSecond(5);
    none.setDefaultBurst(10);
    assertEquals(new App.RateLimit(5, 10), none.defaultLimit());
  }
}
