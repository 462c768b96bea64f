package io.nitrosign.authz;

import com.google.protobuf.ByteString;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.UserMember;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * M-of-N evaluation of a {@link KeyQuorum}: its members are its P-256 public keys, its users
 * (each satisfied by a signature of one of the user's session keys, {@link UserKeys}) and its
 * nested quorums (one level), a nested quorum counting as one member of its parent when its own
 * threshold is met.
 *
 * <p>Counting: each signature is matched to at most one key, the first key of the quorum (parent
 * keys in order, then each nested quorum's keys in order) under which it verifies and that no
 * earlier signature matched; a key counts once however many signatures it has.
 */
public final class Quorums {

  /** The most keys in one quorum, nested quorums included. */
  public static final int MAX_KEYS = 32;
  /** The longest issuer or subject of a user member. */
  public static final int MAX_CLAIM_CHARS = 512;

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
    return evaluate(q, payload, signatures, UserKeys.NONE);
  }

  /**
   * As {@link #evaluate(KeyQuorum, byte[], List)}, with user members: a user member is satisfied
   * when a signature verifies under one of its session keys in {@code users} (signatures are
   * matched to the quorum's keys first, then to the users' session keys, in member order).
   */
  public static Result evaluate(KeyQuorum q, byte[] payload, List<byte[]> signatures,
      UserKeys users) {
    validate(q);
    // one slot per key that may match a signature: the quorum's keys, its users' session keys,
    // then the same for each nested quorum
    List<Slot> slots = new ArrayList<>();
    addSlots(q, slots, users);
    for (KeyQuorum nested : q.getQuorumsList()) {
      addSlots(nested, slots, users);
    }
    Set<Integer> matched = new HashSet<>();
    int valid = 0;
    int unmatched = 0;
    for (byte[] signature : signatures == null ? List.<byte[]>of() : signatures) {
      boolean verifiesUnderMatchedKey = false;
      int newSlot = -1;
      for (int i = 0; i < slots.size(); i++) {
        boolean alreadyMatched = matched.contains(i);
        if (alreadyMatched && verifiesUnderMatchedKey) {
          continue;
        }
        if (slots.get(i).key().verify(payload, signature)) {
          if (!alreadyMatched) {
            newSlot = i;
            break;
          }
          verifiesUnderMatchedKey = true;
        }
      }
      if (newSlot >= 0) {
        matched.add(newSlot);
        valid++;
      } else if (verifiesUnderMatchedKey) {
        valid++;
      } else {
        unmatched++;
      }
    }
    Set<Object> satisfied = new HashSet<>();
    for (int i : matched) {
      satisfied.add(slots.get(i).member());
    }
    int members = satisfiedMembers(q, satisfied);
    return new Result(valid, members, members >= q.getThreshold(), unmatched);
  }

  /** A key a signature may match, and the member it satisfies (a key, or a user). */
  private record Slot(P256Key key, Object member) {}

  private static void addSlots(KeyQuorum q, List<Slot> slots, UserKeys users) {
    for (ByteString spki : q.getPublicKeysList()) {
      P256Key key = P256Key.cached(spki.toByteArray());
      slots.add(new Slot(key, key));
    }
    for (UserMember u : q.getUsersList()) {
      UserKeys.User user = UserKeys.User.of(u);
      for (P256Key key : users.of(user)) {
        slots.add(new Slot(key, user));
      }
    }
  }

  private static int satisfiedMembers(KeyQuorum q, Set<Object> satisfied) {
    int members = 0;
    for (ByteString spki : q.getPublicKeysList()) {
      if (satisfied.contains(P256Key.cached(spki.toByteArray()))) {
        members++;
      }
    }
    for (UserMember u : q.getUsersList()) {
      if (satisfied.contains(UserKeys.User.of(u))) {
        members++;
      }
    }
    for (KeyQuorum nested : q.getQuorumsList()) {
      if (satisfiedMembers(nested, satisfied) >= nested.getThreshold()) {
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
    Set<UserKeys.User> seenUsers = new HashSet<>();
    collectKeys(q, seen);
    collectUsers(q, seenUsers);
    for (KeyQuorum nested : q.getQuorumsList()) {
      if (nested.getQuorumsCount() > 0) {
        throw new IllegalArgumentException("key quorums nest at most one level");
      }
      validateLevel(nested);
      collectKeys(nested, seen);
      collectUsers(nested, seenUsers);
    }
  }

  private static void validateLevel(KeyQuorum q) {
    long members = (long) q.getPublicKeysCount() + q.getQuorumsCount() + q.getUsersCount();
    if (members == 0) {
      throw new IllegalArgumentException("key quorum has no members");
    }
    long threshold = Integer.toUnsignedLong(q.getThreshold());
    if (threshold == 0 || threshold > members) {
      throw new IllegalArgumentException("key quorum threshold must be from 1 to its member count");
    }
  }

  private static void collectUsers(KeyQuorum q, Set<UserKeys.User> seen) {
    for (UserMember u : q.getUsersList()) {
      if (u.getIssuer().isEmpty() || u.getSubject().isEmpty()
          || u.getIssuer().length() > MAX_CLAIM_CHARS || u.getSubject().length() > MAX_CLAIM_CHARS) {
        throw new IllegalArgumentException("key quorum user needs an issuer and a subject");
      }
      if (!seen.add(UserKeys.User.of(u))) {
        throw new IllegalArgumentException("key quorum has a duplicate user");
      }
      if (seen.size() > MAX_KEYS) {
        throw new IllegalArgumentException("key quorum has more than " + MAX_KEYS + " users");
      }
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
