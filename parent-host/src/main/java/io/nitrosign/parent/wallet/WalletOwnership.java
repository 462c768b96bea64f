package io.nitrosign.parent.wallet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A wallet's ownership as the API shows it: {@code owner_id} (the key quorum given as owner_id;
 * null for app-owned wallets and for {@code owner: {public_key}}), {@code additional_signers} and
 * {@code policy_ids}. The authority the enclave enforces is the wallet's sealed WalletAuthority;
 * this is its REST view, stored next to it.
 */
public record WalletOwnership(String ownerId, List<Signer> additionalSigners,
    List<String> policyIds) {

  /** An app-owned wallet with no additional signers and no policies. */
  public static final WalletOwnership NONE = new WalletOwnership(null, List.of(), List.of());

  public WalletOwnership {
    additionalSigners = List.copyOf(additionalSigners);
    policyIds = List.copyOf(policyIds);
  }

  /** {@code {"signer_id": key quorum id, "override_policy_ids": [...]}}. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"signer_id", "override_policy_ids"})
  public record Signer(@JsonProperty("signer_id") String signerId,
      @JsonProperty("override_policy_ids") List<String> overridePolicyIds) {
    public Signer {
      overridePolicyIds = List.copyOf(overridePolicyIds);
    }
  }
}
