package io.nitrosign.enclave.authority;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The digests of signed requests the enclave has accepted, each kept until its request expires
 * (plus the allowed clock skew), so one signed request is acted on at most once per enclave boot.
 * Entries are also filed by the second they expire in, so dropping expired ones costs only what
 * expired. Bounded: when full of unexpired entries, new requests are refused (fail closed) rather
 * than an entry being dropped early.
 *
 * <p>Remembered answers. A parent host can die after the enclave answered but before the answer
 * reached the client (or its audit row committed); the client then retries with the same signed
 * request, which cannot change. So an entry may also hold the answer the enclave gave: a later
 * request under the same digest whose <em>request hash</em> (what the caller asked for beyond the
 * signed request: wallet key, payload, proof mode and nonce) is identical gets that answer back,
 * byte for byte, and nothing is signed again; a different request under the same digest is a
 * replay, as before. Answers live exactly as long as their entry and count against a byte budget
 * ({@link Limits}); an answer too large for it is not kept, and its retry is a replay (fail
 * closed, as without this memory). A request that fails keeps its entry with no answer.
 *
 * <p>Between {@link #accept} and the first attempt's {@link Slot#remember} or {@link Slot#forget},
 * an identical request waits up to {@link Limits#answerWaitMillis} for the answer; when the first
 * attempt fails, or does not finish in that time, it is a replay.
 */
final class ReplayCache {

  /**
   * What the cache holds at most.
   *
   * @param maxEntries accepted digests (live, i.e. unexpired, ones)
   * @param maxAnswerBytes the largest answer kept (larger ones are not remembered)
   * @param answerBudgetBytes the bytes all kept answers may take together, each counted as its
   *     length plus {@link #ANSWER_OVERHEAD_BYTES}; an answer that does not fit is not remembered
   * @param answerWaitMillis how long an identical request waits for an answer still being made
   */
  record Limits(int maxEntries, int maxAnswerBytes, long answerBudgetBytes,
      long answerWaitMillis) {

    Limits {
      if (maxEntries < 0 || maxAnswerBytes < 0 || answerBudgetBytes < 0 || answerWaitMillis < 0) {
        throw new IllegalArgumentException("limits must not be negative");
      }
    }
  }

  /** What each kept answer costs beyond its bytes (the array, entry and future headers). */
  static final int ANSWER_OVERHEAD_BYTES = 96;

  private final ConcurrentHashMap<ByteBuffer, Entry> seen = new ConcurrentHashMap<>();
  /** Second of expiry → digests expiring in it. */
  private final ConcurrentSkipListMap<Long, Queue<ByteBuffer>> bySecond =
      new ConcurrentSkipListMap<>();
  private final Limits limits;
  private final AtomicLong answerBytes = new AtomicLong();

  ReplayCache(Limits limits) {
    this.limits = limits;
  }

  /** What {@link #accept} decided. */
  enum Outcome {
    /** First use: the caller acts on the request and then settles its {@link Slot}. */
    ACCEPTED,
    /** An identical request answered before: {@link Decision#answer()} is that answer. */
    REMEMBERED,
    /** Used before, and no answer to give back. */
    REPLAYED,
    /** Full of live entries: refused, nothing recorded. */
    FULL
  }

  /**
   * What {@link #accept} decided, with the slot for the answer (ACCEPTED) or the remembered answer
   * (REMEMBERED, a copy).
   */
  record Decision(Outcome outcome, Slot slot, byte[] answer) {}

  /**
   * Records {@code digest} as accepted until {@code keepUntilMillis}, unless it already is.
   *
   * @param requestHash SHA-256 of what the request asks for beyond the signed request, or null
   *     when its answer is never to be remembered (the request is then simply used once)
   * @param nowMillis the enclave's clock, to drop expired entries
   */
  Decision accept(byte[] digest, byte[] requestHash, long keepUntilMillis, long nowMillis) {
    purge(nowMillis);
    ByteBuffer key = ByteBuffer.wrap(digest.clone());
    Entry existing = seen.get(key);
    if (existing == null) {
      if (seen.size() >= limits.maxEntries()) {
        return new Decision(Outcome.FULL, null, null);
      }
      Entry fresh = new Entry(requestHash == null ? null : requestHash.clone());
      existing = seen.putIfAbsent(key, fresh);
      if (existing == null) {
        bySecond.computeIfAbsent(keepUntilMillis / 1000, s -> new ConcurrentLinkedQueue<>())
            .add(key);
        return new Decision(Outcome.ACCEPTED, new Slot(fresh), null);
      }
    }
    byte[] answer = existing.answerFor(requestHash, limits.answerWaitMillis());
    return answer == null ? new Decision(Outcome.REPLAYED, null, null)
        : new Decision(Outcome.REMEMBERED, null, answer);
  }

  /** Drops the entries (and the answers) of every second that has fully passed. */
  void purge(long nowMillis) {
    ConcurrentNavigableMap<Long, Queue<ByteBuffer>> expired = bySecond.headMap(nowMillis / 1000);
    for (Map.Entry<Long, Queue<ByteBuffer>> e = expired.pollFirstEntry(); e != null;
        e = expired.pollFirstEntry()) {
      for (ByteBuffer key : e.getValue()) {
        Entry gone = seen.remove(key);
        if (gone != null) {
          gone.drop();
        }
      }
    }
  }

  int size() {
    return seen.size();
  }

  /** The bytes the kept answers are counted as now. */
  long answerBytes() {
    return answerBytes.get();
  }

  /** How many requests are waiting now for the answer under {@code digest} (tests). */
  int waiting(byte[] digest) {
    Entry e = seen.get(ByteBuffer.wrap(digest));
    return e == null ? 0 : e.waiters.get();
  }

  /**
   * Where the first (accepted) attempt leaves its outcome: exactly one of {@link #remember} or
   * {@link #forget} counts; later calls do nothing. A caller must settle the slot on every path,
   * or identical requests wait the full {@link Limits#answerWaitMillis} and are then replays.
   */
  final class Slot {
    private final Entry entry;

    private Slot(Entry entry) {
      this.entry = entry;
    }

    /**
     * Keeps a copy of {@code answer} for identical requests, unless the entry takes no answers,
     * the answer is larger than {@link Limits#maxAnswerBytes} or over the remaining budget (then
     * as {@link #forget}).
     *
     * @return whether the answer is kept
     */
    boolean remember(byte[] answer) {
      return entry.settle(answer.clone());
    }

    /** No answer: identical requests are replays. */
    void forget() {
      entry.settle(null);
    }
  }

  /** One accepted digest: the request hash it was accepted with and the answer, once known. */
  private final class Entry {
    /** Null: this entry never takes an answer. */
    private final byte[] requestHash;
    /** Completes with the answer, or with null when there is none. */
    private final CompletableFuture<byte[]> answer = new CompletableFuture<>();
    private final AtomicInteger waiters = new AtomicInteger();
    /** The budget this entry's answer holds; guarded by this. */
    private long charged;
    /** Purged: takes no answer any more; guarded by this. */
    private boolean dropped;

    Entry(byte[] requestHash) {
      this.requestHash = requestHash;
    }

    synchronized boolean settle(byte[] bytes) {
      if (answer.isDone()) {
        return false;
      }
      if (bytes == null || dropped || requestHash == null
          || bytes.length > limits.maxAnswerBytes() || !charge(bytes.length)) {
        answer.complete(null);
        return false;
      }
      charged = bytes.length + ANSWER_OVERHEAD_BYTES;
      answer.complete(bytes);
      return true;
    }

    private boolean charge(int length) {
      long cost = (long) length + ANSWER_OVERHEAD_BYTES;
      while (true) {
        long used = answerBytes.get();
        if (used + cost > limits.answerBudgetBytes()) {
          return false;
        }
        if (answerBytes.compareAndSet(used, used + cost)) {
          return true;
        }
      }
    }

    synchronized void drop() {
      dropped = true;
      answerBytes.addAndGet(-charged);
      charged = 0;
      answer.complete(null);
    }

    /**
     * The answer for a request with {@code hash} (a copy), waiting up to {@code waitMillis} while
     * it is being made; null when there is none for it.
     */
    byte[] answerFor(byte[] hash, long waitMillis) {
      if (hash == null || requestHash == null || !MessageDigest.isEqual(hash, requestHash)) {
        return null;
      }
      byte[] a;
      waiters.incrementAndGet();
      try {
        a = answer.get(waitMillis, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } finally {
        waiters.decrementAndGet();
      }
      return a == null ? null : a.clone();
    }
  }
}
