package io.nitrosign.policy;

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
    throw new UnsupportedOperationException("not yet");
  }
}
