package io.nitrosign.enclave.authority;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The digests of signed requests the enclave has accepted, each kept until its request expires
 * (plus the allowed clock skew), so one signed request is honoured at most once per enclave boot.
 * Entries are also filed by the second they expire in, so dropping expired ones costs only what
 * expired. Bounded: when full of unexpired entries, new requests are refused (fail closed) rather
 * than an entry being dropped early.
 */
final class ReplayCache {

  private final ConcurrentHashMap<ByteBuffer, Long> seen = new ConcurrentHashMap<>();
  /** Second of expiry → digests expiring in it. */
  private final ConcurrentSkipListMap<Long, Queue<ByteBuffer>> bySecond =
      new ConcurrentSkipListMap<>();
  private final int maxEntries;

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
    purge(nowMillis);
    ByteBuffer key = ByteBuffer.wrap(digest.clone());
    if (seen.containsKey(key)) {
      return Outcome.REPLAYED;
    }
    if (seen.size() >= maxEntries) {
      return Outcome.FULL;
    }
    if (seen.putIfAbsent(key, keepUntilMillis) != null) {
      return Outcome.REPLAYED;
    }
    bySecond.computeIfAbsent(keepUntilMillis / 1000, s -> new ConcurrentLinkedQueue<>()).add(key);
    return Outcome.ACCEPTED;
  }

  /** Drops the entries of every second that has fully passed. */
  void purge(long nowMillis) {
    ConcurrentNavigableMap<Long, Queue<ByteBuffer>> expired = bySecond.headMap(nowMillis / 1000);
    for (Map.Entry<Long, Queue<ByteBuffer>> e = expired.pollFirstEntry(); e != null;
        e = expired.pollFirstEntry()) {
      for (ByteBuffer key : e.getValue()) {
        seen.remove(key);
      }
    }
  }

  int size() {
    return seen.size();
  }
}
