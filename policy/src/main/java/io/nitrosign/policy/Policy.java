package io.nitrosign.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy: {@code version} "1.0", a name, the chain type of the wallets it can govern, its
 * rules. Ownership ({@code owner_id}) is kept by the parent beside it, not here.
 */
public record Policy(String id, String version, String name, String chainType, List<Rule> rules) {

  /**
   * {@code {id, version, name, chain_type, rules}}; the parent adds {@code owner_id} and
   * {@code created_at}.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (id != null) {
      out.put("id", id);
    }
    out.put("version", version);
    out.put("name", name);
    out.put("chain_type", chainType);
    List<Object> r = new ArrayList<>(rules.size());
    for (Rule rule : rules) {
      r.add(rule.toJson());
    }
    out.put("rules", r);
    return out;
  }
}
