package io.nitrosign.authz;

import com.google.protobuf.ByteString;
import io.nitrosign.proto.v1.KeyQuorum;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * M-of-N evaluation of a {@link KeyQuorum}: its members are its P-256 public keys and its nested
 * quorums (one level), a nested quorum counting as one member of its parent when its own threshold
 * is met.
 *
 * <p>Counting: each signature is matched to at most one key, the first key of the quorum (parent
 * keys in order, then each nested quorum's keys in order) under which it verifies and that no
 * earlier signature matched; a key counts once however many signatures it has.
 */
public final class Quorums {

  /** The most keys in one quorum, nested quorums included. */
  public static final int MAX_KEYS = 32;

  /**
   * The outcome of {@link #evaluate}.
   *
   * @param validSignatures signatures that verify under some key of the quorum (a second signature
   *     by an already matched key is counted here but adds no member)
   * @param membersSatisfied the quorum's members satisfied: its keys with a matching signature and
   *     its nested quorums whose threshold is met
   * @param satisfied whether {@code membersSatisfied} reaches the quorum's threshold
   * @param unmatchedSignatures signatures that verify under no key of the quorum
   */
  public record Result(int validSignatures, int membersSatisfied, boolean satisfied,
      int unmatchedSignatures) {}

  private Quorums() {}

  /**
   * Checks the signatures of a payload against a quorum.
   *
   * @param payload the signed bytes ({@link PrivyRequest#signedPayload})
   * @param signatures DER signatures ({@link SignatureHeader#parse}); malformed ones count as
   *     unmatched
   * @throws IllegalArgumentException when the quorum itself is invalid ({@link #validate})
   */
  public static Result evaluate(KeyQuorum q, byte[] payload, List<byte[]> signatures) {
    validate(q);
    List<P256Key> keys = new ArrayList<>();
    addKeys(q, keys);
    for (KeyQuorum nested : q.getQuorumsList()) {
      addKeys(nested, keys);
    }
    Set<P256Key> matched = new HashSet<>();
    int valid = 0;
    int unmatched = 0;
    for (byte[] signature : signatures == null ? List.<byte[]>of() : signatures) {
      boolean verifiesUnderMatchedKey = false;
      P256Key newKey = null;
      for (P256Key key : keys) {
        boolean alreadyMatched = matched.contains(key);
        if (alreadyMatched && verifiesUnderMatchedKey) {
          continue;
        }
        if (key.verify(payload, signature)) {
          if (!alreadyMatched) {
            newKey = key;
            break;
          }
          verifiesUnderMatchedKey = true;
        }
      }
      if (newKey != null) {
        matched.add(newKey);
        valid++;
      } else if (verifiesUnderMatchedKey) {
        valid++;
      } else {
        unmatched++;
      }
    }
    int members = satisfiedMembers(q, matched);
    return new Result(valid, members, members >= q.getThreshold(), unmatched);
  }

  private static void addKeys(KeyQuorum q, List<P256Key> keys) {
    for (ByteString spki : q.getPublicKeysList()) {
      keys.add(P256Key.cached(spki.toByteArray()));
    }
  }

  private static int satisfiedMembers(KeyQuorum q, Set<P256Key> matched) {
    int members = 0;
    for (ByteString spki : q.getPublicKeysList()) {
      if (matched.contains(P256Key.cached(spki.toByteArray()))) {
        members++;
      }
    }
    for (KeyQuorum nested : q.getQuorumsList()) {
      if (satisfiedMembers(nested, matched) >= nested.getThreshold()) {
        members++;
      }
    }
    return members;
  }

  /**
   * Checks a quorum's shape: every quorum has at least one member and a threshold from 1 to its
   * number of members; nested quorums have no quorums of their own; at most {@value #MAX_KEYS} keys
   * in all, no key twice anywhere in the tree, each a P-256 SubjectPublicKeyInfo ({@link
   * P256Key#fromSpki}).
   *
   * @throws IllegalArgumentException naming the rule broken (never the key)
   */
  public static void validate(KeyQuorum q) {
    if (q == null) {
      throw new IllegalArgumentException("key quorum missing");
    }
    validateLevel(q);
    Set<ByteString> seen = new LinkedHashSet<>();
    collectKeys(q, seen);
    for (KeyQuorum nested : q.getQuorumsList()) {
      if (nested.getQuorumsCount() > 0) {
        throw new IllegalArgumentException("key quorums nest at most one level");
      }
      validateLevel(nested);
      collectKeys(nested, seen);
    }
  }

  private static void validateLevel(KeyQuorum q) {
    long members = (long) q.getPublicKeysCount() + q.getQuorumsCount();
    if (members == 0) {
      throw new IllegalArgumentException("key quorum has no members");
    }
    long threshold = Integer.toUnsignedLong(q.getThreshold());
    if (threshold == 0 || threshold > members) {
      throw new IllegalArgumentException("key quorum threshold must be from 1 to its member count");
    }
  }

  private static void collectKeys(KeyQuorum q, Set<ByteString> seen) {
    for (ByteString spki : q.getPublicKeysList()) {
      if (!seen.add(spki)) {
        throw new IllegalArgumentException("key quorum has a duplicate key");
      }
      if (seen.size() > MAX_KEYS) {
        throw new IllegalArgumentException("key quorum has more than " + MAX_KEYS + " keys");
      }
      P256Key.cached(spki.toByteArray()); // throws for a key that is not P-256
    }
  }
}
