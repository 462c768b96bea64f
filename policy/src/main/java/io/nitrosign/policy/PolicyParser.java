package io.nitrosign.policy;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads and validates policies, rules and aggregations from request bodies given as plain JSON
 * values (objects {@code Map<String, Object>}, arrays {@code List<Object>}, strings, numbers as
 * {@code BigInteger}/{@code BigDecimal}/{@code Long}/{@code Integer}, booleans, null). Everything
 * is checked when written: an unknown field source or field, an operator the field cannot take,
 * a value of the wrong type, an ABI that does not parse, a typed-data field that the types do not
 * have: each is a {@link PolicyException} naming the path ({@code rules[2].conditions[0].value}).
 */
public final class PolicyParser {

  private PolicyParser() {}

  /**
   * A policy from Privy's create body {@code {version, name, chain_type, rules}} (the parent
   * removes {@code owner}/{@code owner_id} first). Rules without an {@code id} get
   * {@code newRuleId.get()}.
   */
  public static Policy policy(String id, Map<String, Object> body, Supplier<String> newRuleId) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * One rule {@code {name, method, conditions, action}} of a policy of {@code chainType};
   * {@code path} prefixes error paths ({@code "rules[2]."}, or {@code ""} for the rule endpoints).
   */
  public static Rule rule(String id, Map<String, Object> body, String chainType, String path) {
    throw new UnsupportedOperationException("not yet");
  }

  /** An aggregation from Privy's create body (the parent removes {@code owner}/{@code owner_id}). */
  public static Aggregation aggregation(String id, Map<String, Object> body) {
    throw new UnsupportedOperationException("not yet");
  }
}
