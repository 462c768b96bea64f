package io.nitrosign.parent.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code {"error":"<human message>","code":"<typed_code>"}}: Privy's error string plus our code;
 * for a body that is not valid where a JSON path can say so (a policy, rule or condition), also
 * {@code "path"} ({@code rules[2].conditions[0].value}). A policy denial ({@code policy_denied})
 * adds what decided it: {@code policy_id}, {@code rule_id}, {@code rule_name} (all three absent
 * for a default deny) and {@code reason}. Absent fields are left out, never written as null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"error", "code", "path", "policy_id", "rule_id", "rule_name", "reason"})
public record ErrorBody(@JsonProperty("error") String error, @JsonProperty("code") String code,
    @JsonProperty("path") String path,
    @JsonProperty("policy_id") String policyId, @JsonProperty("rule_id") String ruleId,
    @JsonProperty("rule_name") String ruleName, @JsonProperty("reason") String reason) {

  public ErrorBody(String error, String code) {
    this(error, code, null);
  }

  public ErrorBody(String error, String code, String path) {
    this(error, code, path, null, null, null, null);
  }

  /** The body of {@code e}: its message and code, its path, and a policy denial's explanation. */
  public static ErrorBody of(ApiException e) {
    ApiException.Denial d = e.denial();
    return d == null ? new ErrorBody(e.getMessage(), e.code(), e.path())
        : new ErrorBody(e.getMessage(), e.code(), e.path(), d.policyId(), d.ruleId(),
            d.ruleName(), d.reason());
  }
}
