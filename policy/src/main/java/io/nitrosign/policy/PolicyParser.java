package io.nitrosign.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads and validates policies, rules and aggregations from request bodies given as plain JSON
 * values (objects {@code Map<String, Object>}, arrays {@code List<Object>}, strings, numbers as
 * {@code BigInteger}/{@code BigDecimal}/{@code Long}/{@code Integer}, booleans, null). Everything
 * is checked when written: an unknown field source or field, an operator the field cannot take,
 * a value of the wrong type, an ABI that does not parse, a typed-data field that the types do not
 * have: each is a {@link PolicyException} naming the path ({@code rules[2].conditions[0].value}).
 *
 * <p>Bounds: a name (policy, rule, aggregation) 1..{@value #MAX_NAME} characters; at most
 * {@value #MAX_RULES} rules per policy, {@value #MAX_CONDITIONS} conditions per rule or
 * aggregation, {@value #MAX_IN_VALUES} values in one {@code in} list and
 * {@value #MAX_POLICY_VALUES} values over all conditions of a policy (larger lists belong in a
 * condition set); a value at most {@value FieldType#MAX_VALUE_CHARS} characters; a field at most
 * {@value #MAX_FIELD} characters; an ABI at most {@value Abi#MAX_ITEMS} items. Ids of rules,
 * condition sets and aggregations are 24 lower-case letters and digits.
 *
 * <p>Values: integers are decimal digits or {@code 0x} and hex digits, in the field's range
 * (uint256 for Ethereum quantities, u64 for Solana amounts, the ABI or EIP-712 type's own range);
 * Ethereum addresses {@code 0x} and 40 hex digits (a mixed-case one must carry a valid EIP-55
 * checksum); Solana addresses base58 of 32 bytes; Stellar accounts {@code G…} strkeys; Bitcoin
 * addresses letters and digits; hex byte strings {@code 0x} and an even number of digits;
 * booleans {@code "true"}/{@code "false"}. A condition is stored and returned exactly as written;
 * the parsed form is used only for matching ({@link Condition#compiled()}).
 */
public final class PolicyParser {

  public static final int MAX_NAME = 50;
  public static final int MAX_RULES = 100;
  public static final int MAX_CONDITIONS = 50;
  public static final int MAX_IN_VALUES = 1000;
  public static final int MAX_POLICY_VALUES = 10_000;
  public static final int MAX_FIELD = 256;
  public static final int MIN_WINDOW_SECONDS = 3600;
  public static final int MAX_WINDOW_SECONDS = 259_200;
  public static final int MAX_GROUP_BY = 2;

  private static final Set<String> POLICY_KEYS = Set.of("version", "name", "chain_type", "rules");
  private static final Set<String> RULE_KEYS = Set.of("name", "method", "conditions", "action");
  private static final Set<String> RULE_KEYS_WITH_ID = Set.of("id", "name", "method", "conditions", "action");
  private static final Set<String> CONDITION_KEYS = Set.of("field_source", "field", "operator", "value",
      "abi", "typed_data");
  private static final Set<String> AGGREGATION_KEYS = Set.of("name", "method", "metric", "window",
      "conditions", "group_by");
  private static final Set<String> METRIC_KEYS = Set.of("field_source", "field", "function", "abi");
  private static final Set<String> WINDOW_KEYS = Set.of("type", "seconds");
  private static final Set<String> GROUP_BY_KEYS = Set.of("field_source", "field", "abi");
  /** Methods an aggregation may measure (Privy's two, and ours for Solana/Stellar and Bitcoin). */
  private static final Set<String> AGGREGATION_METHODS = Set.of("eth_signTransaction",
      "eth_signUserOperation", "signTransaction", "signPsbt");

  private PolicyParser() {}

  /** Counts values over a whole policy. */
  private static final class Budget {
    int values;

    void add(int n, String path) {
      values += n;
      if (values > MAX_POLICY_VALUES) {
        throw new PolicyException(path, "the policy has more than " + MAX_POLICY_VALUES
            + " condition values: use a condition set");
      }
    }
  }

  /**
   * A policy from Privy's create body {@code {version, name, chain_type, rules}} (the parent
   * removes {@code owner}/{@code owner_id} first). Rules without an {@code id} get
   * {@code newRuleId.get()}; a rule's {@code id}, when given, must be unique in the policy.
   */
  public static Policy policy(String id, Map<String, Object> body, Supplier<String> newRuleId) {
    Map<String, Object> b = Plain.object(body, "", POLICY_KEYS);
    if (!"1.0".equals(b.get("version"))) {
      throw new PolicyException("version", b.get("version") == null ? "is missing" : "must be \"1.0\"");
    }
    String name = Plain.string(b.get("name"), "name", 1, MAX_NAME);
    String chainType = chainType(b.get("chain_type"), "chain_type");
    List<Object> rawRules = Plain.list(b.get("rules"), "rules", 0, MAX_RULES);
    List<Rule> rules = new ArrayList<>(rawRules.size());
    Set<String> ids = new HashSet<>();
    Budget budget = new Budget();
    for (int i = 0; i < rawRules.size(); i++) {
      String prefix = "rules[" + i + "].";
      Map<String, Object> rb = Plain.object(rawRules.get(i), "rules[" + i + "]", RULE_KEYS_WITH_ID);
      String ruleId;
      if (rb.containsKey("id")) {
        ruleId = Plain.string(rb.get("id"), prefix + "id", 24, 24);
        if (!Fields.ID.matcher(ruleId).matches()) {
          throw new PolicyException(prefix + "id", "must be 24 lower-case letters and digits");
        }
      } else {
        ruleId = newRuleId.get();
      }
      if (!ids.add(ruleId)) {
        throw new PolicyException(prefix + "id", "is the id of another rule of the policy");
      }
      rb.remove("id");
      rules.add(rule(ruleId, rb, chainType, prefix, budget));
    }
    return new Policy(id, "1.0", name, chainType, List.copyOf(rules));
  }

  /**
   * One rule {@code {name, method, conditions, action}} of a policy of {@code chainType};
   * {@code path} prefixes error paths ({@code "rules[2]."}, or {@code ""} for the rule endpoints).
   */
  public static Rule rule(String id, Map<String, Object> body, String chainType, String path) {
    if (chainType == null || !Fields.CHAIN_TYPES.contains(chainType)) {
      throw new PolicyException("chain_type", "is not a supported chain type");
    }
    return rule(id, Plain.object(body, trimDot(path), RULE_KEYS), chainType, path, new Budget());
  }

  private static Rule rule(String id, Map<String, Object> b, String chainType, String prefix,
      Budget budget) {
    for (String k : b.keySet()) {
      if (!RULE_KEYS.contains(k)) {
        throw new PolicyException(prefix + k, "unknown field");
      }
    }
    String name = Plain.string(b.get("name"), prefix + "name", 1, MAX_NAME);
    String method = Plain.string(b.get("method"), prefix + "method", 1, 64);
    if (!Fields.knownMethod(chainType, method)) {
      throw new PolicyException(prefix + "method", "is not a method of " + chainType + " wallets (one of "
          + String.join(", ", Fields.methodsOf(chainType)) + ", *)");
    }
    Action action = action(b.get("action"), prefix + "action");
    List<Object> raw = Plain.list(b.get("conditions"), prefix + "conditions", 0, MAX_CONDITIONS);
    List<Condition> conditions = new ArrayList<>(raw.size());
    for (int j = 0; j < raw.size(); j++) {
      conditions.add(condition(raw.get(j), chainType, method, prefix + "conditions[" + j + "]",
          budget, false));
    }
    return new Rule(id, name, method, List.copyOf(conditions), action);
  }

  private static String trimDot(String prefix) {
    return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  private static String chainType(Object v, String path) {
    String s = Plain.string(v, path, 1, 64);
    if (!Fields.CHAIN_TYPES.contains(s)) {
      throw new PolicyException(path, "must be one of ethereum, solana, stellar, bitcoin, bitcoin-testnet");
    }
    return s;
  }

  private static Action action(Object v, String path) {
    if ("ALLOW".equals(v)) {
      return Action.ALLOW;
    }
    if ("DENY".equals(v)) {
      return Action.DENY;
    }
    throw new PolicyException(path, v == null ? "is missing" : "must be ALLOW or DENY");
  }

  /** One condition of a rule (or an aggregation's pre-filter: {@code inAggregation}). */
  private static Condition condition(Object raw, String chainType, String method, String path,
      Budget budget, boolean inAggregation) {
    Map<String, Object> c = Plain.object(raw, path, CONDITION_KEYS);
    String source = source(c.get("field_source"), chainType, method, path + ".field_source", inAggregation);
    String field = Plain.string(c.get("field"), path + ".field", 1, MAX_FIELD);
    checkExtras(c, source, path);
    Fields.Ref ref = Fields.resolve(source, field, c.get("abi"), c.get("typed_data"), path);

    Object opRaw = c.get("operator");
    Operator op = null;
    for (Operator o : Operator.values()) {
      if (o.wire().equals(opRaw)) {
        op = o;
      }
    }
    if (op == null) {
      throw new PolicyException(path + ".operator", opRaw == null ? "is missing"
          : "must be one of eq, gt, gte, lt, lte, in, in_condition_set, contains, starts_with, ends_with");
    }
    if (!ref.type().operators().contains(op)) {
      throw new PolicyException(path + ".operator", op.wire() + " does not apply to " + source + "."
          + Compiled.shorten(field) + ", which is " + ref.type().describe());
    }
    String vp = path + ".value";
    List<String> rawValues = new ArrayList<>();
    List<Object> parsed = new ArrayList<>();
    String setId = null;
    boolean affix = op == Operator.CONTAINS || op == Operator.STARTS_WITH || op == Operator.ENDS_WITH;
    if (op == Operator.IN) {
      List<Object> items = Plain.list(c.get("value"), vp, 1, MAX_IN_VALUES);
      budget.add(items.size(), vp);
      for (int k = 0; k < items.size(); k++) {
        String s = Plain.string(items.get(k), Plain.index(vp, k), 0, FieldType.MAX_VALUE_CHARS);
        rawValues.add(s);
        parsed.add(ref.type().parse(s, ref.min(), ref.max(), false, Plain.index(vp, k)));
      }
    } else {
      if (c.get("value") instanceof List) {
        throw new PolicyException(vp, "must be a single string for " + op.wire() + " (an array is for in)");
      }
      String s = Plain.string(c.get("value"), vp, 0, FieldType.MAX_VALUE_CHARS);
      budget.add(1, vp);
      rawValues.add(s);
      if (op == Operator.IN_CONDITION_SET) {
        if (!Fields.ID.matcher(s).matches()) {
          throw new PolicyException(vp, "must be a condition set id (24 lower-case letters and digits)");
        }
        setId = s;
      } else {
        parsed.add(ref.type().parse(s, ref.min(), ref.max(), affix, vp));
      }
    }
    Compiled compiled = new Compiled(source, field, ref.type(), ref.extractor(),
        Compiled.test(ref.type(), op, parsed, setId), ref.element(),
        Compiled.label(source, field, op, rawValues), ref.min());
    return new Condition(source, field, op, List.copyOf(rawValues), Plain.copyObject(c, path),
        compiled);
  }

  private static String source(Object v, String chainType, String method, String path,
      boolean inAggregation) {
    String source = Plain.string(v, path, 1, 64);
    if (!Fields.knownSource(source)) {
      throw new PolicyException(path, "unknown field source");
    }
    String family = Fields.familyOfSource(source);
    if ((family != null && !family.equals(Fields.family(chainType)))
        || (source.equals("message") && !chainType.equals("ethereum") && !chainType.equals("solana"))) {
      throw new PolicyException(path, source + " is not a field source of " + chainType + " policies");
    }
    if (inAggregation && source.equals("reference")) {
      throw new PolicyException(path, "an aggregation cannot read aggregations");
    }
    if (!Fields.sourceAllowed(chainType, method, source)) {
      throw new PolicyException(path, source + " does not apply to " + method + " requests");
    }
    return source;
  }

  private static void checkExtras(Map<String, Object> c, String source, String path) {
    boolean calldata = source.equals("ethereum_calldata");
    boolean typed = source.equals("ethereum_typed_data_message");
    if (calldata && c.get("abi") == null) {
      throw new PolicyException(path + ".abi", "is missing: ethereum_calldata conditions carry the contract's JSON ABI");
    }
    if (!calldata && c.containsKey("abi")) {
      throw new PolicyException(path + ".abi", "only ethereum_calldata conditions have an abi");
    }
    if (typed && c.get("typed_data") == null) {
      throw new PolicyException(path + ".typed_data", "is missing: ethereum_typed_data_message conditions carry {types, primary_type}");
    }
    if (!typed && c.containsKey("typed_data")) {
      throw new PolicyException(path + ".typed_data", "only ethereum_typed_data_message conditions have typed_data");
    }
  }

  /**
   * An aggregation from Privy's create body (the parent removes {@code owner}/{@code owner_id}):
   * {@code {name, method, metric: {field_source, field, function: "sum", abi?}, window: {type:
   * "rolling", seconds}, conditions?, group_by?}}. The chain is the metric's: its field source
   * decides which methods, conditions and group-by fields fit. The metric must be a single
   * unsigned integer field of the payload (a per-element field such as
   * {@code solana_system_program_instruction.Transfer.lamports} sums over the elements that pass
   * the conditions); group-by fields must be single-valued transaction-level fields (a request
   * falls in one group); neither may be {@code system} or {@code reference}, and conditions may not
   * read {@code reference} (an aggregation does not depend on aggregations). Window seconds
   * {@value #MIN_WINDOW_SECONDS}..{@value #MAX_WINDOW_SECONDS}, at most {@value #MAX_GROUP_BY}
   * group-by fields.
   */
  public static Aggregation aggregation(String id, Map<String, Object> body) {
    Map<String, Object> b = Plain.object(body, "", AGGREGATION_KEYS);
    String name = Plain.string(b.get("name"), "name", 1, MAX_NAME);
    String method = Plain.string(b.get("method"), "method", 1, 64);
    if (!AGGREGATION_METHODS.contains(method)) {
      throw new PolicyException("method", "must be one of eth_signTransaction, eth_signUserOperation, signTransaction, signPsbt");
    }
    Map<String, Object> m = Plain.object(b.get("metric"), "metric", METRIC_KEYS);
    if (!"sum".equals(m.get("function"))) {
      throw new PolicyException("metric.function", m.get("function") == null ? "is missing" : "must be \"sum\"");
    }
    String metricSource = Plain.string(m.get("field_source"), "metric.field_source", 1, 64);
    String family = Fields.knownSource(metricSource) ? Fields.familyOfSource(metricSource) : null;
    if (family == null) {
      throw new PolicyException("metric.field_source", "must be a field source of a transaction's payload");
    }
    if (!Fields.knownMethod(family, method) || !Fields.sourceAllowed(family, method, metricSource)) {
      throw new PolicyException("method", method + " requests do not have " + metricSource + " fields");
    }
    Compiled metric = measured(m, family, method, "metric");
    if (metric.type != FieldType.INTEGER || metric.min == null || metric.min.signum() < 0) {
      throw new PolicyException("metric.field", "must be an unsigned integer field");
    }

    Map<String, Object> w = Plain.object(b.get("window"), "window", WINDOW_KEYS);
    if (!"rolling".equals(w.get("type"))) {
      throw new PolicyException("window.type", w.get("type") == null ? "is missing" : "must be \"rolling\"");
    }
    long seconds = Plain.integral(w.get("seconds"), "window.seconds");
    if (seconds < MIN_WINDOW_SECONDS || seconds > MAX_WINDOW_SECONDS) {
      throw new PolicyException("window.seconds", "must be " + MIN_WINDOW_SECONDS + ".." + MAX_WINDOW_SECONDS);
    }

    List<Condition> conditions = new ArrayList<>();
    if (b.get("conditions") != null) {
      List<Object> raw = Plain.list(b.get("conditions"), "conditions", 0, MAX_CONDITIONS);
      Budget budget = new Budget();
      for (int j = 0; j < raw.size(); j++) {
        conditions.add(condition(raw.get(j), family, method, "conditions[" + j + "]", budget, true));
      }
    }
    List<Aggregation.GroupBy> groupBy = new ArrayList<>();
    if (b.get("group_by") != null) {
      List<Object> raw = Plain.list(b.get("group_by"), "group_by", 0, MAX_GROUP_BY);
      for (int j = 0; j < raw.size(); j++) {
        String p = "group_by[" + j + "]";
        Map<String, Object> g = Plain.object(raw.get(j), p, GROUP_BY_KEYS);
        Compiled c = measured(g, family, method, p);
        if (c.elementLevel) {
          throw new PolicyException(p + ".field", "is a field of each " + elementWord(c.fieldSource)
              + ": group by a field of the whole transaction");
        }
        groupBy.add(new Aggregation.GroupBy(c.fieldSource, c.field, Plain.copyObject(g, p), c));
      }
    }
    return new Aggregation(id, name, method,
        new Aggregation.Metric(metric.fieldSource, metric.field, "sum", Plain.copyObject(m, "metric"), metric),
        seconds, List.copyOf(conditions), List.copyOf(groupBy));
  }

  private static String elementWord(String source) {
    return source.startsWith("solana") ? "instruction" : source.startsWith("stellar") ? "operation" : "output";
  }

  /** A metric or group-by field: {field_source, field, abi?}, single-valued, of the payload. */
  private static Compiled measured(Map<String, Object> m, String family, String method, String path) {
    String source = Plain.string(m.get("field_source"), path + ".field_source", 1, 64);
    if (!Fields.knownSource(source) || Fields.familyOfSource(source) == null) {
      throw new PolicyException(path + ".field_source", "must be a field source of a transaction's payload");
    }
    if (!Fields.familyOfSource(source).equals(family) || !Fields.sourceAllowed(family, method, source)) {
      throw new PolicyException(path + ".field_source", source + " does not apply to " + method + " requests of "
          + family + " wallets");
    }
    String field = Plain.string(m.get("field"), path + ".field", 1, MAX_FIELD);
    if (source.equals("ethereum_calldata") && m.get("abi") == null) {
      throw new PolicyException(path + ".abi", "is missing: ethereum_calldata fields need the contract's JSON ABI");
    }
    if (!source.equals("ethereum_calldata") && m.containsKey("abi")) {
      throw new PolicyException(path + ".abi", "only ethereum_calldata fields have an abi");
    }
    if (source.equals("ethereum_typed_data_message")) {
      throw new PolicyException(path + ".field_source", "typed data is not measured");
    }
    Fields.Ref ref = Fields.resolve(source, field, m.get("abi"), null, path);
    if (ref.many()) {
      throw new PolicyException(path + ".field", "has several values (an array): name one element");
    }
    return new Compiled(source, field, ref.type(), ref.extractor(), null, ref.element(),
        source + "." + field, ref.min());
  }
}
