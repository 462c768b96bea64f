package io.nitrosign.enclave.authority;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ReplayCacheTest {

  /** No answers kept, no waiting: the cache as a plain replay memory. */
  private static ReplayCache plain(int maxEntries) {
    return new ReplayCache(new ReplayCache.Limits(maxEntries, 0, 0, 0));
  }

  private static ReplayCache answering(int maxAnswerBytes, long budget, long waitMillis) {
    return new ReplayCache(new ReplayCache.Limits(100, maxAnswerBytes, budget, waitMillis));
  }

  private static byte[] digest(int i) {
    byte[] d = new byte[32];
    d[0] = (byte) i;
    d[1] = (byte) (i >> 8);
    return d;
  }

  private static byte[] hash(String what) {
    byte[] h = new byte[32];
    byte[] w = what.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(w, 0, h, 0, Math.min(32, w.length));
    return h;
  }

  private static ReplayCache.Outcome outcome(ReplayCache cache, int d, byte[] requestHash,
      long keepUntil, long now) {
    return cache.accept(digest(d), requestHash, keepUntil, now).outcome();
  }

  @Test
  void aDigestIsAcceptedOnceUntilItExpiresAndThenForgotten() {
    ReplayCache cache = plain(10);
    assertEquals(ReplayCache.Outcome.ACCEPTED, outcome(cache, 1, null, 5_000, 1_000));
    assertEquals(ReplayCache.Outcome.REPLAYED, outcome(cache, 1, null, 5_000, 2_000));
    assertEquals(1, cache.size());
    // once its second has passed the entry is dropped (the request itself is expired by then)
    assertEquals(ReplayCache.Outcome.ACCEPTED, outcome(cache, 2, null, 9_000, 6_000));
    assertEquals(1, cache.size());
  }

  @Test
  void aFullCacheOfLiveEntriesRefusesRatherThanForgets() {
    ReplayCache cache = plain(3);
    for (int i = 0; i < 3; i++) {
      assertEquals(ReplayCache.Outcome.ACCEPTED, outcome(cache, i, null, 60_000, 1_000));
    }
    assertEquals(ReplayCache.Outcome.FULL, outcome(cache, 9, null, 60_000, 2_000));
    assertEquals(ReplayCache.Outcome.REPLAYED, outcome(cache, 1, null, 60_000, 2_000));
    // after the entries' time, room again
    assertEquals(ReplayCache.Outcome.ACCEPTED, outcome(cache, 9, null, 120_000, 61_000));
    assertEquals(1, cache.size());
  }

  @Test
  void anIdenticalRequestGetsTheRememberedAnswerAndAnyOtherIsAReplay() {
    ReplayCache cache = answering(1024, 1 << 20, 0);
    ReplayCache.Decision first = cache.accept(digest(1), hash("key+payload"), 60_000, 1_000);
    assertEquals(ReplayCache.Outcome.ACCEPTED, first.outcome());
    byte[] answer = "signature r||s||v".getBytes(StandardCharsets.UTF_8);
    assertTrue(first.slot().remember(answer));
    answer[0] = 'X'; // the cache kept its own copy

    ReplayCache.Decision again = cache.accept(digest(1), hash("key+payload"), 60_000, 2_000);
    assertEquals(ReplayCache.Outcome.REMEMBERED, again.outcome());
    assertArrayEquals("signature r||s||v".getBytes(StandardCharsets.UTF_8), again.answer());
    assertNull(again.slot(), "a remembered answer has no slot to settle");
    again.answer()[0] = 'Y'; // nor can a caller change what the next retry gets
    assertArrayEquals("signature r||s||v".getBytes(StandardCharsets.UTF_8),
        cache.accept(digest(1), hash("key+payload"), 60_000, 3_000).answer());

    // the same signed request asking for something else (other payload, key, proof, nonce)
    assertEquals(ReplayCache.Outcome.REPLAYED,
        outcome(cache, 1, hash("key+other payload"), 60_000, 3_000));
    // the same signed request used by an operation that never remembers answers
    assertEquals(ReplayCache.Outcome.REPLAYED, outcome(cache, 1, null, 60_000, 3_000));
    // a second remember of the settled slot changes nothing
    assertFalse(first.slot().remember("another".getBytes(StandardCharsets.UTF_8)));
    assertArrayEquals("signature r||s||v".getBytes(StandardCharsets.UTF_8),
        cache.accept(digest(1), hash("key+payload"), 60_000, 3_000).answer());
  }

  @Test
  void aRequestAcceptedWithoutAHashNeverAnswersAnIdenticalOne() {
    ReplayCache cache = answering(1024, 1 << 20, 0);
    ReplayCache.Decision first = cache.accept(digest(1), null, 60_000, 1_000);
    assertFalse(first.slot().remember(new byte[] {1, 2, 3}));
    assertEquals(0, cache.answerBytes());
    assertEquals(ReplayCache.Outcome.REPLAYED, outcome(cache, 1, null, 60_000, 2_000));
    assertEquals(ReplayCache.Outcome.REPLAYED, outcome(cache, 1, hash("x"), 60_000, 2_000));
  }

  @Test
  void aFailedFirstAttemptLeavesNoAnswerSoItsRetryIsAReplay() {
    ReplayCache cache = answering(1024, 1 << 20, 0);
    ReplayCache.Decision first = cache.accept(digest(1), hash("h"), 60_000, 1_000);
    first.slot().forget();
    assertFalse(first.slot().remember(new byte[] {1}), "a forgotten slot stays forgotten");
    assertEquals(ReplayCache.Outcome.REPLAYED, outcome(cache, 1, hash("h"), 60_000, 2_000));
    assertEquals(0, cache.answerBytes());
  }

  @Test
  void anAnswerStillBeingMadeIsAReplayWhenTheWaitIsOver() {
    // wait bound 0: an identical request arriving while the first is still signing is refused
    ReplayCache cache = answering(1024, 1 << 20, 0);
    ReplayCache.Decision first = cache.accept(digest(1), hash("h"), 60_000, 1_000);
    assertEquals(ReplayCache.Outcome.REPLAYED, outcome(cache, 1, hash("h"), 60_000, 1_000));
    // the first attempt's answer is still kept for later retries
    assertTrue(first.slot().remember(new byte[] {7}));
    assertEquals(ReplayCache.Outcome.REMEMBERED, outcome(cache, 1, hash("h"), 60_000, 2_000));
  }

  @Test
  void anIdenticalRequestWaitsForTheAnswerBeingMade() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (boolean succeeds : new boolean[] {true, false}) {
        ReplayCache cache = answering(1024, 1 << 20, 600_000);
        ReplayCache.Decision first = cache.accept(digest(1), hash("h"), 60_000, 1_000);
        Future<ReplayCache.Decision> retry = pool.submit(
            () -> cache.accept(digest(1), hash("h"), 60_000, 1_000));
        // the retry is parked on the entry before the first attempt settles
        while (cache.waiting(digest(1)) == 0) {
          assertFalse(retry.isDone(), () -> "the retry did not wait: " + join(retry));
          Thread.onSpinWait();
        }
        // a different request under the same digest does not wait: a replay at once
        assertEquals(ReplayCache.Outcome.REPLAYED, outcome(cache, 1, hash("other"), 60_000, 1_000));
        if (succeeds) {
          first.slot().remember(new byte[] {4, 2});
          ReplayCache.Decision d = retry.get();
          assertEquals(ReplayCache.Outcome.REMEMBERED, d.outcome());
          assertArrayEquals(new byte[] {4, 2}, d.answer());
        } else {
          first.slot().forget();
          assertEquals(ReplayCache.Outcome.REPLAYED, retry.get().outcome());
        }
        assertEquals(0, cache.waiting(digest(1)));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String join(Future<ReplayCache.Decision> f) {
    try {
      return String.valueOf(f.get().outcome());
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void answersOverTheSizeLimitOrTheBudgetAreNotKeptAndTheirRetriesAreReplays() {
    int overhead = ReplayCache.ANSWER_OVERHEAD_BYTES;
    ReplayCache cache = answering(100, 2L * (100 + overhead), 0);
    // too large for one answer
    ReplayCache.Decision big = cache.accept(digest(1), hash("h"), 60_000, 1_000);
    assertFalse(big.slot().remember(new byte[101]));
    assertEquals(ReplayCache.Outcome.REPLAYED, outcome(cache, 1, hash("h"), 60_000, 1_000));
    // two answers of the largest size fill the budget; a third is not kept
    assertTrue(cache.accept(digest(2), hash("h"), 60_000, 1_000).slot().remember(new byte[100]));
    assertTrue(cache.accept(digest(3), hash("h"), 60_000, 1_000).slot().remember(new byte[100]));
    assertEquals(2L * (100 + overhead), cache.answerBytes());
    assertFalse(cache.accept(digest(4), hash("h"), 90_000, 1_000).slot().remember(new byte[1]));
    assertEquals(ReplayCache.Outcome.REPLAYED, outcome(cache, 4, hash("h"), 90_000, 1_000));
    assertEquals(ReplayCache.Outcome.REMEMBERED, outcome(cache, 2, hash("h"), 60_000, 1_000));
    // answers live exactly as long as their entries: once those expire the budget is free again
    assertEquals(ReplayCache.Outcome.ACCEPTED, outcome(cache, 5, hash("h"), 120_000, 61_000));
    assertEquals(0, cache.answerBytes());
    assertEquals(ReplayCache.Outcome.ACCEPTED, outcome(cache, 2, hash("h"), 120_000, 61_000),
        "the expired entry and its answer are gone");
    assertTrue(cache.accept(digest(6), hash("h"), 120_000, 61_000).slot()
        .remember(new byte[100]));
  }

  @Test
  void anAnswerArrivingAfterItsEntryExpiredIsNotCharged() {
    ReplayCache cache = answering(100, 1 << 20, 0);
    ReplayCache.Decision slow = cache.accept(digest(1), hash("h"), 5_000, 1_000);
    cache.purge(10_000);
    assertFalse(slow.slot().remember(new byte[50]));
    assertEquals(0, cache.answerBytes());
  }

  @Test
  void manyConcurrentIdenticalRequestsGetOneAnswer() throws Exception {
    ReplayCache cache = answering(1024, 1 << 20, 600_000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CompletableFuture<Void> start = new CompletableFuture<>();
      java.util.List<Future<ReplayCache.Decision>> all = new java.util.ArrayList<>();
      for (int i = 0; i < 32; i++) {
        all.add(pool.submit(() -> {
          start.join();
          ReplayCache.Decision d = cache.accept(digest(1), hash("h"), 60_000, 1_000);
          if (d.outcome() == ReplayCache.Outcome.ACCEPTED) {
            d.slot().remember(new byte[] {9});
          }
          return d;
        }));
      }
      start.complete(null);
      int accepted = 0;
      for (Future<ReplayCache.Decision> f : all) {
        ReplayCache.Decision d = f.get();
        if (d.outcome() == ReplayCache.Outcome.ACCEPTED) {
          accepted++;
        } else {
          assertEquals(ReplayCache.Outcome.REMEMBERED, d.outcome());
          assertArrayEquals(new byte[] {9}, d.answer());
        }
      }
      assertEquals(1, accepted, "exactly one attempt acts on the signed request");
    } finally {
      pool.shutdownNow();
    }
  }
}
