package io.nitrosign.parent.user;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A user as the API shows it (Privy's User object): {@code created_at} in Unix seconds, one
 * linked account of type {@code custom_auth} (Privy's {@code LinkedAccountCustomJwt}), no MFA
 * methods, never a guest.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "created_at", "has_accepted_terms", "is_guest", "linked_accounts",
    "mfa_methods"})
public record UserView(
    @JsonProperty("id") String id,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("has_accepted_terms") boolean hasAcceptedTerms,
    @JsonProperty("is_guest") boolean isGuest,
    @JsonProperty("linked_accounts") List<LinkedAccount> linkedAccounts,
    @JsonProperty("mfa_methods") List<Object> mfaMethods) {

  /** A custom_auth account: times in Unix seconds. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"type", "custom_user_id", "verified_at", "first_verified_at",
      "latest_verified_at"})
  public record LinkedAccount(
      @JsonProperty("type") String type,
      @JsonProperty("custom_user_id") String customUserId,
      @JsonProperty("verified_at") long verifiedAt,
      @JsonProperty("first_verified_at") Long firstVerifiedAt,
      @JsonProperty("latest_verified_at") Long latestVerifiedAt) {}

  public static UserView of(StoredUser u) {
    long created = u.createdAt().getEpochSecond();
    Long latest = u.latestVerifiedAt() == null ? null : u.latestVerifiedAt().getEpochSecond();
    return new UserView(u.id(), created, false, false,
        List.of(new LinkedAccount("custom_auth", u.customUserId(), created, created, latest)),
        List.of());
  }

  /** A page of users, Privy's cursor shape. */
  public record Page(@JsonProperty("data") List<UserView> data,
      @JsonProperty("next_cursor") String nextCursor) {}
}
