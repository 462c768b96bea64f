package io.nitrosign.parent.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Pattern;

/**
 * {@code audit:} in the YAML. {@code chain} names the hash chain this parent host appends to
 * (docs/architecture.md, "Audit chain and several hosts"): 1 to 64 characters of
 * {@code [A-Za-z0-9._-]}, validated at start-up; unset, the machine's hostname (one EC2 instance,
 * one host, one chain). Hosts must not share a name unless they are meant to share the chain and
 * its lock (correct, but their appends serialize).
 */
public class AuditConfiguration {

  @Pattern(regexp = "[A-Za-z0-9._-]{1,64}",
      message = "must be 1 to 64 characters of [A-Za-z0-9._-]")
  private String chain;

  @JsonProperty
  public String getChain() {
    return chain;
  }

  @JsonProperty
  public void setChain(String chain) {
    this.chain = chain;
  }

  /** The chain this host appends to: {@code chain}, or the hostname when unset. */
  public AuditChainName chainName() {
    return chain == null ? AuditChainName.ofHost() : new AuditChainName(chain);
  }
}
