package io.nitrosign.enclave.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.authz.RequestSigner;
import io.nitrosign.chains.ethereum.Eip191;
import io.nitrosign.enclave.authority.Owners;
import io.nitrosign.enclave.crypto.Drbg;
import io.nitrosign.enclave.crypto.OsSeedSource;
import io.nitrosign.enclave.crypto.Secp256k1Verifier;
import io.nitrosign.enclave.kms.TlsTestCa;
import io.nitrosign.enclave.sealing.LocalDevSealingKeyProvider;
import io.nitrosign.enclave.users.JwtIssuer;
import io.nitrosign.enclave.users.JwtSettings;
import io.nitrosign.enclave.users.TestIssuer;
import io.nitrosign.enclave.users.UserSessions;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.hpke.PrivyEnvelope;
import io.nitrosign.proto.v1.AuthenticateUserRequest;
import io.nitrosign.proto.v1.AuthenticateUserResponse;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.RequestAuthorization;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.UserMember;
import io.nitrosign.proto.v1.UserSession;
import io.nitrosign.proto.v1.UserSessionStatement;
import io.nitrosign.proto.v1.WalletKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users and JWT authorization inside the enclave, in process: AuthenticateUser verifies the JWT
 * against a JWKS the enclave fetched itself over pinned TLS and returns an HPKE-encrypted session
 * key; requests that key signs are accepted for wallets whose sealed owner names the user, with
 * the enclave's session statement. A hostile parent's forged, altered, foreign or misapplied
 * sessions, and every kind of bad JWT, are refused with their own codes.
 */
class UserSessionAuthorizationTest {

  private static final SecureRandom RANDOM = Drbg.create(new OsSeedSource());
  private static final String ISSUER = "https://issuer.test";
  private static final String BODY = "{\"method\":\"personal_sign\",\"chain_type\":\"ethereum\","
      + "\"params\":{\"message\":\"hello\",\"encoding\":\"utf-8\"}}";

  @TempDir Path keyDir;
  private TestIssuer issuer;
  private EnclaveService service;

  @BeforeEach
  void start() throws Exception {
    issuer = new TestIssuer(ISSUER);
    service = serviceFor(issuer.config(), issuer.fetcher(), keyDir);
  }

  private static EnclaveService serviceFor(JwtIssuer config,
      io.nitrosign.enclave.users.JwksFetcher fetcher, Path keys) throws Exception {
    EnclaveStateMachine sm = new EnclaveStateMachine();
    EnclaveService s = new EnclaveService(EnclaveService.Options.of(sm, RANDOM, "test")
        .withAuthorization(Owners.settings(null))
        .withJwt(new JwtSettings(Map.of(config.issuer(), config), fetcher)));
    sm.transitionTo(EnclaveState.SEALED);
    s.unseal(LocalDevSealingKeyProvider.openOrCreate(keys, RANDOM));
    return s;
  }

  @AfterEach
  void stop() {
    service.close();
    issuer.close();
  }

  private EnclaveResponse call(EnclaveService s, EnclaveRequest.Builder r) {
    return s.handle(r.setRequestId(1).build()).join();
  }

  private static ErrorCode errorOf(EnclaveResponse r) {
    assertEquals(EnclaveResponse.BodyCase.ERROR, r.getBodyCase(), r.toString());
    return r.getError().getCode();
  }

  /** What the SDK holds after a successful exchange. */
  private record Session(RequestSigner signer, UserSession session) {}

  private EnclaveResponse authenticate(EnclaveService s, String jwt, HpkeKeyPair recipient) {
    return call(s, EnclaveRequest.newBuilder().setAuthenticateUser(AuthenticateUserRequest
        .newBuilder().setAppId(Owners.APP).setIssuer(ISSUER).setJwt(jwt)
        .setRecipientPublicKey(ByteString.copyFrom(spki(recipient.publicKey())))));
  }

