package io.nitrosign.policy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates a wallet's policies on a request, Privy's semantics: a wallet with policies is
 * default-deny; a rule applies to its method ({@code "*"}: every method) and matches when all its
 * conditions hold; any matching DENY wins over every ALLOW. Deterministic and total: it never
 * throws on any payload; a condition whose field the payload does not have does not hold (and a
 * field whose value cannot be known resolves toward refusal, see {@link Compiled}).
 *
 * <p>Multi-element payloads (Solana instructions, Stellar operations, Bitcoin outputs other than
 * change to the wallet itself) are evaluated element by element: the request is allowed only if
 * no element matches a DENY rule and every element is allowed by some ALLOW rule; a rule's
 * element conditions are all checked against the same element, its transaction-level conditions
 * hold or not for every element alike. A request with no elements is evaluated once, element
 * conditions not holding.
 *
 * <p>Policies are consulted in the order given and rules in their order; the decision names the
 * first matching DENY rule, else (allowed) the first ALLOW rule that allowed the request (for
 * several elements: the one that allowed the first element). Only the rules' own chain type is
 * assumed to match the wallet's: the parent attaches only such policies.
 */
public final class PolicyEngine {

  /** Longest list of rules or elements a reason spells out. */
  static final int MAX_LISTED = 5;

  private PolicyEngine() {}

  /** The decision for {@code request} under {@code policies} (empty: allowed, none consulted). */
  public static Decision evaluate(List<Policy> policies, PolicyRequest request, PolicyContext context) {
    if (policies == null || policies.isEmpty()) {
      return new Decision(true, null, null, null, "the wallet has no policies", List.of());
    }
    List<String> consulted = new ArrayList<>(policies.size());
    for (Policy p : policies) {
      consulted.add(p == null ? null : p.id());
    }
    consulted = Collections.unmodifiableList(consulted);
    String method = request == null ? null : request.method();
    if (method == null) {
      return new Decision(false, null, null, null, "the request has no method", consulted);
    }
    Eval ev = new Eval(request, context);
    List<?> elements = Fields.elements(ev.payload);
    boolean elementWise = elements != null && !elements.isEmpty();
    int n = elementWise ? elements.size() : 1;

    // DENY wins: any element matching any DENY rule
    for (int e = 0; e < n; e++) {
      Object el = elementWise ? elements.get(e) : null;
      for (Policy p : policies) {
        if (p == null) {
          continue;
        }
        for (Rule r : p.rules()) {
          if (r.action() == Action.DENY && applies(r, method) && allHold(r, ev, el, true)) {
            String where = elementWise ? " " + Fields.elementName(el, e) : "";
            return new Decision(false, p.id(), r.id(), r.name(),
                "rule \"" + r.name() + "\" (DENY) matched" + where + ": " + conditionsText(r), consulted);
          }
        }
      }
    }

    // every element needs an ALLOW
    Policy firstPolicy = null;
    Rule firstRule = null;
    StringBuilder allowed = new StringBuilder();
    for (int e = 0; e < n; e++) {
      Object el = elementWise ? elements.get(e) : null;
      Policy ap = null;
      Rule ar = null;
      search:
      for (Policy p : policies) {
        if (p == null) {
          continue;
        }
        for (Rule r : p.rules()) {
          if (r.action() == Action.ALLOW && applies(r, method) && allHold(r, ev, el, false)) {
            ap = p;
            ar = r;
            break search;
          }
        }
      }
      String where = elementWise ? " for " + Fields.elementName(el, e) : "";
      if (ar == null) {
        return new Decision(false, null, null, null, defaultDeny(policies, consulted, method, ev, el, where),
            consulted);
      }
      if (firstRule == null) {
        firstPolicy = ap;
        firstRule = ar;
      }
      if (e < MAX_LISTED) {
        allowed.append(e == 0 ? "" : "; ").append("rule \"").append(ar.name()).append("\" (ALLOW) matched")
            .append(elementWise ? " " + Fields.elementName(el, e) : "");
      } else if (e == MAX_LISTED) {
        allowed.append("; … ").append(n - MAX_LISTED).append(" more");
      }
    }
    return new Decision(true, firstPolicy.id(), firstRule.id(), firstRule.name(), allowed.toString(),
        consulted);
  }

  private static boolean applies(Rule r, String method) {
    return r.method().equals("*") || r.method().equals(method);
  }

  private static boolean allHold(Rule r, Eval ev, Object element, boolean denySide) {
    for (Condition c : r.conditions()) {
      if (!((Compiled) c.compiled()).holds(ev, element, denySide)) {
        return false;
      }
    }
    return true;
  }

  private static String conditionsText(Rule r) {
    if (r.conditions().isEmpty()) {
      return "no conditions";
    }
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (Condition c : r.conditions()) {
      if (i == 3) {
        sb.append(" and ").append(r.conditions().size() - 3).append(" more");
        break;
      }
      sb.append(i++ == 0 ? "" : " and ").append(((Compiled) c.compiled()).label);
    }
    return sb.toString();
  }

