package io.nitrosign.parent.quorum;

import java.time.Instant;
import java.util.List;

/**
 * A stored key quorum: its P-256 keys (DER SPKI, in order), the ids of its nested quorums, its
 * threshold over keys + nested quorums, and the serialized {@code KeyQuorum} whose signatures a
 * change or deletion needs ({@code owner}, null = none).
 */
public record StoredKeyQuorum(String id, String appId, String displayName, int threshold,
    List<Key> keys, List<String> childIds, byte[] owner, Instant createdAt, Instant updatedAt) {

  public StoredKeyQuorum {
    keys = List.copyOf(keys);
    childIds = List.copyOf(childIds);
  }

  /** One authorization key: DER SubjectPublicKeyInfo of a P-256 key and an optional name. */
  public record Key(byte[] spki, String displayName) {}

  /** Keys plus nested quorums: what the threshold counts. */
  public int members() {
    return keys.size() + childIds.size();
  }
}
