package io.nitrosign.parent.ratelimit;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nitrosign.parent.app.App;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * {@code rateLimit:} in the YAML: the token bucket of every app that has none of its own
 * ({@code apps.rate_limit_per_second} / {@code rate_limit_burst}). {@code defaultPerSecond} 0 (the
 * default) means such apps are not limited. Each parent host keeps its own buckets, so with N hosts
 * behind the load balancer an app may reach N times its rate.
 */
public class RateLimitConfiguration {

  @Min(0)
  @Max(1_000_000)
  private double defaultPerSecond = 0;

  @Min(1)
  @Max(1_000_000)
  private int defaultBurst = 100;

  @JsonProperty
  public double getDefaultPerSecond() {
    return defaultPerSecond;
  }

  @JsonProperty
  public void setDefaultPerSecond(double defaultPerSecond) {
    this.defaultPerSecond = defaultPerSecond;
  }

  @JsonProperty
  public int getDefaultBurst() {
    return defaultBurst;
  }

  @JsonProperty
  public void setDefaultBurst(int defaultBurst) {
    this.defaultBurst = defaultBurst;
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  @AssertTrue(message = "rateLimit.defaultPerSecond must be a finite number")
  public boolean isDefaultFinite() {
    return Double.isFinite(defaultPerSecond);
  }

  /** The default bucket, or null when apps without their own limit are not limited. */
  public App.RateLimit defaultLimit() {
    return defaultPerSecond > 0 ? new App.RateLimit(defaultPerSecond, defaultBurst) : null;
  }
}
