package io.nitrosign.parent.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency histogram with fixed buckets, exported as a Prometheus {@code histogram}. Dropwizard's
 * timers keep a decaying sample and can only be exported as quantiles of one host, which cannot be
 * aggregated across hosts; fixed cumulative buckets can ({@code histogram_quantile} over the sum of
 * every host's buckets). Lock-free: one adder per bucket.
 *
 * <p>To Dropwizard it is a {@link Gauge} of its count: the registry's listeners (the JMX reporter)
 * refuse metric types they do not know, and the JSON {@code /metrics} shows the count.
 * {@link PrometheusText} recognises it before gauges and writes the buckets.
 */
public final class LatencyHistogram implements Gauge<Long> {

  /** Upper bounds in seconds: 0.5 ms to 10 s, roughly 2.5x apart. */
  static final double[] BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
      1, 2.5, 5, 10};

  private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
  private final LongAdder sumNanos = new LongAdder();

  public LatencyHistogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /** The histogram registered as {@code name}, made on first use. */
  public static LatencyHistogram in(MetricRegistry registry, String name) {
    synchronized (registry) {
      Metric existing = registry.getMetrics().get(name);
      if (existing instanceof LatencyHistogram h) {
        return h;
      }
      return registry.register(name, new LatencyHistogram());
    }
  }

  /** The latency histogram of one stage of a request ({@code nitrosign_request_stage_seconds}). */
  public static LatencyHistogram stage(MetricRegistry registry, String stage) {
    return in(registry, MetricNames.labeled(MetricNames.STAGE_SECONDS, "stage", stage));
  }

  public void record(long nanos) {
    long n = Math.max(0, nanos);
    double seconds = n / 1e9;
    int i = 0;
    while (i < BOUNDS.length && seconds > BOUNDS[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(n);
  }

  /** The number of recorded values (Dropwizard's view of this metric). */
  @Override
  public Long getValue() {
    long[] c = cumulative();
    return c[c.length - 1];
  }

  /** Starts timing; closing the returned context records the time since. */
  public Context time() {
    return new Context(this, System.nanoTime());
  }

  /** A running measurement. */
  public record Context(LatencyHistogram histogram, long start) implements AutoCloseable {
    @Override
    public void close() {
      histogram.record(System.nanoTime() - start);
    }
  }

  /** Cumulative counts per bound, the last for {@code +Inf} (the total count). */
  long[] cumulative() {
    long[] out = new long[buckets.length];
    long running = 0;
    for (int i = 0; i < buckets.length; i++) {
      running += buckets[i].sum();
      out[i] = running;
    }
    return out;
  }

  double sumSeconds() {
    return sumNanos.sum() / (double) TimeUnit.SECONDS.toNanos(1);
  }
}
