package io.nitrosign.policy;

import java.util.List;
import java.util.Map;

/**
 * One condition of a rule: {@code field_source}, {@code field}, {@code operator}, {@code value}
 * (a string, or for {@code in} an array of strings; for {@code in_condition_set} the condition
 * set's id), and for {@code ethereum_calldata} the contract's JSON ABI, for
 * {@code ethereum_typed_data_message} the {@code typed_data} ({@code types},
 * {@code primary_type}). {@code json} is the condition exactly as it is stored and returned.
 * Built only by {@link PolicyParser}, which validates it.
 */
public record Condition(String fieldSource, String field, Operator operator, List<String> values,
    Map<String, Object> json, Object compiled) {

  /** The condition as stored and returned by the API (Privy's shape). */
  public Map<String, Object> toJson() {
    return json;
  }
}
