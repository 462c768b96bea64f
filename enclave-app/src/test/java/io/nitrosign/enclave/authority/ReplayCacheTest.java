package io.nitrosign.enclave.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReplayCacheTest {

  private static byte[] digest(int i) {
    byte[] d = new byte[32];
    d[0] = (byte) i;
    d[1] = (byte) (i >> 8);
    return d;
  }

  @Test
  void aDigestIsAcceptedOnceUntilItExpiresAndThenForgotten() {
    ReplayCache cache = new ReplayCache(10);
    assertEquals(ReplayCache.Outcome.ACCEPTED, cache.accept(digest(1), 5_000, 1_000));
    assertEquals(ReplayCache.Outcome.REPLAYED, cache.accept(digest(1), 5_000, 2_000));
    assertEquals(1, cache.size());
    // once its second has passed the entry is dropped (the request itself is expired by then)
    assertEquals(ReplayCache.Outcome.ACCEPTED, cache.accept(digest(2), 9_000, 6_000));
    assertEquals(1, cache.size());
  }

  @Test
  void aFullCacheOfLiveEntriesRefusesRatherThanForgets() {
    ReplayCache cache = new ReplayCache(3);
    for (int i = 0; i < 3; i++) {
      assertEquals(ReplayCache.Outcome.ACCEPTED, cache.accept(digest(i), 60_000, 1_000));
    }
    assertEquals(ReplayCache.Outcome.FULL, cache.accept(digest(9), 60_000, 2_000));
    assertEquals(ReplayCache.Outcome.REPLAYED, cache.accept(digest(1), 60_000, 2_000));
    // after the entries' time, room again
    assertEquals(ReplayCache.Outcome.ACCEPTED, cache.accept(digest(9), 120_000, 61_000));
    assertEquals(1, cache.size());
  }
}
