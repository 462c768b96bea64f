package io.nitrosign.authz;

import io.nitrosign.proto.v1.UserMember;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The session keys that may sign for user members of a key quorum, by user (JWT issuer and
 * subject). Who vouches for them differs by side: in the enclave, sessions whose MAC and expiry it
 * checked itself ({@code UserSessionStatement}); in the parent, the sessions it stored when the
 * enclave minted them (an early answer only, the enclave's check is the one that counts).
 */
public final class UserKeys {

  /** No sessions: user members cannot be satisfied. */
  public static final UserKeys NONE = new UserKeys(Map.of());

  /** A user as quorum members name it: the JWT issuer and subject. */
  public record User(String issuer, String subject) {
    public User {
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(subject, "subject");
    }

    public static User of(UserMember m) {
      return new User(m.getIssuer(), m.getSubject());
    }
  }

  private final Map<User, List<P256Key>> keys;

  private UserKeys(Map<User, List<P256Key>> keys) {
    this.keys = keys;
  }

  /** Session keys by user. */
  public static UserKeys of(Map<User, List<P256Key>> keys) {
    Map<User, List<P256Key>> copy = new HashMap<>();
    keys.forEach((u, k) -> copy.put(u, List.copyOf(k)));
    return new UserKeys(Map.copyOf(copy));
  }

  /** The session keys of {@code user} (empty when none). */
  public List<P256Key> of(User user) {
    return keys.getOrDefault(user, List.of());
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }
}