  private Session session(EnclaveService s, String jwt) throws Exception {
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      EnclaveResponse r = authenticate(s, jwt, recipient);
      assertEquals(EnclaveResponse.BodyCase.AUTHENTICATE_USER, r.getBodyCase(), r.toString());
      AuthenticateUserResponse a = r.getAuthenticateUser();
      byte[] plaintext = PrivyEnvelope.open(recipient, a.getEncapsulatedKey().toByteArray(),
          a.getCiphertext().toByteArray());
      return new Session(RequestSigner.fromPkcs8Base64(
          new String(plaintext, StandardCharsets.US_ASCII)), a.getSession());
    }
  }

  private WalletKey userWallet(EnclaveService s, String walletId, String... subjects) {
    KeyQuorum.Builder q = KeyQuorum.newBuilder().setThreshold(1);
    for (String sub : subjects) {
      q.addUsers(UserMember.newBuilder().setUserId("usr-" + sub).setIssuer(ISSUER).setSubject(sub));
    }
    EnclaveResponse r = call(s, EnclaveRequest.newBuilder().setGenerateKey(GenerateKeyRequest
        .newBuilder().setWalletId(walletId).setCurve(Curve.SECP256K1)
        .setOwner(Owners.ownedBy("ethereum", q.build()))));
    assertEquals(EnclaveResponse.BodyCase.GENERATE_KEY, r.getBodyCase(), r.toString());
    return r.getGenerateKey().getKey();
  }

  private static RequestAuthorization signed(String walletId, RequestSigner signer,
      UserSession... sessions) {
    String url = Owners.BASE_URL + "/v1/wallets/" + walletId + "/rpc";
    String expiry = Long.toString(System.currentTimeMillis() + 300_000);
    return RequestAuthorization.newBuilder().setMethod("POST").setUrl(url)
        .setBody(ByteString.copyFromUtf8(BODY)).setAppId(Owners.APP).setRequestExpiry(expiry)
        .setSignatures(signer.signRequest("POST", url, BODY, Owners.APP, null, expiry))
        .addAllUserSessions(java.util.List.of(sessions)).build();
  }

  private EnclaveResponse sign(EnclaveService s, WalletKey key, RequestAuthorization auth) {
    return call(s, EnclaveRequest.newBuilder().setSign(SignRequest.newBuilder().setKey(key)
        .setPersonalMessage(PersonalMessage.newBuilder()
            .setMessage(ByteString.copyFromUtf8("hello"))).setAuthorization(auth)));
  }

  @Test
  void aSessionKeyFromAnEs256JwtSignsForTheUsersWallet() throws Exception {
    WalletKey key = userWallet(service, "user-w1", "alice");
    Session alice = session(service, issuer.es256("alice"));
    EnclaveResponse r = sign(service, key, signed("user-w1", alice.signer(), alice.session()));
    assertEquals(EnclaveResponse.BodyCase.SIGN, r.getBodyCase(), r.toString());
    byte[] digest = Eip191.personalMessageHash("hello".getBytes(StandardCharsets.UTF_8));
    assertTrue(Secp256k1Verifier.verify(key.getPublicKey().toByteArray(), digest,
        r.getSign().getR().toByteArray(), r.getSign().getS().toByteArray()));
    UserSessionStatement st = UserSessionStatement.parseFrom(alice.session().getStatement());
    assertEquals("alice", st.getSubject());
    assertEquals(ISSUER, st.getIssuer());
    assertTrue(st.getExpiresAtMillis() <= System.currentTimeMillis() + 15 * 60_000);
  }

  @Test
  void anRs256JwtWorksTooAndTheJwksIsCached() throws Exception {
    WalletKey key = userWallet(service, "user-w2", "bob");
    Session bob = session(service, issuer.rs256("bob"));
    session(service, issuer.es256("bob"));
    assertEquals(1, issuer.fetches.get());
    assertEquals(EnclaveResponse.BodyCase.SIGN,
        sign(service, key, signed("user-w2", bob.signer(), bob.session())).getBodyCase());
  }

  @Test
  void everyBadJwtIsRefusedWithItsOwnCode() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    try (HpkeKeyPair rcpt = HpkeKeyPair.generate(RANDOM)) {
      // expired beyond the 60 s skew
      assertEquals(ErrorCode.JWT_EXPIRED, errorOf(authenticate(service, TestIssuer.mint("ES256",
          "es-1", issuer.ec, TestIssuer.claims(ISSUER, TestIssuer.AUDIENCE, "alice", now - 120)),
          rcpt)));
      // not valid yet
      assertEquals(ErrorCode.JWT_EXPIRED, errorOf(authenticate(service, TestIssuer.mint("ES256",
          "es-1", issuer.ec, "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + TestIssuer.AUDIENCE
              + "\",\"sub\":\"alice\",\"exp\":" + (now + 900) + ",\"nbf\":" + (now + 600) + "}"),
          rcpt)));
      // another issuer's token (its own key, its own iss)
      KeyPair foreign = ecKey();
      assertEquals(ErrorCode.JWT_WRONG_ISSUER, errorOf(authenticate(service, TestIssuer.mint(
          "ES256", "es-1", foreign, TestIssuer.claims("https://evil.test", TestIssuer.AUDIENCE,
              "alice", now + 600)), rcpt)));
      // the right iss, signed by another key under the issuer's kid
      assertEquals(ErrorCode.JWT_INVALID, errorOf(authenticate(service, TestIssuer.mint("ES256",
          "es-1", foreign, TestIssuer.claims(ISSUER, TestIssuer.AUDIENCE, "alice", now + 600)),
          rcpt)));
      // a kid the issuer does not have
      assertEquals(ErrorCode.JWT_UNKNOWN_KEY, errorOf(authenticate(service, TestIssuer.mint(
          "ES256", "es-9", foreign, TestIssuer.claims(ISSUER, TestIssuer.AUDIENCE, "alice",
              now + 600)), rcpt)));
      // the wrong audience
      assertEquals(ErrorCode.JWT_WRONG_AUDIENCE, errorOf(authenticate(service, TestIssuer.mint(
          "ES256", "es-1", issuer.ec, TestIssuer.claims(ISSUER, "another-app", "alice", now + 600)),
          rcpt)));
      // alg confusion: the RSA key's kid with ES256
      assertEquals(ErrorCode.JWT_INVALID, errorOf(authenticate(service, TestIssuer.mint("ES256",
          "rs-1", issuer.ec, TestIssuer.claims(ISSUER, TestIssuer.AUDIENCE, "alice", now + 600)),
          rcpt)));
      // alg none, garbage
      String unsigned = TestIssuer.mint("ES256", "es-1", issuer.ec,
          TestIssuer.claims(ISSUER, TestIssuer.AUDIENCE, "alice", now + 600));
      String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
          "{\"alg\":\"none\",\"kid\":\"es-1\"}".getBytes(StandardCharsets.UTF_8))
          + unsigned.substring(unsigned.indexOf('.')).replaceAll("\\.[^.]*$", ".");
      assertEquals(ErrorCode.JWT_INVALID, errorOf(authenticate(service, none, rcpt)));
      assertEquals(ErrorCode.JWT_INVALID, errorOf(authenticate(service, "not.a.jwt", rcpt)));
    }
  }

  @Test
  void aJwksServerOutsideThePinnedRootsIsNeverTrusted() throws Exception {
    EnclaveService pinnedElsewhere = serviceFor(issuer.config(),
        TestIssuer.fetcher(new TlsTestCa("some other ca")), keyDir.resolve("other"));
    try (HpkeKeyPair rcpt = HpkeKeyPair.generate(RANDOM)) {
      assertEquals(ErrorCode.JWKS_UNAVAILABLE,
          errorOf(authenticate(pinnedElsewhere, issuer.es256("alice"), rcpt)));
      assertEquals(0, issuer.fetches.get());
    } finally {
      pinnedElsewhere.close();
    }
  }

  @Test
  void hostileParentSessionsAreRefused() throws Exception {
    WalletKey aliceWallet = userWallet(service, "user-a", "alice");
    WalletKey bobWallet = userWallet(service, "user-b", "bob");
    Session alice = session(service, issuer.es256("alice"));

    // alice's session on bob's wallet: her key is no member of bob's quorum
    assertNotEquals(EnclaveResponse.BodyCase.SIGN,
        sign(service, bobWallet, signed("user-b", alice.signer(), alice.session())).getBodyCase());
    assertEquals(ErrorCode.AUTHORIZATION_INVALID,
        errorOf(sign(service, bobWallet, signed("user-b", alice.signer(), alice.session()))));

    // the session relabelled as bob's (the MAC no longer matches)
    UserSessionStatement st = UserSessionStatement.parseFrom(alice.session().getStatement());
    UserSession relabelled = alice.session().toBuilder().setStatement(
        st.toBuilder().setSubject("bob").build().toByteString()).build();
    assertEquals(ErrorCode.AUTHORIZATION_INVALID,
        errorOf(sign(service, bobWallet, signed("user-b", alice.signer(), relabelled))));

    // a session for a key the parent holds, MACed with a made-up key
    RequestSigner parentKey = RequestSigner.fromPkcs8Base64(RequestSigner.generate().privateKey());
    UserSession forged = UserSession.newBuilder().setStatement(st.toBuilder()
        .setSubject("bob").setSessionPublicKey(ByteString.copyFrom(
            java.util.Base64.getDecoder().decode(RequestSigner.generate().publicKey())))
        .build().toByteString()).setMac(ByteString.copyFrom(new byte[32])).build();
    assertEquals(ErrorCode.AUTHORIZATION_INVALID,
        errorOf(sign(service, bobWallet, signed("user-b", parentKey, forged))));

    // a real session minted by an enclave with other sealing keys (another deployment)
    EnclaveService other = serviceFor(issuer.config(), issuer.fetcher(), keyDir.resolve("other"));
    try {
      Session foreignBob = session(other, issuer.es256("bob"));
      assertEquals(ErrorCode.AUTHORIZATION_INVALID, errorOf(sign(service, bobWallet,
          signed("user-b", foreignBob.signer(), foreignBob.session()))));
    } finally {
      other.close();
    }

    // the session key's signature without the session: no user key is known
    assertEquals(ErrorCode.AUTHORIZATION_INVALID,
        errorOf(sign(service, aliceWallet, signed("user-a", alice.signer()))));

    // a session of this deployment that has expired
    try (LocalDevSealingKeyProvider same = LocalDevSealingKeyProvider.openOrCreate(keyDir, RANDOM)) {
      long now = System.currentTimeMillis();
      UserSession expired = new UserSessions(same).issue(Owners.APP, ISSUER, "alice",
          st.getSessionPublicKey().toByteArray(), now - 120_000, now - 1);
      assertEquals(ErrorCode.AUTHORIZATION_EXPIRED,
          errorOf(sign(service, aliceWallet, signed("user-a", alice.signer(), expired))));
      // and one for another app
      UserSession otherApp = new UserSessions(same).issue("another-app", ISSUER, "alice",
          st.getSessionPublicKey().toByteArray(), now, now + 60_000);
      assertEquals(ErrorCode.AUTHORIZATION_INVALID,
          errorOf(sign(service, aliceWallet, signed("user-a", alice.signer(), otherApp))));
    }

    // and the genuine session still works
    assertEquals(EnclaveResponse.BodyCase.SIGN,
        sign(service, aliceWallet, signed("user-a", alice.signer(), alice.session())).getBodyCase());
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  private static byte[] spki(byte[] point) {
    byte[] prefix = HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    byte[] out = java.util.Arrays.copyOf(prefix, prefix.length + point.length);
    System.arraycopy(point, 0, out, prefix.length, point.length);
    return out;
  }
}
