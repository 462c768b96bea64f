package io.nitrosign.parent.app;

import java.time.Instant;

/**
 * An API client (Privy's "app"). The secret's salt and hash never leave the store layer.
 * {@code rateLimit}: the app's own token bucket, or null for the configured default.
 */
public record App(String id, String name, Instant createdAt, boolean disabled, boolean allowRawSign,
    boolean allowExport, RateLimit rateLimit) {

  public App(String id, String name, Instant createdAt, boolean disabled, boolean allowRawSign,
      boolean allowExport) {
    this(id, name, createdAt, disabled, allowRawSign, allowExport, null);
  }

  /**
   * A token bucket: {@code perSecond} tokens added per second, at most {@code burst} held; every
   * request takes one.
   */
  public record RateLimit(double perSecond, int burst) {
    public static final double MAX_PER_SECOND = 1_000_000;
    public static final int MAX_BURST = 1_000_000;

    public RateLimit {
      if (!(perSecond > 0 && perSecond <= MAX_PER_SECOND) || burst < 1 || burst > MAX_BURST) {
        throw new IllegalArgumentException("a rate limit needs 0 < per second <= "
            + (long) MAX_PER_SECOND + " and 1 <= burst <= " + MAX_BURST);
      }
    }
  }
}
