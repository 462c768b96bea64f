package io.nitrosign.devkit.kms;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls served, per operation and outcome: {@code allowed} (answered successfully), {@code denied}
 * (AccessDeniedException, including rejected attestation documents) and {@code error} (every
 * other error: unknown key, bad input, bad signature, ...).
 */
public final class CallStats {

  public static final String ALLOWED = "allowed";
  public static final String DENIED = "denied";
  public static final String ERROR = "error";

  private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

  void record(String operation, String outcome) {
    counts.computeIfAbsent(operation, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  /** The count for one operation and outcome. */
  public long count(String operation, String outcome) {
    LongAdder a = counts.getOrDefault(operation, Map.of()).get(outcome);
    return a == null ? 0 : a.sum();
  }

  /** operation to outcome to count, sorted. */
  public Map<String, Map<String, Long>> snapshot() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    counts.forEach((op, m) -> {
      Map<String, Long> row = new TreeMap<>();
      row.put(ALLOWED, 0L);
      row.put(DENIED, 0L);
      row.put(ERROR, 0L);
      m.forEach((o, n) -> row.put(o, n.sum()));
      out.put(op, row);
    });
    return out;
  }
}
