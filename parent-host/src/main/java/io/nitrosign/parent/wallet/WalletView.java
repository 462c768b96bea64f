package io.nitrosign.parent.wallet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.nitrosign.parent.Hex;
import java.util.List;
import java.util.Map;

/**
 * A wallet as the API shows it (Privy's wallet object, plus {@code public_key}, and for Bitcoin
 * {@code addresses}: {@code p2wpkh} (also the {@code address}) and {@code p2tr}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "address", "addresses", "chain_type", "public_key", "policy_ids",
    "additional_signers", "owner_id", "created_at", "exported_at", "imported_at"})
public record WalletView(
    @JsonProperty("id") String id,
    @JsonProperty("address") String address,
    @JsonProperty("addresses") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> addresses,
    @JsonProperty("chain_type") String chainType,
    @JsonProperty("public_key") String publicKey,
    @JsonProperty("policy_ids") List<String> policyIds,
    @JsonProperty("additional_signers") List<WalletOwnership.Signer> additionalSigners,
    @JsonProperty("owner_id") String ownerId,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("exported_at") Long exportedAt,
    @JsonProperty("imported_at") Long importedAt) {

  /** An app-owned wallet with no additional signers and no policies. */
  public static WalletView of(Wallet w) {
    return of(w, WalletOwnership.NONE);
  }

  public static WalletView of(Wallet w, WalletOwnership o) {
    return new WalletView(w.id(), w.address(), w.chain().addresses(w.publicKey()), w.chainType(), Hex.prefixed(w.publicKey()),
        o.policyIds(), o.additionalSigners(), o.ownerId(), w.createdAt().toEpochMilli(),
        w.exportedAt() == null ? null : w.exportedAt().toEpochMilli(),
        w.importedAt() == null ? null : w.importedAt().toEpochMilli());
  }

  /** {@code GET /v1/wallets}: a page and the cursor for the next one (null on the last page). */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Page(@JsonProperty("data") List<WalletView> data,
      @JsonProperty("next_cursor") String nextCursor) {}
}
