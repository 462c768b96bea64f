package io.nitrosign.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.UserMember;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class QuorumsTest {

  private static final byte[] PAYLOAD = "{\"body\":\"\",\"version\":1}".getBytes(StandardCharsets.UTF_8);
  private static final List<KeyPair> PAIRS = new ArrayList<>();

  @BeforeAll
  static void keys() throws GeneralSecurityException {
    for (int i = 0; i < 5; i++) {
      PAIRS.add(P256KeyTest.jdkKeyPair());
    }
  }

  private static ByteString spki(int i) {
    return ByteString.copyFrom(PAIRS.get(i).getPublic().getEncoded());
  }

  private static byte[] sig(int i) throws GeneralSecurityException {
    return P256KeyTest.jdkSign(PAIRS.get(i), PAYLOAD);
  }

  private static KeyQuorum quorum(int threshold, int... keys) {
    KeyQuorum.Builder b = KeyQuorum.newBuilder().setThreshold(threshold);
    for (int k : keys) {
      b.addPublicKeys(spki(k));
    }
    return b.build();
  }

  @Test
  void twoOfThreeNeedsTwoDistinctKeys() throws GeneralSecurityException {
    KeyQuorum q = quorum(2, 0, 1, 2);
    assertEquals(new Quorums.Result(0, 0, false, 0), Quorums.evaluate(q, PAYLOAD, List.of()));
    assertEquals(new Quorums.Result(1, 1, false, 0), Quorums.evaluate(q, PAYLOAD, List.of(sig(1))));
    assertEquals(new Quorums.Result(2, 2, true, 0), Quorums.evaluate(q, PAYLOAD, List.of(sig(2), sig(0))));
    assertEquals(new Quorums.Result(3, 3, true, 0), Quorums.evaluate(q, PAYLOAD, List.of(sig(0), sig(1), sig(2))));
  }

  @Test
  void aKeyCountsOnceHoweverManySignaturesItHas() throws GeneralSecurityException {
    KeyQuorum q = quorum(2, 0, 1, 2);
    byte[] s = sig(0);
    assertEquals(new Quorums.Result(2, 1, false, 0), Quorums.evaluate(q, PAYLOAD, List.of(s, s)));
    assertEquals(new Quorums.Result(3, 1, false, 0), Quorums.evaluate(q, PAYLOAD, List.of(s, sig(0), s.clone())));
  }

  @Test
  void signaturesUnderNoMemberKeyAreCountedAsUnmatched() throws GeneralSecurityException {
    KeyQuorum q = quorum(1, 0, 1);
    byte[] tampered = sig(0);
    tampered[tampered.length - 1] ^= 1;
    assertEquals(new Quorums.Result(1, 1, true, 3),
        Quorums.evaluate(q, PAYLOAD, List.of(sig(3), tampered, new byte[] {1, 2, 3}, sig(1))));
    byte[] other = "other".getBytes(StandardCharsets.UTF_8);
    assertEquals(new Quorums.Result(0, 0, false, 1), Quorums.evaluate(q, other, List.of(sig(0))));
  }

  @Test
  void aNestedQuorumCountsAsOneMemberWhenItsOwnThresholdIsMet() throws GeneralSecurityException {
    // 2 of {key 0, (2 of {key 1, key 2, key 3})}
    KeyQuorum q = quorum(2, 0).toBuilder().addQuorums(quorum(2, 1, 2, 3)).build();
    assertEquals(new Quorums.Result(2, 1, false, 0), Quorums.evaluate(q, PAYLOAD, List.of(sig(0), sig(1))));
    assertEquals(new Quorums.Result(2, 1, false, 0), Quorums.evaluate(q, PAYLOAD, List.of(sig(1), sig(3))));
    assertEquals(new Quorums.Result(3, 2, true, 0), Quorums.evaluate(q, PAYLOAD, List.of(sig(3), sig(0), sig(1))));
    assertEquals(new Quorums.Result(3, 1, false, 1),
        Quorums.evaluate(q, PAYLOAD, List.of(sig(1), sig(2), sig(3), sig(4))));
    // 1 of {(1 of {key 0}), (2 of {key 1, key 2})}
    KeyQuorum onlyNested = KeyQuorum.newBuilder().setThreshold(1).addQuorums(quorum(1, 0)).addQuorums(quorum(2, 1, 2)).build();
    assertEquals(new Quorums.Result(1, 0, false, 0), Quorums.evaluate(onlyNested, PAYLOAD, List.of(sig(2))));
    assertEquals(new Quorums.Result(2, 1, true, 0), Quorums.evaluate(onlyNested, PAYLOAD, List.of(sig(2), sig(1))));
  }

  @Test
  void invalidQuorumsAreRefusedByValidateAndEvaluate() {
    KeyQuorum valid = quorum(1, 0).toBuilder().addQuorums(quorum(1, 1)).build();
    Quorums.validate(valid);
    KeyQuorum.Builder tooMany = KeyQuorum.newBuilder().setThreshold(1);
    for (int i = 0; i < 33; i++) {
      byte[] spki = PAIRS.get(0).getPublic().getEncoded();
      tooMany.addPublicKeys(ByteString.copyFrom(i == 0 ? spki : distinctKey(i)));
    }
    List<KeyQuorum> invalid = List.of(
        KeyQuorum.getDefaultInstance(),
        quorum(0, 0),
        quorum(2, 0),
        quorum(1, 0, 0),
        quorum(1, 0).toBuilder().addQuorums(quorum(1, 0)).build(),
        quorum(1, 0).toBuilder().addQuorums(quorum(1, 1).toBuilder().addQuorums(quorum(1, 2))).build(),
        quorum(1, 0).toBuilder().addQuorums(KeyQuorum.newBuilder().setThreshold(1)).build(),
        quorum(1, 0).toBuilder().addPublicKeys(ByteString.copyFrom(new byte[] {0x30, 0})).build(),
        KeyQuorum.newBuilder().setThreshold(-1).addPublicKeys(spki(0)).build(),
        tooMany.build());
    for (KeyQuorum q : invalid) {
      assertThrows(IllegalArgumentException.class, () -> Quorums.validate(q), q.toString());
      assertThrows(IllegalArgumentException.class, () -> Quorums.evaluate(q, PAYLOAD, List.of()));
    }
    assertThrows(IllegalArgumentException.class, () -> Quorums.validate(null));
  }

  // ------------------------------------------------------------------------ user members

  private static final String ISSUER = "https://issuer.example";

  private static UserMember user(String subject) {
    return UserMember.newBuilder().setUserId("usr_" + subject).setIssuer(ISSUER)
        .setSubject(subject).build();
  }

  /** Session keys: {@code subject -> key indexes} (all under {@link #ISSUER}). */
  private static UserKeys sessions(Object... subjectThenKeys) {
    Map<UserKeys.User, List<P256Key>> m = new HashMap<>();
    String subject = null;
    for (Object o : subjectThenKeys) {
      if (o instanceof String s) {
        subject = s;
      } else {
        m.computeIfAbsent(new UserKeys.User(ISSUER, subject), u -> new ArrayList<>())
            .add(P256Key.fromSpki(spki((Integer) o).toByteArray()));
      }
    }
    return UserKeys.of(m);
  }

  @Test
  void aUserMemberIsSatisfiedOnlyBySignaturesOfThatUsersSessionKeys()
      throws GeneralSecurityException {
    KeyQuorum q = KeyQuorum.newBuilder().setThreshold(1).addUsers(user("alice")).build();
    Quorums.validate(q);
    // no sessions: the session key's signature matches nothing
    assertEquals(new Quorums.Result(0, 0, false, 1), Quorums.evaluate(q, PAYLOAD,
        List.of(sig(0))));
    // alice's session key 0 signed
    assertEquals(new Quorums.Result(1, 1, true, 0), Quorums.evaluate(q, PAYLOAD,
        List.of(sig(0)), sessions("alice", 0)));
    // key 0 is bob's session, not alice's: it does not count for alice
    assertEquals(new Quorums.Result(0, 0, false, 1), Quorums.evaluate(q, PAYLOAD,
        List.of(sig(0)), sessions("bob", 0)));
    // alice has a session, but another key signed
    assertEquals(new Quorums.Result(0, 0, false, 1), Quorums.evaluate(q, PAYLOAD,
        List.of(sig(1)), sessions("alice", 0)));
  }

  @Test
  void theSameSubjectUnderAnotherIssuerIsAnotherUser() throws GeneralSecurityException {
    KeyQuorum q = KeyQuorum.newBuilder().setThreshold(1).addUsers(user("alice")).build();
    UserKeys otherIssuer = UserKeys.of(Map.of(new UserKeys.User("https://evil.example", "alice"),
        List.of(P256Key.fromSpki(spki(0).toByteArray()))));
    assertEquals(new Quorums.Result(0, 0, false, 1), Quorums.evaluate(q, PAYLOAD,
        List.of(sig(0)), otherIssuer));
  }

  @Test
  void aUserWithSeveralSessionsCountsOnce() throws GeneralSecurityException {
    KeyQuorum q = KeyQuorum.newBuilder().setThreshold(2).addUsers(user("alice"))
        .addUsers(user("bob")).build();
    UserKeys keys = sessions("alice", 0, 1, "bob", 2);
    // two sessions of alice: two valid signatures, one member
    assertEquals(new Quorums.Result(2, 1, false, 0), Quorums.evaluate(q, PAYLOAD,
        List.of(sig(0), sig(1)), keys));
    assertEquals(new Quorums.Result(2, 2, true, 0), Quorums.evaluate(q, PAYLOAD,
        List.of(sig(1), sig(2)), keys));
  }

  @Test
  void usersAndKeysAndNestedQuorumsCountTogether() throws GeneralSecurityException {
    // 2 of {key 0, user alice}
    KeyQuorum mixed = quorum(2, 0).toBuilder().addUsers(user("alice")).build();
    UserKeys alice = sessions("alice", 3);
    assertEquals(new Quorums.Result(1, 1, false, 0), Quorums.evaluate(mixed, PAYLOAD,
        List.of(sig(0)), alice));
    assertEquals(new Quorums.Result(1, 1, false, 0), Quorums.evaluate(mixed, PAYLOAD,
        List.of(sig(3)), alice));
    assertEquals(new Quorums.Result(2, 2, true, 0), Quorums.evaluate(mixed, PAYLOAD,
        List.of(sig(3), sig(0)), alice));
    // 2 of {key 0, (1 of {user bob, key 1})}: bob satisfies the nested quorum
    KeyQuorum nested = quorum(2, 0).toBuilder().addQuorums(KeyQuorum.newBuilder().setThreshold(1)
        .addUsers(user("bob")).addPublicKeys(spki(1))).build();
    Quorums.validate(nested);
    UserKeys bob = sessions("bob", 4);
    assertEquals(new Quorums.Result(2, 2, true, 0), Quorums.evaluate(nested, PAYLOAD,
        List.of(sig(0), sig(4)), bob));
    // bob alone: the nested quorum is met (one member of the parent), key 0 is missing
    assertEquals(new Quorums.Result(1, 1, false, 0), Quorums.evaluate(nested, PAYLOAD,
        List.of(sig(4)), bob));
    assertEquals(new Quorums.Result(1, 1, false, 1), Quorums.evaluate(nested, PAYLOAD,
        List.of(sig(0), sig(4)), UserKeys.NONE));
  }

  @Test
  void invalidUserMembersAreRefused() {
    KeyQuorum twice = KeyQuorum.newBuilder().setThreshold(1).addUsers(user("alice"))
        .addUsers(user("alice").toBuilder().setUserId("usr_other")).build();
    KeyQuorum twiceAcrossLevels = KeyQuorum.newBuilder().setThreshold(1).addUsers(user("alice"))
        .addQuorums(KeyQuorum.newBuilder().setThreshold(1).addUsers(user("alice"))).build();
    KeyQuorum.Builder tooMany = KeyQuorum.newBuilder().setThreshold(1);
    for (int i = 0; i <= Quorums.MAX_KEYS; i++) {
      tooMany.addUsers(user("user-" + i));
    }
    List<KeyQuorum> invalid = List.of(
        KeyQuorum.newBuilder().setThreshold(1).addUsers(user("alice").toBuilder().setIssuer(""))
            .build(),
        KeyQuorum.newBuilder().setThreshold(1).addUsers(user("alice").toBuilder().setSubject(""))
            .build(),
        KeyQuorum.newBuilder().setThreshold(1).addUsers(user("x".repeat(513))).build(),
        KeyQuorum.newBuilder().setThreshold(2).addUsers(user("alice")).build(),
        twice, twiceAcrossLevels, tooMany.build());
    for (KeyQuorum q : invalid) {
      assertThrows(IllegalArgumentException.class, () -> Quorums.validate(q), q.toString());
    }
    Quorums.validate(KeyQuorum.newBuilder().setThreshold(2).addUsers(user("alice"))
        .addUsers(user("bob")).build());
  }

  private static final List<byte[]> EXTRA = new ArrayList<>();

  private static synchronized byte[] distinctKey(int i) {
    while (EXTRA.size() < i) {
      try {
        EXTRA.add(P256KeyTest.jdkKeyPair().getPublic().getEncoded());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return Arrays.copyOf(EXTRA.get(i - 1), EXTRA.get(i - 1).length);
  }
}
