package io.nitrosign.parent.wallet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.nitrosign.parent.Hex;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A wallet as the API shows it: Privy's wallet object ({@code public_key} in Privy's encoding,
 * the compressed raw key on the chain's curve: 33-byte SEC1 for secp256k1, the 32-byte key for
 * Ed25519, {@code 0x} hex; {@code display_name} and {@code external_id} when set), plus our
 * extensions: {@code public_key_uncompressed} (secp256k1 only: the 65-byte SEC1 key, which the
 * attestation binding of a signature commits to) and, for Bitcoin, {@code addresses}:
 * {@code p2wpkh} (also the {@code address}) and {@code p2tr}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "address", "addresses", "chain_type", "public_key",
    "public_key_uncompressed", "display_name", "external_id", "policy_ids", "additional_signers",
    "owner_id", "created_at", "exported_at", "imported_at"})
public record WalletView(
    @JsonProperty("id") String id,
    @JsonProperty("address") String address,
    @JsonProperty("addresses") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> addresses,
    @JsonProperty("chain_type") String chainType,
    @JsonProperty("public_key") String publicKey,
    @JsonProperty("public_key_uncompressed") @JsonInclude(JsonInclude.Include.NON_NULL)
        String publicKeyUncompressed,
    @JsonProperty("display_name") @JsonInclude(JsonInclude.Include.NON_NULL) String displayName,
    @JsonProperty("external_id") @JsonInclude(JsonInclude.Include.NON_NULL) String externalId,
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
    byte[] pk = w.publicKey();
    boolean uncompressed = pk.length == 65 && pk[0] == 0x04;
    return new WalletView(w.id(), w.address(), w.chain().addresses(pk), w.chainType(),
        Hex.prefixed(uncompressed ? compressed(pk) : pk),
        uncompressed ? Hex.prefixed(pk) : null, w.displayName(), w.externalId(),
        o.policyIds(), o.additionalSigners(), o.ownerId(), w.createdAt().toEpochMilli(),
        w.exportedAt() == null ? null : w.exportedAt().toEpochMilli(),
        w.importedAt() == null ? null : w.importedAt().toEpochMilli());
  }

  /**
   * The 33-byte compressed SEC1 form of an uncompressed key {@code 04 ‖ x ‖ y}: {@code 02} or
   * {@code 03} (the parity of y) ‖ x. Stored keys are the enclave's, on the curve.
   */
  static byte[] compressed(byte[] uncompressed) {
    byte[] out = Arrays.copyOfRange(uncompressed, 0, 33);
    out[0] = (byte) ((uncompressed[64] & 1) == 0 ? 0x02 : 0x03);
    return out;
  }

  /** {@code GET /v1/wallets}: a page and the cursor for the next one (null on the last page). */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Page(@JsonProperty("data") List<WalletView> data,
      @JsonProperty("next_cursor") String nextCursor) {}
}
