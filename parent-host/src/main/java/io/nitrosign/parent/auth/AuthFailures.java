package io.nitrosign.parent.auth;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Failed logins: every one is counted ({@code auth.failures} and {@code auth.failures.<reason>}
 * meters); the first few per app id and minute, and per minute overall, also get an
 * {@code auth.failure} audit row (outcome {@code rejected}). The row names the app only when the
 * credentials named a real app; the id or secret a caller sent is never stored or logged.
 */
public final class AuthFailures {

  /** Why a login failed; the lower-case name is the metric suffix and the audit detail. */
  public enum Reason {
    MISSING, MALFORMED, INVALID_CREDENTIALS, APP_ID_MISMATCH;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final String METER = "auth.failures";
  /** Failures that were counted but got no audit row (over the caps, or the queue was full). */
  public static final String SUPPRESSED_METER = "auth.failures.audit_suppressed";
  public static final int AUDIT_ROWS_PER_APP_PER_MINUTE = 10;
  public static final int AUDIT_ROWS_PER_MINUTE = 100;

  private final Meter total;
  private final Map<Reason, Meter> byReason = new EnumMap<>(Reason.class);
  private final Meter suppressed;
  private final Predicate<AuditEvent> audit;
  private final FailureAuditLimiter limiter;

  /**
   * @param audit queues an audit event without waiting; false when it could not be queued
   */
  public AuthFailures(MetricRegistry metrics, Predicate<AuditEvent> audit, Clock clock,
      int rowsPerAppPerMinute, int rowsPerMinute) {
    this.total = metrics.meter(METER);
    for (Reason r : Reason.values()) {
      byReason.put(r, metrics.meter(MetricRegistry.name(METER, r.label())));
    }
    this.suppressed = metrics.meter(SUPPRESSED_METER);
    this.audit = audit;
    this.limiter = new FailureAuditLimiter(clock, rowsPerAppPerMinute, rowsPerMinute,
        Duration.ofMinutes(1));
  }

  public AuthFailures(MetricRegistry metrics, Predicate<AuditEvent> audit, Clock clock) {
    this(metrics, audit, clock, AUDIT_ROWS_PER_APP_PER_MINUTE, AUDIT_ROWS_PER_MINUTE);
  }

  /**
   * Records one failed login. {@code realAppId} is the id of an existing app the credentials
   * named, or null: never the raw id a caller sent.
   */
  public void record(Reason reason, String realAppId) {
    total.mark();
    byReason.get(reason).mark();
    if (!limiter.tryAcquire(realAppId)
        || !audit.test(new AuditEvent(realAppId, null, AuditEvent.AUTH_FAILURE, Outcome.REJECTED,
            ErrorCodes.UNAUTHORIZED, "{\"reason\":\"" + reason.label() + "\"}"))) {
      suppressed.mark();
    }
  }
}
