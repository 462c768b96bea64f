package io.nitrosign.parent.policy;

import io.nitrosign.policy.Aggregation;
import io.nitrosign.policy.Policy;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Parsed policies and aggregations, so the signing path does not parse stored JSON (ABIs,
 * typed-data types) on every request. A policy is cached under its id with the revision it was
 * parsed at: every change of a policy or its rules bumps {@code policies.revision} in the same
 * transaction, so a stale copy is never returned (parent hosts sharing the database each keep
 * their own cache, and each sees the new revision). Aggregations never change after creation
 * (their ids are never reused), so they are cached by id alone.
 *
 * <p>Bounded: past {@code capacity} entries an insert first drops about a tenth of the map
 * (arbitrary entries; the next request for one parses it again). Thread-safe without a global
 * lock: reads are plain {@link ConcurrentHashMap} reads.
 */
public final class PolicyCache {

  /** Entries per map of the process-wide cache. */
  public static final int DEFAULT_CAPACITY = 10_000;
  private static final PolicyCache SHARED = new PolicyCache(DEFAULT_CAPACITY);

  private record Entry(int revision, Policy policy) {}

  private final int capacity;
  private final ConcurrentHashMap<String, Entry> policies = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Aggregation> aggregations = new ConcurrentHashMap<>();

  public PolicyCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  /** The cache {@link PolicyStore#PolicyStore(org.jdbi.v3.core.Handle)} uses. */
  public static PolicyCache shared() {
    return SHARED;
  }

  /** Policy {@code id} as parsed at {@code revision}, or null when that is not cached. */
  public Policy policy(String id, int revision) {
    Entry e = policies.get(id);
    return e != null && e.revision() == revision ? e.policy() : null;
  }

  /**
   * Caches {@code policy}, parsed from policy {@code id} as it was at {@code revision}. A newer
   * revision already cached (a concurrent load) is kept.
   */
  public void put(String id, int revision, Policy policy) {
    if (!policies.containsKey(id)) {
      makeRoom(policies);
    }
    policies.merge(id, new Entry(revision, policy),
        (old, fresh) -> old.revision() > fresh.revision() ? old : fresh);
  }

  /** Aggregation {@code id}: the cached copy, or {@code load}'s (then cached). */
  public Aggregation aggregation(String id, Supplier<Aggregation> load) {
    Aggregation a = aggregations.get(id);
    if (a != null) {
      return a;
    }
    a = load.get();
    makeRoom(aggregations);
    aggregations.putIfAbsent(id, a);
    return a;
  }

  /** Entries held now (policies + aggregations), for tests and metrics. */
  public int size() {
    return policies.size() + aggregations.size();
  }

  private void makeRoom(ConcurrentHashMap<String, ?> map) {
    if (map.size() < capacity) {
      return;
    }
    int drop = Math.max(1, capacity / 10);
    Iterator<String> keys = map.keySet().iterator();
    while (drop-- > 0 && keys.hasNext()) {
      keys.next();
      keys.remove();
    }
  }
}
