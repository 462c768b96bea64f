package io.nitrosign.parent.quorum;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A key quorum as the API shows it (Privy's KeyQuorum object), with its user members in
 * {@code user_ids}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "display_name", "authorization_threshold", "authorization_keys",
    "user_ids", "key_quorum_ids", "created_at"})
public record KeyQuorumView(
    @JsonProperty("id") String id,
    @JsonProperty("display_name") String displayName,
    @JsonProperty("authorization_threshold") int authorizationThreshold,
    @JsonProperty("authorization_keys") List<AuthorizationKey> authorizationKeys,
    @JsonProperty("user_ids") List<String> userIds,
    @JsonProperty("key_quorum_ids") List<String> keyQuorumIds,
    @JsonProperty("created_at") long createdAt) {

  /** {@code {"public_key": base64 DER SPKI, "display_name": …}}. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"public_key", "display_name"})
  public record AuthorizationKey(@JsonProperty("public_key") String publicKey,
      @JsonProperty("display_name") String displayName) {}

  public static KeyQuorumView of(StoredKeyQuorum q) {
    return new KeyQuorumView(q.id(), q.displayName(), q.threshold(),
        q.keys().stream().map(k -> new AuthorizationKey(AuthorizationKeys.render(k.spki()),
            k.displayName())).toList(),
        q.userIds(), q.childIds(), q.createdAt().toEpochMilli());
  }

  /** {@code DELETE}'s answer, Privy's SuccessResponse. */
  public record Deleted(@JsonProperty("success") boolean success) {}
}
