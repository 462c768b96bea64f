package io.nitrosign.enclave.authority;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The digests of signed requests the enclave has accepted, each kept until its request expires
 * (plus the allowed clock skew), so one signed request is honoured at most once per enclave boot.
 * Bounded: when full of unexpired entries, new requests are refused (fail closed) rather than an
 * entry being evicted early.
 */
final class ReplayCache {

  private final ConcurrentHashMap<ByteBuffer, Long> seen = new ConcurrentHashMap<>();
  private final int maxEntries;
  private final AtomicLong inserts = new AtomicLong();

  ReplayCache(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** What {@link #accept} decided. */
  enum Outcome { ACCEPTED, REPLAYED, FULL }

  /**
   * Records {@code digest} as accepted until {@code keepUntilMillis}, unless it already is.
   *
   * @param nowMillis the enclave's clock, to drop expired entries
   */
  Outcome accept(byte[] digest, long keepUntilMillis, long nowMillis) {
    if (inserts.incrementAndGet() % 1024 == 0 || seen.size() >= maxEntries) {
      purge(nowMillis);
    }
    if (seen.size() >= maxEntries) {
      return Outcome.FULL;
    }
    ByteBuffer key = ByteBuffer.wrap(digest.clone());
    Long previous = seen.putIfAbsent(key, keepUntilMillis);
    if (previous == null) {
      return Outcome.ACCEPTED;
    }
    if (previous < nowMillis) {
      // expired entry still present: the request itself is expired too; refuse as a replay
      return Outcome.REPLAYED;
    }
    return Outcome.REPLAYED;
  }

  /** Drops entries whose time has passed. */
  void purge(long nowMillis) {
    seen.entrySet().removeIf(e -> e.getValue() < nowMillis);
  }

  int size() {
    return seen.size();
  }
}
