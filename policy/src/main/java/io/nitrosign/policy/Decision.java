package io.nitrosign.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of evaluating a wallet's policies on one request, with its explanation. When a
 * rule decided, {@code policyId}, {@code ruleId} and {@code ruleName} name it (for an ALLOW, the
 * first allowing rule; for a DENY, the first matching DENY rule); for default deny they are null
 * and {@code reason} says that no rule of the consulted policies allowed the method.
 * {@code consulted} lists the policy ids evaluated. {@code allowed} with no policies consulted
 * means the wallet has none.
 */
public record Decision(boolean allowed, String policyId, String ruleId, String ruleName,
    String reason, List<String> consulted) {

  /** For the audit row and the dry run: {@code {decision: "allow"|"deny", policy_id, ...}}. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("decision", allowed ? "allow" : "deny");
    putIfPresent(out, "policy_id", policyId);
    putIfPresent(out, "rule_id", ruleId);
    putIfPresent(out, "rule_name", ruleName);
    putIfPresent(out, "reason", reason);
    if (consulted != null) {
      out.put("policies", new ArrayList<>(consulted));
    }
    return out;
  }

  private static void putIfPresent(Map<String, Object> out, String key, Object value) {
    if (value != null) {
      out.put(key, value);
    }
  }
}
