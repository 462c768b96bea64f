package io.nitrosign.parent.quorum;

import java.time.Instant;
import java.util.List;

/**
 * A stored key quorum: its P-256 keys (DER SPKI, in order), its user members (user ids), the ids
 * of its nested quorums, its threshold over keys + users + nested quorums, and the serialized {@code KeyQuorum} whose signatures a
 * change or deletion needs ({@code owner}, null = none).
 */
public record StoredKeyQuorum(String id, String appId, String displayName, int threshold,
    List<Key> keys, List<String> childIds, byte[] owner, Instant createdAt, Instant updatedAt,
    List<String> userIds) {

  public StoredKeyQuorum {
    keys = List.copyOf(keys);
    childIds = List.copyOf(childIds);
    userIds = List.copyOf(userIds);
  }

  /** A quorum without user members. */
  public StoredKeyQuorum(String id, String appId, String displayName, int threshold,
      List<Key> keys, List<String> childIds, byte[] owner, Instant createdAt, Instant updatedAt) {
    this(id, appId, displayName, threshold, keys, childIds, owner, createdAt, updatedAt,
        List.of());
  }

  /** The same quorum with these user members. */
  public StoredKeyQuorum withUserIds(List<String> users) {
    return new StoredKeyQuorum(id, appId, displayName, threshold, keys, childIds, owner,
        createdAt, updatedAt, users);
  }

  /** One authorization key: DER SubjectPublicKeyInfo of a P-256 key and an optional name. */
  public record Key(byte[] spki, String displayName) {}

  /** Keys plus users plus nested quorums: what the threshold counts. */
  public int members() {
    return keys.size() + userIds.size() + childIds.size();
  }
}
