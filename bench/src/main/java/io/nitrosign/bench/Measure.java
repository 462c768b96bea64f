package io.nitrosign.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closed-loop measurement: N threads each run the operation back to back for a warm-up period
 * (discarded), then for the measured period, recording each operation's latency.
 */
final class Measure {

  /** One operation; must throw if it did not succeed. */
  @FunctionalInterface
  interface Op {
    void run() throws Exception;
  }

  record Result(String name, int threads, long ops, double seconds, double p50Millis,
      double p99Millis) {
    double opsPerSecond() {
      return ops / seconds;
    }
  }

  private Measure() {}

  static Result run(String name, int threads, Duration warmup, Duration measure, Op op)
      throws InterruptedException {
    loop(threads, warmup, op, null);
    List<long[]> latencies = new ArrayList<>();
    long start = System.nanoTime();
    long ops = loop(threads, measure, op, latencies);
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Result(name, threads, ops, seconds, percentile(all, 0.50), percentile(all, 0.99));
  }

  /**
   * As {@link #run}, but for a fixed number of operations instead of a period: {@code threads}
   * threads take operation indexes 0 .. {@code ops - 1} from a shared counter and run
   * {@code op.run(index)}, so each index runs exactly once (for inputs prepared in advance, e.g.
   * requests that may be used only once). No warm-up; run a discarded round first.
   */
  static Result runOps(String name, int threads, int ops, IndexedOp op)
      throws InterruptedException {
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    long[] lat = new long[ops];
    Throwable[] failure = new Throwable[1];
    CountDownLatch done = new CountDownLatch(threads);
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        try {
          for (int i = next.getAndIncrement(); i < ops && failure[0] == null;
              i = next.getAndIncrement()) {
            long t0 = System.nanoTime();
            op.run(i);
            lat[i] = System.nanoTime() - t0;
          }
        } catch (Throwable e) {
          synchronized (failure) {
            failure[0] = e;
          }
        } finally {
          done.countDown();
        }
      }, "bench-" + t);
      th.setDaemon(true);
      th.start();
    }
    done.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failure[0] != null) {
      throw new IllegalStateException("operation failed: " + failure[0], failure[0]);
    }
    long[] sorted = lat.clone();
    Arrays.sort(sorted);
    return new Result(name, threads, ops, seconds, percentile(sorted, 0.50),
        percentile(sorted, 0.99));
  }

  /** One operation on prepared input number {@code index}; must throw if it did not succeed. */
  @FunctionalInterface
  interface IndexedOp {
    void run(int index) throws Exception;
  }

  private static long loop(int threads, Duration period, Op op, List<long[]> latencies)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(threads);
    long[] counts = new long[threads];
    long[][] samples = new long[threads][];
    Throwable[] failure = new Throwable[1];
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        long[] lat = new long[1 << 16];
        int n = 0;
        try {
          while (!stop.get()) {
            long t0 = System.nanoTime();
            op.run();
            long dt = System.nanoTime() - t0;
            if (n < lat.length) {
              lat[n] = dt;
            } else {
              lat[(int) (counts[id] % lat.length)] = dt; // keep a rolling sample
            }
            n = Math.min(n + 1, lat.length);
            counts[id]++;
          }
        } catch (Throwable e) {
          synchronized (failure) {
            failure[0] = e;
          }
          stop.set(true);
        } finally {
          samples[id] = Arrays.copyOf(lat, n);
          done.countDown();
        }
      }, "bench-" + id);
      th.setDaemon(true);
      th.start();
    }
    Thread.sleep(period.toMillis());
    stop.set(true);
    done.await();
    if (failure[0] != null) {
      throw new IllegalStateException("operation failed: " + failure[0], failure[0]);
    }
    if (latencies != null) {
      latencies.addAll(Arrays.asList(samples));
    }
    return Arrays.stream(counts).sum();
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
  }

  /** Prepares one round of single-use inputs for the baseline or the other kind; untimed. */
  interface RoundPreparer {
    IndexedOp prepare(boolean other, int ops) throws Exception;
  }

  /**
   * Compares two kinds of operation side by side: one warm-up round (discarded) and
   * {@code rounds} measured rounds, each running {@code ops} prepared operations of both kinds on
   * {@code threads} threads, the kind that goes first alternating so neither always meets a
   * cooler or hotter machine. Prints a row per kind and round, then the rates over the sums of
   * the measured rounds and their ratio (other / baseline), with each round's own ratio.
   */
  static void compareInterleaved(String baseline, String other, int rounds, int threads, int ops,
      RoundPreparer preparer) throws Exception {
    System.out.printf("%-6s %-10s %9s %9s %9s %12s%n", "round", "wallet", "ops/s", "p50 ms",
        "p99 ms", "prepare s");
    double baseSeconds = 0;
    double otherSeconds = 0;
    long baseOps = 0;
    long otherOps = 0;
    List<Double> ratios = new ArrayList<>();
    for (int round = 0; round <= rounds; round++) {
      String label = round == 0 ? "warm" : Integer.toString(round);
      boolean otherFirst = round % 2 == 1;
      Result b = null;
      Result o = null;
      for (int k = 0; k < 2; k++) {
        boolean isOther = (k == 0) == otherFirst;
        long p0 = System.nanoTime();
        IndexedOp op = preparer.prepare(isOther, ops);
        double prepare = (System.nanoTime() - p0) / 1e9;
        Result r = runOps(isOther ? other : baseline, threads, ops, op);
        System.out.printf("%-6s %-10s %9.0f %9.3f %9.3f %12.1f%n", label, r.name(),
            r.opsPerSecond(), r.p50Millis(), r.p99Millis(), prepare);
        if (isOther) {
          o = r;
        } else {
          b = r;
        }
      }
      if (round > 0) {
        baseSeconds += b.seconds();
        baseOps += b.ops();
        otherSeconds += o.seconds();
        otherOps += o.ops();
        ratios.add(o.opsPerSecond() / b.opsPerSecond());
      }
    }
    double baseRate = baseOps / baseSeconds;
    double otherRate = otherOps / otherSeconds;
    System.out.printf("%nover %d measured rounds: %s %.0f ops/s, %s %.0f ops/s, %s/%s = %.2f"
            + " (per round: %s)%n%n", rounds, baseline, baseRate, other, otherRate, other,
        baseline, otherRate / baseRate,
        ratios.stream().map(x -> String.format("%.2f", x)).toList());
  }

  /** {@code --name value} pairs of a bench's command line. */
  static java.util.Map<String, String> options(String[] args) {
    java.util.Map<String, String> opt = new java.util.LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i], args[i + 1]);
    }
    return opt;
  }

  /** The HTTP Basic header of the stack's demo app ({@code APP_ID}, {@code APP_SECRET}). */
  static String basicAuth(java.util.Map<String, String> env) {
    return "Basic " + java.util.Base64.getEncoder().encodeToString((env.get("APP_ID") + ":"
        + env.get("APP_SECRET")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * POSTs {@code body} to {@code url} (a create: a wallet, a policy) and returns the new
   * resource's id; anything but 200 with an id ends the bench.
   */
  static String create(java.net.http.HttpClient http, String url, String auth, String body)
      throws Exception {
    java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(url)).header("Authorization", auth)
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"id\":\"([a-z0-9]+)\"")
        .matcher(r.body());
    if (r.statusCode() != 200 || !m.find()) {
      throw new IllegalStateException("POST " + url + ": HTTP " + r.statusCode());
    }
    return m.group(1);
  }

  /** The operation "send {@code requests[i]}, which must be answered 200". */
  static IndexedOp sendEach(java.net.http.HttpClient http, java.net.http.HttpRequest[] requests) {
    return i -> {
      java.net.http.HttpResponse<Void> resp = http.send(requests[i],
          java.net.http.HttpResponse.BodyHandlers.discarding());
      if (resp.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + resp.statusCode());
      }
    };
  }

  /**
   * An {@code eth_signTransaction} body: an EIP-1559 transfer of 0.01 ETH on chain 1 to
   * 0x1111…1111 with {@code nonce} (unique per request).
   */
  static String ethTransfer(long nonce) {
    return "{\"method\":\"eth_signTransaction\",\"params\":{\"transaction\":{\"type\":2,"
        + "\"chain_id\":1,\"to\":\"0x1111111111111111111111111111111111111111\","
        + "\"value\":\"0x2386f26fc10000\",\"nonce\":" + nonce
        + ",\"gas_limit\":21000,\"max_fee_per_gas\":\"0x6fc23ac00\","
        + "\"max_priority_fee_per_gas\":\"0x3b9aca00\"}}}";
  }

  /** The KEY=VALUE lines of a stack.env file ({@code ./appliance local up} writes it). */
  static java.util.Map<String, String> stackEnv(java.nio.file.Path file) throws java.io.IOException {
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    for (String line : java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }
}
