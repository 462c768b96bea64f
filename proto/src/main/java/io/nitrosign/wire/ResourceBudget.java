package io.nitrosign.wire;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server's shared counters: open connections and the serialized bytes of requests read but
 * not yet answered. Reservations never take a count over its limit, even for a moment, so the
 * counted bytes are an exact upper bound of what the server holds in pending requests.
 */
final class ResourceBudget {

  private static final Logger log = LoggerFactory.getLogger(ResourceBudget.class);

  private final WireServer.Limits limits;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong peakPendingBytes = new AtomicLong();
  private final AtomicLong refusedConnections = new AtomicLong();
  private final AtomicLong refusedRequests = new AtomicLong();

  ResourceBudget(WireServer.Limits limits) {
    this.limits = limits;
  }

  WireServer.Limits limits() {
    return limits;
  }

  /** Counts a new connection, or returns false (and logs, without peer detail) at the cap. */
  boolean tryOpenConnection() {
    while (true) {
      int now = connections.get();
      if (now >= limits.maxConnections()) {
        long refused = refusedConnections.incrementAndGet();
        if (Long.bitCount(refused) == 1) { // 1st, 2nd, 4th, 8th, ... refusal: bounded log volume
          log.warn("refused a connection: {} connections are open, the limit ({} refused so far)",
              now, refused);
        }
        return false;
      }
      if (connections.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  int openConnections() {
    return connections.get();
  }

  /** Reserves {@code bytes} of the server-wide budget, or returns false without reserving. */
  boolean tryReserve(long bytes) {
    while (true) {
      long now = pendingBytes.get();
      if (now + bytes > limits.maxPendingBytes()) {
        return false;
      }
      if (pendingBytes.compareAndSet(now, now + bytes)) {
        peakPendingBytes.accumulateAndGet(now + bytes, Math::max);
        return true;
      }
    }
  }

  void release(long bytes) {
    pendingBytes.addAndGet(-bytes);
  }

  /** Records one refused request; logs (counts only) at the 1st, 2nd, 4th, 8th, ... */
  void requestRefused() {
    long refused = refusedRequests.incrementAndGet();
    if (Long.bitCount(refused) == 1) {
      log.warn("refused a request: the pending request byte budget is exhausted ({} refused so"
          + " far)", refused);
    }
  }

  long pendingBytes() {
    return pendingBytes.get();
  }

  long peakPendingBytes() {
    return peakPendingBytes.get();
  }
}
