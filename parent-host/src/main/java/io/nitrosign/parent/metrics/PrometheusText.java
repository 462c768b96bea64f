package io.nitrosign.parent.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a Dropwizard {@link MetricRegistry} in the Prometheus text exposition format, version
 * 0.0.4 ({@code text/plain; version=0.0.4}): per family one {@code # HELP} and one {@code # TYPE}
 * line, then its samples, families never interleaved.
 *
 * <p>Mapping: a name {@code family{labels}} made by {@link MetricNames#labeled} keeps its labels;
 * any other Dropwizard name is made a valid family name ({@code io.dropwizard.jetty...2xx-responses}
 * becomes {@code io_dropwizard_jetty_..._2xx_responses}). {@link Meter}: {@code counter}
 * {@code <family>_total}. {@link Counter} (it can go down): {@code gauge}. Numeric or boolean
 * {@link Gauge}: {@code gauge} (others are skipped). {@link Histogram}: {@code summary} with
 * quantiles and {@code _count}. {@link Timer}: {@code summary} in seconds. {@link LatencyHistogram}:
 * {@code histogram} with cumulative {@code _bucket{le}}, {@code _sum} and {@code _count}. When two
 * names map to the same family with different types, or to the same series, the first in name order
 * wins and the rest are left out, so the output always parses.
 */
public final class PrometheusText {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};

  private PrometheusText() {}

  private enum Type {
    COUNTER, GAUGE, SUMMARY, HISTOGRAM;

    String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One Dropwizard metric as a member of a family: its label block ("" or "a=\"b\",...") . */
  private record Member(String labels, Metric metric, String sourceName) {}

  private record Family(Type type, List<Member> members) {}

  public static void write(MetricRegistry registry, Writer out) throws IOException {
    Map<String, Family> families = new TreeMap<>();
    for (Map.Entry<String, Metric> e : new TreeMap<>(registry.getMetrics()).entrySet()) {
      Type type = typeOf(e.getValue());
      if (type == null) {
        continue;
      }
      String name = e.getKey();
      int brace = name.indexOf('{');
      String family;
      String labels;
      if (brace > 0 && name.endsWith("}")) {
        family = name.substring(0, brace);
        labels = name.substring(brace + 1, name.length() - 1);
      } else {
        family = sanitize(name);
        labels = "";
      }
      if (type == Type.COUNTER && !family.endsWith("_total")) {
        family = family + "_total";
      }
      Family f = families.computeIfAbsent(family, k -> new Family(type, new ArrayList<>()));
      if (f.type() == type) {
        f.members().add(new Member(labels, e.getValue(), name));
      }
    }
    Set<String> series = new HashSet<>();
    for (Map.Entry<String, Family> e : families.entrySet()) {
      writeFamily(e.getKey(), e.getValue(), series, out);
    }
  }

  private static Type typeOf(Metric m) {
    if (m instanceof LatencyHistogram) {
      return Type.HISTOGRAM; // before Gauge, which it also is
    }
    if (m instanceof Meter) {
      return Type.COUNTER;
    }
    if (m instanceof Counter) {
      return Type.GAUGE;
    }
    if (m instanceof Gauge<?> g) {
      Object v = g.getValue();
      return v instanceof Number || v instanceof Boolean ? Type.GAUGE : null;
    }
    if (m instanceof Histogram || m instanceof Timer) {
      return Type.SUMMARY;
    }
    return null;
  }

  private static void writeFamily(String family, Family f, Set<String> series, Writer out)
      throws IOException {
    StringBuilder body = new StringBuilder();
    for (Member m : f.members()) {
      switch (f.type()) {
        case COUNTER -> sample(body, series, family, m.labels(), null,
            ((Meter) m.metric()).getCount());
        case GAUGE -> {
          Double v = gaugeValue(m.metric());
          if (v != null) {
            sample(body, series, family, m.labels(), null, v);
          }
        }
        case SUMMARY -> summary(body, series, family, m);
        case HISTOGRAM -> histogram(body, series, family, m);
        default -> throw new IllegalStateException();
      }
    }
    if (body.length() == 0) {
      return;
    }
    String help = MetricNames.HELP.getOrDefault(baseName(family),
        "Dropwizard metric " + f.members().get(0).sourceName().replaceAll("\\{.*$", ""));
    out.write("# HELP " + family + " " + escapeHelp(help) + "\n");
    out.write("# TYPE " + family + " " + f.type().text() + "\n");
    out.write(body.toString());
  }

  private static String baseName(String family) {
    return family.endsWith("_total") && !MetricNames.HELP.containsKey(family)
        ? family.substring(0, family.length() - "_total".length()) : family;
  }

  private static Double gaugeValue(Metric m) {
    if (m instanceof Counter c) {
      return (double) c.getCount();
    }
    Object v;
    try {
      v = ((Gauge<?>) m).getValue();
    } catch (RuntimeException e) {
      return null; // a gauge that cannot be read now is left out of this scrape
    }
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    return v instanceof Number n ? n.doubleValue() : null;
  }

  private static void summary(StringBuilder body, Set<String> series, String family, Member m) {
    Snapshot s;
    long count;
    double scale;
    if (m.metric() instanceof Timer t) {
      s = t.getSnapshot();
      count = t.getCount();
      scale = 1e-9; // nanoseconds to seconds
    } else {
      Histogram h = (Histogram) m.metric();
      s = h.getSnapshot();
      count = h.getCount();
      scale = 1;
    }
    if (!series.add(family + "{" + m.labels() + "}")) {
      return;
    }
    for (double q : QUANTILES) {
      sampleUnchecked(body, family, m.labels(), "quantile=\"" + q + "\"", s.getValue(q) * scale);
    }
    sampleUnchecked(body, family + "_count", m.labels(), null, count);
  }

  private static void histogram(StringBuilder body, Set<String> series, String family, Member m) {
    if (!series.add(family + "{" + m.labels() + "}")) {
      return;
    }
    LatencyHistogram h = (LatencyHistogram) m.metric();
    long[] cumulative = h.cumulative();
    for (int i = 0; i < cumulative.length; i++) {
      String le = i < LatencyHistogram.BOUNDS.length ? number(LatencyHistogram.BOUNDS[i]) : "+Inf";
      sampleUnchecked(body, family + "_bucket", m.labels(), "le=\"" + le + "\"", cumulative[i]);
    }
    sampleUnchecked(body, family + "_sum", m.labels(), null, h.sumSeconds());
    sampleUnchecked(body, family + "_count", m.labels(), null, cumulative[cumulative.length - 1]);
  }

  private static void sample(StringBuilder body, Set<String> series, String name, String labels,
      String extra, double value) {
    if (series.add(name + "{" + labels + "}")) {
      sampleUnchecked(body, name, labels, extra, value);
    }
  }

  private static void sampleUnchecked(StringBuilder body, String name, String labels, String extra,
      double value) {
    body.append(name);
    if (!labels.isEmpty() || extra != null) {
      body.append('{').append(labels);
      if (extra != null) {
        body.append(labels.isEmpty() ? "" : ",").append(extra);
      }
      body.append('}');
    }
    body.append(' ').append(number(value)).append('\n');
  }

  /** A sample value as the text format writes it: integers without a fraction, NaN, +Inf, -Inf. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    if (Math.abs(v) >= 1e-9 && Math.abs(v) < 1e15) {
      return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString(); // 0.0005
    }
    return Double.toString(v); // 1.0E-12: exponent notation, which the format allows
  }

  /** Any Dropwizard name as a valid family name: [a-zA-Z_:][a-zA-Z0-9_:]*. */
  static String sanitize(String name) {
    StringBuilder b = new StringBuilder(name.length() + 1);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
          || (c >= '0' && c <= '9');
      b.append(ok ? c : '_');
    }
    if (b.length() == 0 || Character.isDigit(b.charAt(0))) {
      b.insert(0, '_');
    }
    return b.toString();
  }

  private static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
