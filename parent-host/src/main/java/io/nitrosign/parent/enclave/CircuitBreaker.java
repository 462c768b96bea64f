package io.nitrosign.parent.enclave;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops calling an enclave that does not answer. Closed: calls go through; {@code threshold}
 * consecutive transport failures (unreachable, timed out) open it. Open: calls are refused at once
 * ({@link EnclaveCallException.Kind#CIRCUIT_OPEN}, Retry-After = the time left) for
 * {@code openFor}. Then the next caller makes one probe, a Health call (half-open; everyone else
 * is still refused): an answer closes the breaker, a failure opens it for another {@code openFor}.
 *
 * <p>Why: a dead or wedged enclave otherwise costs every request a connect attempt or a full call
 * timeout and ties up a thread for it. Only transport failures count: an enclave that answers, even
 * with an error (NOT_READY while it waits to be unsealed, a refused payload), is alive, and the
 * bootstrapper must keep reaching a SEALED enclave to unseal it.
 */
final class CircuitBreaker {

  private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

  /** The breaker's state; {@link #label} is the metric label. */
  enum State {
    CLOSED, OPEN, HALF_OPEN;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a caller may do now. */
  sealed interface Permit permits Proceed, Probe, Refused {}

  /** Closed: call. */
  record Proceed() implements Permit {}

  /** The open period is over and this caller probes (Health) before its own call. */
  record Probe() implements Permit {}

  /** Open (or another caller is probing): refuse, retry after this many seconds. */
  record Refused(long retryAfterSeconds) implements Permit {}

  private final int threshold;
  private final Duration openFor;
  private final Clock clock;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Instant openUntil = Instant.MIN;
  private final Runnable onOpen;

  /** {@code onOpen} runs (under the breaker's lock: keep it short) each time the breaker opens. */
  CircuitBreaker(int threshold, Duration openFor, Clock clock, Runnable onOpen) {
    if (threshold < 1 || openFor.isNegative() || openFor.isZero()) {
      throw new IllegalArgumentException("threshold >= 1 and a positive open duration");
    }
    this.threshold = threshold;
    this.openFor = openFor;
    this.clock = clock;
    this.onOpen = onOpen;
  }

  synchronized Permit permit() {
    switch (state) {
      case CLOSED:
        return new Proceed();
      case OPEN:
        Instant now = clock.instant();
        if (now.isBefore(openUntil)) {
          return new Refused(secondsUntil(now, openUntil));
        }
        state = State.HALF_OPEN;
        return new Probe();
      default:
        return new Refused(1); // HALF_OPEN: one probe is under way
    }
  }

  /** The enclave answered (any answer, an Error body too). */
  synchronized void succeeded() {
    consecutiveFailures = 0;
    if (state != State.CLOSED) {
      LOG.info("enclave circuit breaker closed: the enclave answered a probe");
      state = State.CLOSED;
    }
  }

  /** A transport failure: unreachable or timed out. */
  synchronized void failed() {
    consecutiveFailures++;
    if (state == State.HALF_OPEN || (state == State.CLOSED && consecutiveFailures >= threshold)) {
      open();
    }
  }

  /**
   * A probe ended without a result (the prober gave up, e.g. was interrupted): back to open, so
   * the next caller after the open period probes again; the breaker never stays half-open.
   */
  synchronized void probeAbandoned() {
    if (state == State.HALF_OPEN) {
      open();
    }
  }

  private void open() {
    boolean wasClosed = state == State.CLOSED;
    state = State.OPEN;
    openUntil = clock.instant().plus(openFor);
    onOpen.run();
    if (wasClosed) {
      LOG.warn("enclave circuit breaker opened after {} consecutive failures; refusing enclave"
          + " calls for {} ms, then probing with Health", consecutiveFailures, openFor.toMillis());
    } else {
      LOG.warn("enclave circuit breaker probe failed; open for another {} ms", openFor.toMillis());
    }
  }

  synchronized State state() {
    return state;
  }

  private static long secondsUntil(Instant now, Instant until) {
    long millis = Duration.between(now, until).toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }
}
