package io.nitrosign.parent.enclave;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded queue in front of the enclave: at most {@code maxInFlight} calls are sent and
 * unanswered at once; at most {@code maxQueued} more wait for a slot, each for at most
 * {@code maxWait}. A call that finds the queue full, or waits its longest, is refused with
 * {@link EnclaveCallException.Kind#OVERLOADED} without being sent.
 *
 * <p>Why: without it every Jetty thread can end up waiting on the enclave, each request's latency
 * grows with the backlog, and clients time out on work that is still done. Refusing at once lets
 * clients back off (503 {@code overloaded} with Retry-After) while the requests admitted keep their
 * latency: at most the in-flight calls' service time plus {@code maxWait}. Waiters are served in
 * arrival order (a fair semaphore).
 */
final class EnclaveAdmission {

  private final int maxInFlight;
  private final int maxQueued;
  private final long maxWaitNanos;
  private final Semaphore slots;
  private final AtomicInteger queued = new AtomicInteger();

  EnclaveAdmission(int maxInFlight, int maxQueued, Duration maxWait) {
    if (maxInFlight < 1 || maxQueued < 0 || maxWait.isNegative()) {
      throw new IllegalArgumentException("maxInFlight >= 1, maxQueued >= 0, maxWait >= 0");
    }
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
    this.maxWaitNanos = maxWait.toNanos();
    this.slots = new Semaphore(maxInFlight, true);
  }

  /** Takes an in-flight slot, waiting within the bounds; release it with {@link #release}. */
  void acquire() {
    try {
      // tryAcquire with a timeout honours fairness: no overtaking of queued callers
      if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) {
        return;
      }
      if (queued.incrementAndGet() > maxQueued) {
        queued.decrementAndGet();
        throw overloaded("the enclave queue is full");
      }
      try {
        if (!slots.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
          throw overloaded("no enclave slot within the queue wait");
        }
      } finally {
        queued.decrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw overloaded("interrupted while waiting for an enclave slot");
    }
  }

  void release() {
    slots.release();
  }

  int inFlight() {
    return maxInFlight - slots.availablePermits();
  }

  int queued() {
    return Math.max(0, queued.get());
  }

  private static EnclaveCallException overloaded(String message) {
    return new EnclaveCallException(EnclaveCallException.Kind.OVERLOADED, null, message, 1);
  }
}
