package io.nitrosign.parent.ratelimit;

import com.codahale.metrics.MetricRegistry;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ApiExceptionMapper;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.auth.AppPrincipal;
import io.nitrosign.parent.metrics.MetricNames;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Map;

/**
 * The per-app rate limit on every authenticated route: runs after {@code AppAuthFilter} (which
 * sets the app), takes a token from the app's bucket, and answers 429 {@code rate_limited} with
 * {@code Retry-After} (whole seconds) when there is none. A refused request reaches no resource:
 * nothing is read, decided, signed or audited. It is counted in
 * {@code nitrosign_rate_limited_total{app_id}} instead of an audit row, so a client hammering the
 * API cannot flood the audit chain.
 */
@Priority(Priorities.AUTHORIZATION)
public final class RateLimitFilter implements ContainerRequestFilter {

  private final AppRateLimiter limiter;
  private final MetricRegistry metrics;
  private final ApiExceptionMapper mapper = new ApiExceptionMapper();

  public RateLimitFilter(AppRateLimiter limiter, MetricRegistry metrics) {
    this.limiter = limiter;
    this.metrics = metrics;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    SecurityContext security = request.getSecurityContext();
    if (security == null || !(security.getUserPrincipal() instanceof AppPrincipal principal)) {
      return; // a public route: no app to limit
    }
    AppRateLimiter.Decision d = limiter.tryAcquire(principal.app());
    if (d.allowed()) {
      return;
    }
    metrics.meter(MetricNames.labeled(MetricNames.RATE_LIMITED, "app_id", principal.app().id()))
        .mark();
    request.abortWith(mapper.toResponse(new ApiException(429, ErrorCodes.RATE_LIMITED,
        "rate limit exceeded for this app; retry after " + d.retryAfterSeconds() + " s",
        Map.of("Retry-After", Long.toString(d.retryAfterSeconds())))));
  }
}
