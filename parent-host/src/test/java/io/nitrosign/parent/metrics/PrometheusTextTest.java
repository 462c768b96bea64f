package io.nitrosign.parent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exporter's output, read back by a strict parser of the text format. */
class PrometheusTextTest {

  private static Map<String, PrometheusParser.Family> export(MetricRegistry r) throws Exception {
    StringWriter out = new StringWriter();
    PrometheusText.write(r, out);
    return PrometheusParser.parse(out.toString());
  }

  @Test
  void everyDropwizardTypeIsWrittenAsItsPrometheusTypeAndParses() throws Exception {
    MetricRegistry r = new MetricRegistry();
    r.meter("wallets.sign.exceptions").mark(3);
    r.counter("jobs-running").inc(2);
    r.register("pool.size", (Gauge<Integer>) () -> 7);
    r.register("up", (Gauge<Boolean>) () -> true);
    r.register("a.string.gauge", (Gauge<String>) () -> "not a number"); // left out
    r.histogram("batch.size").update(10);
    r.timer("io.dropwizard.jetty.MutableServletContextHandler.get-requests")
        .update(2, TimeUnit.MILLISECONDS);

    Map<String, PrometheusParser.Family> f = export(r);
    assertEquals("counter", f.get("wallets_sign_exceptions_total").type());
    assertEquals(3.0, f.get("wallets_sign_exceptions_total").samples().get(0).value());
    assertEquals("gauge", f.get("jobs_running").type());
    assertEquals(2.0, f.get("jobs_running").samples().get(0).value());
    assertEquals(7.0, f.get("pool_size").samples().get(0).value());
    assertEquals(1.0, f.get("up").samples().get(0).value());
    assertFalse(f.containsKey("a_string_gauge"));
    assertEquals("summary", f.get("batch_size").type());
    assertEquals(1.0, f.get("batch_size").find("batch_size_count").get(0).value());
    assertEquals(10.0, f.get("batch_size").find("batch_size", "quantile", "0.5").get(0).value());
    PrometheusParser.Family timer =
        f.get("io_dropwizard_jetty_MutableServletContextHandler_get_requests");
    assertEquals("summary", timer.type());
    assertEquals(0.002, timer.find(timer.name(), "quantile", "0.99").get(0).value(), 1e-9);
    assertTrue(timer.help().startsWith("Dropwizard metric io.dropwizard.jetty"));
  }

  @Test
  void labelledFamiliesKeepTheirLabelsAndEscapeTheirValues() throws Exception {
    MetricRegistry r = new MetricRegistry();
    r.meter(MetricNames.labeled(MetricNames.RPC_REQUESTS, "method", "personal_sign",
        "outcome", "succeeded")).mark(2);
    r.meter(MetricNames.labeled(MetricNames.RPC_REQUESTS, "method", "eth_signTransaction",
        "outcome", "rejected")).mark();
    String odd = "a \"quoted\" back\\slash\nnew line";
    r.meter(MetricNames.labeled(MetricNames.RATE_LIMITED, "app_id", odd)).mark();

    Map<String, PrometheusParser.Family> f = export(r);
    PrometheusParser.Family rpc = f.get("nitrosign_rpc_requests_total");
    assertEquals("counter", rpc.type());
    assertEquals("Signing RPC requests by method and outcome", rpc.help());
    assertEquals(2.0, rpc.find(rpc.name(), "method", "personal_sign", "outcome", "succeeded")
        .get(0).value());
    assertEquals(1.0, rpc.find(rpc.name(), "outcome", "rejected").get(0).value());
    assertEquals(2, rpc.samples().size());
    assertEquals(odd, f.get("nitrosign_rate_limited_total").samples().get(0).labels()
        .get("app_id"));
    assertThrows(IllegalArgumentException.class, () -> MetricNames.labeled("bad-name"));
    assertThrows(IllegalArgumentException.class, () -> MetricNames.labeled("ok", "__reserved", "x"));
  }