  /** No ALLOW: the policies consulted, and per ALLOW rule of the method the first failed condition. */
  private static String defaultDeny(List<Policy> policies, List<String> consulted, String method,
      Eval ev, Object el, String where) {
    StringBuilder sb = new StringBuilder("no rule of policies ").append(consulted).append(" allowed ")
        .append(method).append(where);
    int listed = 0;
    int more = 0;
    for (Policy p : policies) {
      if (p == null) {
        continue;
      }
      for (Rule r : p.rules()) {
        if (r.action() != Action.ALLOW || !applies(r, method)) {
          continue;
        }
        if (listed == MAX_LISTED) {
          more++;
          continue;
        }
        listed++;
        for (Condition c : r.conditions()) {
          Compiled k = (Compiled) c.compiled();
          if (!k.holds(ev, el, false)) {
            sb.append("; rule \"").append(r.name()).append("\": ").append(k.label).append(" did not hold");
            break;
          }
        }
      }
    }
    if (listed == 0) {
      sb.append("; no ALLOW rule applies to ").append(method);
    }
    if (more > 0) {
      sb.append("; and ").append(more).append(" more rules");
    }
    return sb.toString();
  }

  /** The aggregation ids the policies' {@code reference} conditions read. */
  public static Set<String> referencedAggregations(List<Policy> policies) {
    Set<String> out = new LinkedHashSet<>();
    for (Policy p : policies) {
      for (Rule r : p.rules()) {
        for (Condition c : r.conditions()) {
          if (c.fieldSource().equals("reference")) {
            out.add(c.field().substring("aggregation.".length()));
          }
        }
      }
    }
    return out;
  }

  /** The condition set ids the policies' {@code in_condition_set} conditions read. */
  public static Set<String> referencedConditionSets(List<Policy> policies) {
    Set<String> out = new LinkedHashSet<>();
    for (Policy p : policies) {
      for (Rule r : p.rules()) {
        addSets(r.conditions(), out);
      }
    }
    return out;
  }

  /** The condition set ids an aggregation's conditions read. */
  public static Set<String> referencedConditionSets(Aggregation aggregation) {
    Set<String> out = new LinkedHashSet<>();
    addSets(aggregation.conditions(), out);
    return out;
  }

  private static void addSets(List<Condition> conditions, Set<String> out) {
    for (Condition c : conditions) {
      if (c.operator() == Operator.IN_CONDITION_SET) {
        out.add(c.values().get(0));
      }
    }
  }

  /** What an aggregation adds for this request: empty when it does not measure it. */
  public record Measurement(String groupKey, BigInteger amount) {}

  /**
   * The contribution of {@code request} to {@code aggregation}: empty when the method differs,
   * a pre-filter condition does not hold or the metric field is absent; otherwise the group key
   * (the group-by values joined, {@code ""} without group-by) and the metric's value.
   *
   * <p>Conditions are read the DENY way (a value that cannot be known, or any element of an
   * array, lets the request count: over-counting is the safe side of a limit). For a
   * multi-element payload, the elements that pass the conditions are the measured ones; a
   * per-element metric is summed over them, a transaction-level metric counts once if any element
   * passes. Group key: each group-by value as text (integers decimal, Ethereum addresses
   * lower-case, bytes 0x-hex) with {@code %} and {@code |} percent-encoded, joined by {@code |},
   * so the separator cannot occur in a value; a request whose group-by field is absent or unknown
   * is not measured.
   */
  public static Optional<Measurement> measure(Aggregation aggregation, PolicyRequest request,
      PolicyContext context) {
    if (aggregation == null || request == null || !aggregation.method().equals(request.method())) {
      return Optional.empty();
    }
    Eval ev = new Eval(request, context);
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < aggregation.groupBy().size(); i++) {
      Object v = ((Compiled) aggregation.groupBy().get(i).compiled()).value(ev, null);
      if (v == null || v == FieldType.UNKNOWN || v instanceof Compiled.Many) {
        return Optional.empty();
      }
      key.append(i == 0 ? "" : "|").append(FieldType.text(v).replace("%", "%25").replace("|", "%7C"));
    }
    Compiled metric = (Compiled) aggregation.metric().compiled();
    List<?> elements = Fields.elements(ev.payload);
    List<?> each = elements == null || elements.isEmpty() ? Collections.singletonList(null) : elements;
    BigInteger sum = BigInteger.ZERO;
    boolean measured = false;
    boolean metricSeen = false;
    for (Object el : each) {
      boolean pass = true;
      for (Condition c : aggregation.conditions()) {
        if (!((Compiled) c.compiled()).holds(ev, el, true)) {
          pass = false;
          break;
        }
      }
      if (!pass) {
        continue;
      }
      measured = true;
      if (metric.elementLevel) {
        if (metric.value(ev, el) instanceof BigInteger b && b.signum() >= 0) {
          sum = sum.add(b);
          metricSeen = true;
        }
      }
    }
    if (!measured) {
      return Optional.empty();
    }
    if (!metric.elementLevel) {
      if (!(metric.value(ev, null) instanceof BigInteger b) || b.signum() < 0) {
        return Optional.empty();
      }
      return Optional.of(new Measurement(key.toString(), b));
    }
    return metricSeen ? Optional.of(new Measurement(key.toString(), sum)) : Optional.empty();
  }
}
