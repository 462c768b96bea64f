package io.nitrosign.parent.audit;

import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for audit rows that stand in a transaction of their own (signing attempts): callers
 * queue an event and wait until it has committed; one writer thread appends whatever is queued in
 * a single transaction (one advisory lock, one chain-head read, one batch insert), so concurrent
 * signers share commits instead of queueing on the chain lock one by one.
 *
 * <p>An event may carry a spending-limit reservation ({@link AuditEvent#reservation()}): it is
 * committed in the batch's transaction, and if it cannot be (it lapsed), the batch fails like any
 * refused row.
 *
 * <p>If a batch fails, each of its events is retried in a transaction of its own, so one row the
 * database refuses cannot fail the others. {@link #appendDurably} returns only after the event's
 * row has committed, and throws otherwise: a caller that gets an exception must not release what
 * the row was to record. Audit rows that belong in the same transaction as other state (wallet
 * creation) do not come here; they use {@link AuditStore#append} inside that transaction.
 *
 * <p>It appends to one chain, this host's ({@link AuditChainName}), given to its constructor.
 */
public final class AuditWriter implements Managed {

  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
  /** Rows per transaction at most. */
  static final int MAX_BATCH = 256;

  private record Pending(AuditEvent event, CompletableFuture<Long> committed) {}

  private final Jdbi jdbi;
  private final Clock clock;
  private final AuditChainName chain;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(16_384);
  private final Thread writer;
  private volatile boolean running = true;

  public AuditWriter(Jdbi jdbi, Clock clock, AuditChainName chain) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.chain = java.util.Objects.requireNonNull(chain);
    this.writer = new Thread(this::loop, "audit-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /**
   * Thrown when an audit row could not be committed in time. Carries no detail of the event; its
   * cause, when there is one, is why the database refused the row.
   */
  public static final class AuditUnavailableException extends RuntimeException {
    AuditUnavailableException(String message) {
      super(message, null, false, false);
    }

    AuditUnavailableException(String message, Throwable cause) {
      super(message, cause, false, false);
    }

    /**
     * True when trying again later may succeed: the writer was busy, stopped or too slow, the
     * database was unreachable, or a spending-limit reservation lapsed (a retry is decided
     * afresh). False when the database refused the row itself (a constraint: a bug).
     */
    public boolean retryable() {
      Throwable cause = getCause();
      return cause == null || io.nitrosign.parent.api.DatabaseErrors.unavailable(cause)
          || cause instanceof io.nitrosign.parent.policy.SpendLedger.ReservationLapsedException;
    }
  }

  /**
   * Appends the event and waits for its commit. Returns the row id.
   *
   * @throws AuditUnavailableException when the row was refused, the queue is full, the writer is
   *     stopped, or the commit did not happen within {@code timeout}
   * @throws io.nitrosign.parent.idempotency.SignRequests.AttemptLostException when the event
   *     ends a succeeded sign-request attempt that no longer holds its idempotency key
   */
  public long appendDurably(AuditEvent event, Duration timeout) {
    if (!running) {
      throw new AuditUnavailableException("audit writer stopped");
    }
    Pending p = new Pending(event, new CompletableFuture<>());
    if (!queue.offer(p)) {
      throw new AuditUnavailableException("audit queue full");
    }
    try {
      return p.committed().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AuditUnavailableException("audit commit timed out");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof io.nitrosign.parent.idempotency.SignRequests.AttemptLostException
          lost) {
        throw lost;
      }
      throw new AuditUnavailableException("audit commit failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditUnavailableException("interrupted");
    }
  }

  /**
   * Queues the event without waiting for its commit (for rows that record a refusal and guard
   * nothing, such as failed logins). Returns false when the queue is full or the writer stopped;
   * a row that the database refuses is only logged, like any other.
   */
  public boolean offer(AuditEvent event) {
    if (!running) {
      return false;
    }
    return queue.offer(new Pending(event, new CompletableFuture<>()));
  }

  private void loop() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (running || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        // stop() interrupts only to wake the poll; the loop drains what is left
      } catch (RuntimeException e) {
        LOG.error("audit writer: unexpected {}", e.getClass().getName());
        batch.forEach(p -> p.committed().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Pending> batch) {
    List<AuditEvent> events = batch.stream().map(Pending::event).toList();
    try {
      List<Long> ids = jdbi.inTransaction(h -> new AuditStore(h, clock, chain).appendAll(events));
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).committed().complete(ids.get(i));
      }
      return;
    } catch (RuntimeException e) {
      if (batch.size() == 1) {
        LOG.error("audit append failed for {} {}: {}", events.get(0).action(),
            events.get(0).outcome(), e.getClass().getName());
        batch.get(0).committed().completeExceptionally(e);
        return;
      }
      LOG.warn("audit batch of {} failed ({}); retrying one by one", batch.size(),
          e.getClass().getName());
    }
    for (Pending p : batch) {
      write(List.of(p));
    }
  }

  @Override
  public void start() {}

  /** Stops taking events, commits what is queued, and ends the writer thread. */
  @Override
  public void stop() throws InterruptedException {
    running = false;
    writer.interrupt();
    writer.join(Duration.ofSeconds(30).toMillis());
    Pending p;
    while ((p = queue.poll()) != null) {
      p.committed().completeExceptionally(new AuditUnavailableException("audit writer stopped"));
    }
  }
}
