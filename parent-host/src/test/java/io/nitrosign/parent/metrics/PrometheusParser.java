package io.nitrosign.parent.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, written from the format's description, for
 * checking what the exporter writes: HELP and TYPE at most once per family and before its samples,
 * families not interleaved, valid names, label escapes, sample values, no repeated series, and for
 * histograms cumulative buckets ending in {@code +Inf} equal to {@code _count}. Any violation is an
 * {@link IllegalArgumentException} naming the line.
 */
public final class PrometheusParser {

  public record Sample(String name, Map<String, String> labels, double value) {}

  public record Family(String name, String type, String help, List<Sample> samples) {
    /** The samples named {@code name} with all the given labels. */
    public List<Sample> find(String sampleName, String... labelsAndValues) {
      List<Sample> out = new ArrayList<>();
      for (Sample s : samples) {
        boolean match = s.name().equals(sampleName);
        for (int i = 0; match && i < labelsAndValues.length; i += 2) {
          match = labelsAndValues[i + 1].equals(s.labels().get(labelsAndValues[i]));
        }
        if (match) {
          out.add(s);
        }
      }
      return out;
    }
  }

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "summary", "histogram", "untyped");

  private PrometheusParser() {}

  public static Map<String, Family> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a line feed");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Map<String, String> help = new LinkedHashMap<>();
    Set<String> series = new HashSet<>();
    Set<String> closed = new HashSet<>();
    String current = null;
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String family = parts[2];
          name(family, n);
          if (!family.equals(current)) {
            if (current != null) {
              closed.add(current);
            }
            if (closed.contains(family)) {
              throw bad(n, "family " + family + " appears twice (interleaved)");
            }
            current = family;
          }
          if (parts[1].equals("HELP")) {
            if (help.put(family, parts.length == 4 ? unescapeHelp(parts[3], n) : "") != null) {
              throw bad(n, "second HELP for " + family);
            }
          } else {
            if (parts.length != 4 || !TYPES.contains(parts[3])) {
              throw bad(n, "bad TYPE line");
            }
            if (families.containsKey(family)) {
              throw bad(n, "TYPE for " + family + " after its samples or twice");
            }
            families.put(family, new Family(family, parts[3], help.get(family),
                new ArrayList<>()));
          }
        }
        continue;
      }
      Sample s = sample(line, n);
      Family f = current == null ? null : families.get(current);
      if (f == null || !belongs(f, s.name())) {
        throw bad(n, "sample " + s.name() + " outside its family's block");
      }
      if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
        throw bad(n, "repeated series " + s.name() + s.labels());
      }
      f.samples().add(s);
    }
    for (Family f : families.values()) {
      if (f.type().equals("histogram")) {
        checkHistogram(f);
      }
    }
    return families;
  }

  private static boolean belongs(Family f, String sample) {
    return switch (f.type()) {
      case "summary" -> sample.equals(f.name()) || sample.equals(f.name() + "_sum")
          || sample.equals(f.name() + "_count");
      case "histogram" -> sample.equals(f.name() + "_bucket") || sample.equals(f.name() + "_sum")
          || sample.equals(f.name() + "_count");
      default -> sample.equals(f.name());
    };
  }

  private static void checkHistogram(Family f) {
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    for (Sample s : f.samples()) {
      if (s.name().endsWith("_bucket")) {
        Map<String, String> key = new TreeMap<>(s.labels());
        if (key.remove("le") == null) {
          throw new IllegalArgumentException(f.name() + ": a bucket without le");
        }
        buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      }
    }
    for (Map.Entry<Map<String, String>, List<Sample>> e : buckets.entrySet()) {
      double lastLe = Double.NEGATIVE_INFINITY;
      double lastCount = 0;
      for (Sample b : e.getValue()) {
        double le = value(b.labels().get("le"), 0);
        if (le <= lastLe || b.value() < lastCount) {
          throw new IllegalArgumentException(f.name() + e.getKey() + ": buckets not cumulative");
        }
        lastLe = le;
        lastCount = b.value();
      }
      if (lastLe != Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(f.name() + e.getKey() + ": no +Inf bucket");
      }
      double count = f.samples().stream().filter(s -> s.name().equals(f.name() + "_count")
          && new TreeMap<>(s.labels()).equals(e.getKey())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(f.name() + ": no _count")).value();
      if (count != lastCount) {
        throw new IllegalArgumentException(f.name() + e.getKey() + ": +Inf bucket != _count");
      }
    }
  }

  private static Sample sample(String line, int n) {
    Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( -?[0-9]+)?$")
        .matcher(line);
    if (!m.matches()) {
      throw bad(n, "not a sample line: " + line);
    }
    Map<String, String> labels = m.group(3) == null ? Map.of() : labels(m.group(3), n);
    return new Sample(m.group(1), labels, value(m.group(4), n));
  }

  private static Map<String, String> labels(String s, int n) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    while (i < s.length()) {
      int eq = s.indexOf('=', i);
      if (eq < 0) {
        throw bad(n, "label without value");
      }
      String label = s.substring(i, eq);
      if (!LABEL.matcher(label).matches()) {
        throw bad(n, "bad label name " + label);
      }
      if (eq + 1 >= s.length() || s.charAt(eq + 1) != '"') {
        throw bad(n, "label value not quoted");
      }
      StringBuilder v = new StringBuilder();
      int j = eq + 2;
      for (; j < s.length() && s.charAt(j) != '"'; j++) {
        char c = s.charAt(j);
        if (c == '\\') {
          char e = j + 1 < s.length() ? s.charAt(++j) : ' ';
          switch (e) {
            case '\\' -> v.append('\\');
            case '"' -> v.append('"');
            case 'n' -> v.append('\n');
            default -> throw bad(n, "bad escape in label value");
          }
        } else if (c == '\n') {
          throw bad(n, "raw line feed in label value");
        } else {
          v.append(c);
        }
      }
      if (j >= s.length()) {
        throw bad(n, "unterminated label value");
      }
      if (out.put(label, v.toString()) != null) {
        throw bad(n, "repeated label " + label);
      }
      i = j + 1;
      if (i < s.length()) {
        if (s.charAt(i) != ',') {
          throw bad(n, "labels not separated by commas");
        }
        i++;
      }
    }
    return out;
  }

  private static double value(String v, int n) {
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        if (!v.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
          throw bad(n, "bad value " + v);
        }
        yield Double.parseDouble(v);
      }
    };
  }

  private static void name(String name, int n) {
    if (!NAME.matcher(name).matches()) {
      throw bad(n, "bad metric name " + name);
    }
  }

  private static String unescapeHelp(String s, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char e = s.charAt(++i);
        if (e == '\\') {
          b.append('\\');
        } else if (e == 'n') {
          b.append('\n');
        } else {
          throw bad(n, "bad escape in HELP");
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static IllegalArgumentException bad(int line, String what) {
    return new IllegalArgumentException("line " + line + ": " + what);
  }
}