  @Test
  void aLatencyHistogramHasCumulativeBucketsASumAndACount() throws Exception {
    MetricRegistry r = new MetricRegistry();
    LatencyHistogram policy = LatencyHistogram.stage(r, "policy");
    LatencyHistogram enclave = LatencyHistogram.stage(r, "enclave");
    policy.record(TimeUnit.MICROSECONDS.toNanos(300)); // <= 0.0005
    policy.record(TimeUnit.MILLISECONDS.toNanos(3)); // <= 0.005
    policy.record(TimeUnit.SECONDS.toNanos(60)); // beyond the last bound: +Inf only
    enclave.record(TimeUnit.MILLISECONDS.toNanos(20));
    assertTrue(policy == LatencyHistogram.stage(r, "policy")); // one per name

    PrometheusParser.Family h = export(r).get(MetricNames.STAGE_SECONDS); // parse checks buckets
    assertEquals("histogram", h.type());
    String bucket = MetricNames.STAGE_SECONDS + "_bucket";
    assertEquals(1.0, h.find(bucket, "stage", "policy", "le", "0.0005").get(0).value());
    assertEquals(1.0, h.find(bucket, "stage", "policy", "le", "0.001").get(0).value());
    assertEquals(2.0, h.find(bucket, "stage", "policy", "le", "0.005").get(0).value());
    assertEquals(2.0, h.find(bucket, "stage", "policy", "le", "10").get(0).value());
    assertEquals(3.0, h.find(bucket, "stage", "policy", "le", "+Inf").get(0).value());
    assertEquals(3.0, h.find(MetricNames.STAGE_SECONDS + "_count", "stage", "policy").get(0)
        .value());
    assertEquals(60.0033, h.find(MetricNames.STAGE_SECONDS + "_sum", "stage", "policy").get(0)
        .value(), 1e-9);
    assertEquals(1.0, h.find(bucket, "stage", "enclave", "le", "0.025").get(0).value());
    assertEquals(0.0, h.find(bucket, "stage", "enclave", "le", "0.01").get(0).value());
  }

  @Test
  void aLatencyHistogramIsAMetricTypeThatRegistryListenersAccept() throws Exception {
    MetricRegistry r = new MetricRegistry();
    java.util.List<String> added = new java.util.ArrayList<>();
    // as the JMX reporter a running server registers: it refuses unknown metric types
    r.addListener(new com.codahale.metrics.MetricRegistryListener.Base() {
      @Override
      public void onGaugeAdded(String name, Gauge<?> gauge) {
        added.add(name);
      }
    });
    LatencyHistogram h = LatencyHistogram.stage(r, "audit");
    h.record(TimeUnit.MILLISECONDS.toNanos(1));
    h.record(TimeUnit.MILLISECONDS.toNanos(2));
    assertEquals(List.of(MetricNames.labeled(MetricNames.STAGE_SECONDS, "stage", "audit")), added);
    assertEquals(2L, h.getValue()); // the JSON /metrics shows its count
    assertEquals("histogram", export(r).get(MetricNames.STAGE_SECONDS).type());
  }

  @Test
  void namesThatCollideAfterSanitizingAreWrittenOnceAndStillParse() throws Exception {
    MetricRegistry r = new MetricRegistry();
    r.register("x.y", (Gauge<Integer>) () -> 1);
    r.register("x-y", (Gauge<Integer>) () -> 2); // also x_y: same series, left out
    r.counter("x_y"); // also x_y
    r.meter("x.y.total"); // x_y_total: a counter family of its own
    r.register("9lives", (Gauge<Integer>) () -> 9);
    Map<String, PrometheusParser.Family> f = export(r);
    assertEquals(1, f.get("x_y").samples().size());
    assertEquals("counter", f.get("x_y_total").type());
    assertEquals(9.0, f.get("_9lives").samples().get(0).value());
  }

  @Test
  void theParserRejectsWhatTheFormatForbids() {
    for (String bad : List.of(
        "a 1", // no line feed at the end
        "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\na 2\n",
        "# TYPE a gauge\na 1\na 1\n",
        "# TYPE a gauge\na{x=\"1\" 1\n",
        "# TYPE a gauge\nb 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n",
        "# TYPE a gauge\na one\n")) {
      assertThrows(IllegalArgumentException.class, () -> PrometheusParser.parse(bad), bad);
    }
  }
}
