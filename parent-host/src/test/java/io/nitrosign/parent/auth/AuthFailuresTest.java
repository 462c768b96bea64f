package io.nitrosign.parent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthFailuresTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  @Test
  void eachAppGetsAtMostItsCapOfRowsPerMinuteAndAFreshWindowAfterIt() {
    FailureAuditLimiter limiter = new FailureAuditLimiter(clock, 3, 100, Duration.ofMinutes(1));
    assertEquals(3, acquired(limiter, "app1", 10));
    assertEquals(3, acquired(limiter, "app2", 10));
    clock.advance(Duration.ofSeconds(59));
    assertEquals(0, acquired(limiter, "app1", 10));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(3, acquired(limiter, "app1", 10));
  }

  @Test
  void theGlobalCapHoldsAcrossManyAppsAndUnknownIds() {
    FailureAuditLimiter limiter = new FailureAuditLimiter(clock, 3, 20, Duration.ofMinutes(1));
    int rows = acquired(limiter, null, 10);
    for (int i = 0; i < 50; i++) {
      rows += acquired(limiter, "app" + i, 10);
    }
    assertEquals(20, rows);
    clock.advance(Duration.ofMinutes(1));
    assertTrue(limiter.tryAcquire("app49"));
  }

  @Test
  void theMetersCountEveryFailureWhileOnlyTheCappedNumberIsAudited() {
    MetricRegistry metrics = new MetricRegistry();
    List<AuditEvent> audited = new ArrayList<>();
    AuthFailures failures = new AuthFailures(metrics, audited::add, clock, 5, 50);
    for (int i = 0; i < 40; i++) {
      failures.record(AuthFailures.Reason.INVALID_CREDENTIALS, "realapp");
    }
    for (int i = 0; i < 7; i++) {
      failures.record(AuthFailures.Reason.MISSING, null);
    }
    assertEquals(47, metrics.meter(AuthFailures.METER).getCount());
    assertEquals(40, metrics.meter("auth.failures.invalid_credentials").getCount());
    assertEquals(7, metrics.meter("auth.failures.missing").getCount());
    assertEquals(10, audited.size());
    assertEquals(37, metrics.meter(AuthFailures.SUPPRESSED_METER).getCount());
    AuditEvent first = audited.get(0);
    assertEquals("realapp", first.appId());
    assertEquals(AuditEvent.AUTH_FAILURE, first.action());
    assertEquals(Outcome.REJECTED, first.outcome());
    assertEquals("unauthorized", first.errorCode());
    assertEquals("{\"reason\":\"invalid_credentials\"}", first.detail());
    assertNull(audited.get(9).appId());
  }

  @Test
  void aFullAuditQueueCountsTheFailureAsSuppressed() {
    MetricRegistry metrics = new MetricRegistry();
    AuthFailures failures = new AuthFailures(metrics, e -> false, clock);
    failures.record(AuthFailures.Reason.MALFORMED, null);
    assertEquals(1, metrics.meter(AuthFailures.METER).getCount());
    assertEquals(1, metrics.meter(AuthFailures.SUPPRESSED_METER).getCount());
    assertFalse(metrics.getMeters().isEmpty());
  }

  private static int acquired(FailureAuditLimiter limiter, String key, int attempts) {
    int n = 0;
    for (int i = 0; i < attempts; i++) {
      if (limiter.tryAcquire(key)) {
        n++;
      }
    }
    return n;
  }
}
