package io.nitrosign.parent.policy;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.policy.Condition;
import io.nitrosign.policy.Operator;
import io.nitrosign.policy.PolicyException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the policy, condition set and aggregation use cases share: validation errors of the policy
 * module as 400s with their path, the references of conditions (condition sets, aggregations)
 * checked against the app, and audit rows (a change's in its own transaction; a refused change of
 * an existing resource in one of its own).
 */
final class Changes {

  private static final Logger LOG = LoggerFactory.getLogger(Changes.class);
  /**
   * Longest name of a policy, condition set or aggregation: the policy module's bound for
   * policies and aggregations, the same for condition sets (the tables allow more).
   */
  static final int MAX_NAME = io.nitrosign.policy.PolicyParser.MAX_NAME;
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private final Jdbi jdbi;
  private final Clock clock;

  Changes(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** {@code parse}'s result; its {@link PolicyException} as 400 {@code code} with the path. */
  static <T> T parsing(String code, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (PolicyException e) {
      throw ApiException.invalidAt(code, e.path(), e.getMessage());
    }
  }

  /** 400 {@code code} for the body field at {@code path}. */
  static ApiException invalid(String code, String path, String message) {
    return ApiException.invalidAt(code, path, path.isEmpty() ? message : path + ": " + message);
  }

  /** A name: a string of 1 to {@link #MAX_NAME} characters, or 400 {@code code} at {@code path}. */
  static void checkName(String code, String path, String name) {
    if (name == null || name.isBlank() || name.length() > MAX_NAME) {
      throw invalid(code, path, "must be a non-empty string of at most " + MAX_NAME
          + " characters");
    }
  }

  /** One reference of a condition to another resource, and where the body names it. */
  record Ref(String path, String id) {}

  /** The condition sets {@code in_condition_set} conditions name ({@code prefix} + path). */
  static List<Ref> conditionSets(List<Condition> conditions, String prefix) {
    List<Ref> out = new ArrayList<>();
    for (int j = 0; j < conditions.size(); j++) {
      Condition c = conditions.get(j);
      if (c.operator() == Operator.IN_CONDITION_SET) {
        List<String> values = c.values();
        for (int k = 0; k < values.size(); k++) {
          out.add(new Ref(prefix + "conditions[" + j + "].value"
              + (values.size() > 1 ? "[" + k + "]" : ""), values.get(k)));
        }
      }
    }
    return out;
  }

  /** The aggregations {@code reference} conditions name ({@code aggregation.<id>}). */
  static List<Ref> aggregations(List<Condition> conditions, String prefix) {
    List<Ref> out = new ArrayList<>();
    for (int j = 0; j < conditions.size(); j++) {
      Condition c = conditions.get(j);
      if ("reference".equals(c.fieldSource()) && c.field() != null
          && c.field().startsWith("aggregation.")) {
        out.add(new Ref(prefix + "conditions[" + j + "].field",
            c.field().substring("aggregation.".length())));
      }
    }
    return out;
  }

  /**
   * Every referenced condition set and aggregation is one of the app's (400 {@code code} naming
   * the first that is not); they stay share-locked until the transaction ends. Returns the ids.
   */
  static Set<String> requireConditionSets(Handle h, String appId, List<Ref> refs, String code) {
    return require(refs, ids -> new ConditionSetStore(h).existing(appId, ids), code,
        "condition set");
  }

  static Set<String> requireAggregations(Handle h, String appId, List<Ref> refs, String code) {
    return require(refs, ids -> new AggregationStore(h).existing(appId, ids), code,
        "aggregation");
  }

  /** The ids of {@code refs}, which {@code existing} must all find (400 naming the first not). */
  private static Set<String> require(List<Ref> refs,
      Function<Set<String>, Set<String>> existing, String code, String what) {
    Set<String> ids = new LinkedHashSet<>();
    refs.forEach(r -> ids.add(r.id()));
    Set<String> found = existing.apply(ids);
    for (Ref r : refs) {
      if (!found.contains(r.id())) {
        throw invalid(code, r.path(), "no " + what + " with this id");
      }
    }
    return ids;
  }

  /** Whether {@code e} (anywhere in its causes) is PostgreSQL's foreign key violation. */
  static boolean foreignKeyViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && FOREIGN_KEY_VIOLATION.equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Deletes a resource that nothing references: 409 {@code inUse} while {@code references} is
   * not 0, or when {@code delete} breaks a foreign key (a reference made after the count).
   */
  static void deleteUnreferenced(int references, Runnable delete, Supplier<ApiException> inUse) {
    if (references > 0) {
      throw inUse.get();
    }
    try {
      delete.run();
    } catch (RuntimeException e) {
      if (foreignKeyViolation(e)) {
        throw inUse.get();
      }
      throw e;
    }
  }

  /** Appends the audit row of a change, in the change's transaction. */
  void audit(Handle h, String appId, String action, Map<String, ?> detail) {
    new AuditStore(h, clock).append(new AuditEvent(appId, null, action, Outcome.SUCCEEDED, null,
        PlainJson.render(detail)));
  }

  /** Records a refused change of an existing resource (own transaction; errors logged). */
  void rejected(boolean found, String appId, String action, Map<String, ?> detail,
      ApiException e) {
    if (!found) {
      return; // nothing to record about a resource that is not there
    }
    try {
      jdbi.useTransaction(h -> new AuditStore(h, clock).append(new AuditEvent(appId, null,
          action, e.status() >= 500 ? Outcome.FAILED : Outcome.REJECTED, e.code(),
          PlainJson.render(detail))));
    } catch (RuntimeException ex) {
      LOG.error("audit append failed for {}: {}", action, ex.getClass().getName());
    }
  }
}
