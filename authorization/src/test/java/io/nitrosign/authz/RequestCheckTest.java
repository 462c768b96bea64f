package io.nitrosign.authz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.RequestAuthorization;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestCheck}: each verdict, URL matching with and without a public base URL, the app
 * id, the body bounds (size, strict JSON, exact numbers, empty = {@code {}}), and signatures in
 * both S forms. Requests are signed with {@link RequestSigner}, as clients sign them.
 */
class RequestCheckTest {

  private static final String BASE = "https://wallets.example.com";
  private static final String PATH = "/v1/wallets/w1/rpc";
  private static final String APP = "app-1";
  private static final long NOW = 1_760_000_000_000L;
  private static final String EXPIRY = Long.toString(NOW + 60_000);
  private static final String BODY = "{\"method\":\"personal_sign\",\"params\":{\"message\":\"hi\"}}";
  private static final RequestCheck.Bounds WITH_BASE = RequestCheck.Bounds.defaults(BASE);
  private static final RequestCheck.Bounds NO_BASE = RequestCheck.Bounds.defaults("");

  private static final RequestSigner.KeyPairText[] PAIRS = new RequestSigner.KeyPairText[4];
  private static final RequestSigner[] SIGNERS = new RequestSigner[4];

  static {
    for (int i = 0; i < PAIRS.length; i++) {
      PAIRS[i] = RequestSigner.generate();
      SIGNERS[i] = RequestSigner.fromPkcs8Base64("wallet-auth:" + PAIRS[i].privateKey());
    }
  }

  private static KeyQuorum quorum(int threshold, int... members) {
    KeyQuorum.Builder b = KeyQuorum.newBuilder().setId("q").setThreshold(threshold);
    for (int m : members) {
      b.addPublicKeys(ByteString.copyFrom(Base64.getDecoder().decode(PAIRS[m].publicKey())));
    }
    return b.build();
  }

  private static final KeyQuorum OWNER = quorum(1, 0);

  /** A request as the parent forwards it: what was sent, with the signatures of {@code keys}. */
  private static RequestAuthorization.Builder request(String method, String url, String body,
      String appId, String idempotencyKey, String expiry, int... keys) {
    StringBuilder sigs = new StringBuilder();
    for (int k : keys) {
      sigs.append(sigs.length() == 0 ? "" : ",")
          .append(SIGNERS[k].signRequest(method, url, body, appId, idempotencyKey, expiry));
    }
    return RequestAuthorization.newBuilder().setMethod(method).setUrl(url)
        .setBody(ByteString.copyFromUtf8(body)).setAppId(appId)
        .setIdempotencyKey(idempotencyKey == null ? "" : idempotencyKey)
        .setRequestExpiry(expiry == null ? "" : expiry).setSignatures(sigs.toString());
  }

  private static RequestAuthorization.Builder request(String body, int... keys) {
    return request("POST", BASE + PATH, body, APP, null, EXPIRY, keys);
  }

  private static RequestCheck.Result check(RequestAuthorization auth, KeyQuorum... quorums) {
    return check(auth, WITH_BASE, quorums);
  }

  private static RequestCheck.Result check(RequestAuthorization auth, RequestCheck.Bounds bounds,
      KeyQuorum... quorums) {
    return RequestCheck.check(auth, "POST", PATH, APP, List.of(quorums), bounds, NOW);
  }

  private static void assertVerdict(RequestCheck.Verdict expected, RequestCheck.Result r) {
    assertEquals(expected, r.verdict(), r.detail());
    if (expected != RequestCheck.Verdict.OK) {
      assertNull(r.body());
      assertNull(r.payloadDigest());
      assertEquals(0, r.expiryMillis());
    }
  }

  // -------------------------------------------------------------------------------------- OK

  @Test
  void aSignedRequestIsAcceptedWithItsBodyDigestAndExpiry() throws Exception {
    RequestCheck.Result r = check(request(BODY, 0).build(), OWNER);
    assertVerdict(RequestCheck.Verdict.OK, r);
    assertEquals("ok", r.detail());
    assertEquals(Map.of("method", "personal_sign", "params", Map.of("message", "hi")), r.body());
    assertEquals(NOW + 60_000, r.expiryMillis());
    byte[] payload = PrivyRequest.signedPayload("POST", BASE + PATH,
        PrivyRequest.parseBody(BODY.getBytes(StandardCharsets.UTF_8)), APP, null, EXPIRY);
    assertArrayEquals(java.security.MessageDigest.getInstance("SHA-256").digest(payload),
        r.payloadDigest());
    // the idempotency key is signed too
    RequestAuthorization withKey = request("POST", BASE + PATH, BODY, APP, "idem-1", EXPIRY, 0).build();
    assertVerdict(RequestCheck.Verdict.OK, check(withKey, OWNER));
    assertVerdict(RequestCheck.Verdict.INVALID,
        check(withKey.toBuilder().setIdempotencyKey("idem-2").build(), OWNER));
    assertVerdict(RequestCheck.Verdict.INVALID,
        check(withKey.toBuilder().setIdempotencyKey("").build(), OWNER));
  }

  @Test
  void anyOfTheQuorumsMayAuthorize() {
    RequestAuthorization byKey2 = request(BODY, 2).build();
    assertVerdict(RequestCheck.Verdict.OK, check(byKey2, OWNER, quorum(1, 1, 2)));
    assertVerdict(RequestCheck.Verdict.INVALID, check(byKey2, OWNER));
    assertVerdict(RequestCheck.Verdict.INVALID, check(byKey2));
  }

  @Test
  void theResultNamesTheFirstQuorumThatSigned() {
    // the parent applies an additional signer's override policies when that signer signed
    KeyQuorum signer = quorum(1, 2);
    assertEquals(1, check(request(BODY, 2).build(), OWNER, signer).quorum());
    assertEquals(0, check(request(BODY, 0).build(), OWNER, signer).quorum());
    // both signed: the owner comes first
    assertEquals(0, check(request(BODY, 0, 2).build(), OWNER, signer).quorum());
    assertEquals(-1, check(request(BODY, 3).build(), OWNER, signer).quorum());
  }

  // --------------------------------------------------------------------------------- MISSING

  @Test
  void noSignaturesIsMissing() {
    for (String header : new String[] {"", "   ", "\t"}) {
      assertVerdict(RequestCheck.Verdict.MISSING,
          check(request(BODY).setSignatures(header).build(), OWNER));
    }
  }

  // --------------------------------------------------------------------------------- INVALID

  @Test
  void theMethodUrlAndAppIdMustBeTheRequests() {
    // signed as what was sent, but another method, path or app is being checked
    RequestAuthorization patch = request("PATCH", BASE + PATH, BODY, APP, null, EXPIRY, 0).build();
    assertVerdict(RequestCheck.Verdict.INVALID, check(patch, OWNER));
    RequestAuthorization otherApp = request("POST", BASE + PATH, BODY, "app-2", null, EXPIRY, 0).build();
    assertVerdict(RequestCheck.Verdict.INVALID, check(otherApp, OWNER));
    assertEquals("the signed request's app id does not match", check(otherApp, OWNER).detail());
    // signed for one thing, forwarded as another: the signature no longer verifies
    RequestAuthorization signedForApp2 = request("POST", BASE + PATH, BODY, "app-2", null, EXPIRY, 0)
        .setAppId(APP).build();
    assertVerdict(RequestCheck.Verdict.INVALID, check(signedForApp2, OWNER));
    RequestAuthorization changedBody = request(BODY, 0)
        .setBody(ByteString.copyFromUtf8(BODY.replace("hi", "ho"))).build();
    assertVerdict(RequestCheck.Verdict.INVALID, check(changedBody, OWNER));
    RequestAuthorization changedExpiry = request(BODY, 0).setRequestExpiry(Long.toString(NOW + 1)).build();
    assertVerdict(RequestCheck.Verdict.INVALID, check(changedExpiry, OWNER));
  }

  @Test
  void withABaseUrlTheUrlMustBeExactlyItPlusThePath() {
    assertVerdict(RequestCheck.Verdict.OK, check(request(BODY, 0).build(), WITH_BASE, OWNER));
    for (String url : new String[] {"http://wallets.example.com" + PATH,
        "https://wallets.example.com:443" + PATH, "https://other.example.com" + PATH,
        BASE + PATH + "/", BASE + PATH + "?x=1", BASE + "/prefix" + PATH, PATH,
        "https://WALLETS.example.com" + PATH}) {
      RequestAuthorization auth = request("POST", url, BODY, APP, null, EXPIRY, 0).build();
      RequestCheck.Result r = check(auth, WITH_BASE, OWNER);
      assertVerdict(RequestCheck.Verdict.INVALID, r);
      assertEquals("the signed request's url does not match", r.detail(), url);
    }
  }

  @Test
  void withoutABaseUrlAnyHttpOriginIsAcceptedAndOnlyThePathIsCompared() {
    for (String origin : new String[] {BASE, "http://localhost:8080", "http://127.0.0.1:43121",
        "https://[::1]:8443", "http://a"}) {
      RequestAuthorization auth = request("POST", origin + PATH, BODY, APP, null, EXPIRY, 0).build();
      assertVerdict(RequestCheck.Verdict.OK, check(auth, NO_BASE, OWNER));
    }
    for (String url : new String[] {"ftp://host" + PATH, "https://host/prefix" + PATH,
        "https://user@host" + PATH, "https://" + PATH, "//host" + PATH, PATH,
        "https://host" + PATH + "/", "https://host/v1/wallets/w2/rpc", "https://host?" + PATH,
        "https://host" + PATH.toUpperCase()}) {
      RequestAuthorization auth = request("POST", url, BODY, APP, null, EXPIRY, 0).build();
      RequestCheck.Result r = check(auth, NO_BASE, OWNER);
      assertVerdict(RequestCheck.Verdict.INVALID, r);
      assertEquals("the signed request's url does not match", r.detail(), url);
    }
  }

  @Test
  void aBodyOverTheLimitIsRefusedBeforeItIsParsed() {
    String pad = "x".repeat(RequestCheck.MAX_BODY_BYTES);
    String over = "{\"m\":\"" + pad + "\"}";
    RequestAuthorization auth = request(BODY, 0).setBody(ByteString.copyFromUtf8(over)).build();
    RequestCheck.Result r = check(auth, OWNER);
    assertVerdict(RequestCheck.Verdict.INVALID, r);
    assertEquals("the signed request's body is too large", r.detail());
    // exactly at the limit is read (a string of the right size, signed as sent)
    String at = "{\"m\":\"" + "x".repeat(RequestCheck.MAX_BODY_BYTES - 8) + "\"}";
    assertEquals(RequestCheck.MAX_BODY_BYTES, at.getBytes(StandardCharsets.UTF_8).length);
    assertVerdict(RequestCheck.Verdict.OK, check(request(at, 0).build(), OWNER));
  }

  @Test
  void aBodyThatIsNotOneStrictJsonObjectIsRefused() {
    for (String body : new String[] {"{\"a\":1,\"a\":2}", "{\"a\":1} x", "{\"a\":", "[1]", "\"s\"",
        "null", "{\"a\":01}", "{'a':1}"}) {
      RequestAuthorization auth = request(BODY, 0).setBody(ByteString.copyFromUtf8(body)).build();
      RequestCheck.Result r = check(auth, OWNER);
      assertVerdict(RequestCheck.Verdict.INVALID, r);
      assertEquals("the request body is not strict JSON", r.detail(), body);
    }
    RequestAuthorization badUtf8 = request(BODY, 0)
        .setBody(ByteString.copyFrom(new byte[] {'{', '"', (byte) 0xc3, '"', ':', '1', '}'})).build();
    assertVerdict(RequestCheck.Verdict.INVALID, check(badUtf8, OWNER));
  }

  @Test
  void withAnyBodyAnArrayIsCheckedAsSignedButStillStrictly() {
    // Privy's condition set items are sent, and signed, as an array
    String items = "[{\"value\":\"0x1111111111111111111111111111111111111111\"}]";
    RequestAuthorization signed = request(items, 0).build();
    assertVerdict(RequestCheck.Verdict.INVALID, check(signed, OWNER));
    RequestCheck.Result r = RequestCheck.check(signed, "POST", PATH, APP, List.of(OWNER),
        WITH_BASE, NOW, true);
    assertVerdict(RequestCheck.Verdict.OK, r);
    assertEquals(Map.of(), r.body(), "the body is the caller's to read");
    // the signature covers the array: another array is not this request
    RequestAuthorization other = request(items, 0)
        .setBody(ByteString.copyFromUtf8("[{\"value\":\"0x2\"}]")).build();
    assertVerdict(RequestCheck.Verdict.INVALID, RequestCheck.check(other, "POST", PATH, APP,
        List.of(OWNER), WITH_BASE, NOW, true));
    for (String body : new String[] {"[1] x", "null", "[{\"a\":1,\"a\":2}]",
        "[12345678901234567890]"}) {
      RequestAuthorization bad = request(items, 0).setBody(ByteString.copyFromUtf8(body)).build();
      assertVerdict(RequestCheck.Verdict.INVALID, RequestCheck.check(bad, "POST", PATH, APP,
          List.of(OWNER), WITH_BASE, NOW, true));
    }
  }

  @Test
  void aBodyNumberADoubleCannotHoldExactlyIsRefusedEvenWhenSigned() {
    // the SDK signs JSON.parse's value: 12345678901234567890 and 12345678901234567000 sign alike
    String inexact = "{\"n\":12345678901234567890}";
    RequestCheck.Result r = check(request(inexact, 0).build(), OWNER);
    assertVerdict(RequestCheck.Verdict.INVALID, r);
    assertEquals("the request body has a number that a double cannot hold exactly", r.detail());
    assertVerdict(RequestCheck.Verdict.INVALID,
        check(request("{\"a\":[{\"n\":9007199254740993}]}", 0).build(), OWNER));
    // exact ones are fine, however they are written
    for (String body : new String[] {"{\"n\":9007199254740992}", "{\"n\":0.1}", "{\"n\":1e3}",
        "{\"n\":-0}", "{\"n\":12345678901234567000}", "{\"n\":1.50}"}) {
      assertVerdict(RequestCheck.Verdict.OK, check(request(body, 0).build(), OWNER));
    }
  }

  @Test
  void aMalformedSignatureHeaderOrNoVerifyingSignatureIsInvalid() {
    RequestAuthorization good = request(BODY, 0).build();
    for (String header : new String[] {"%%%", good.getSignatures() + ",", "," + good.getSignatures(),
        Base64.getEncoder().encodeToString(new byte[81]),
        (good.getSignatures() + ",").repeat(16) + good.getSignatures()}) {
      RequestCheck.Result r = check(good.toBuilder().setSignatures(header).build(), OWNER);
      assertVerdict(RequestCheck.Verdict.INVALID, r);
      assertEquals("the authorization signature header is malformed", r.detail());
    }
    RequestCheck.Result r = check(request(BODY, 1).build(), OWNER);
    assertVerdict(RequestCheck.Verdict.INVALID, r);
    assertEquals("no authorization signature verifies for this wallet", r.detail());
    // well-formed base64 that is not a signature
    assertVerdict(RequestCheck.Verdict.INVALID, check(good.toBuilder()
        .setSignatures(Base64.getEncoder().encodeToString(new byte[70])).build(), OWNER));
  }

  // --------------------------------------------------------------------------------- EXPIRED

  @Test
  void theExpiryIsRequiredAndMustBeWithinBounds() {
    RequestAuthorization noExpiry = request("POST", BASE + PATH, BODY, APP, null, null, 0).build();
    assertVerdict(RequestCheck.Verdict.EXPIRED, check(noExpiry, OWNER));
    for (String bad : new String[] {"soon", "-1", "1.5e12", "0x10", " " + EXPIRY, "1234567890123456"}) {
      RequestAuthorization auth = request("POST", BASE + PATH, BODY, APP, null, bad, 0).build();
      RequestCheck.Result r = check(auth, OWNER);
      assertVerdict(RequestCheck.Verdict.EXPIRED, r);
      assertEquals("privy-request-expiry must be Unix milliseconds", r.detail(), bad);
    }
    // a minute of skew into the past, 24 hours (and the skew) into the future
    long[][] cases = {{NOW - 60_000, 1}, {NOW - 60_001, 0}, {NOW, 1},
        {NOW + 24 * 3_600_000L + 60_000, 1}, {NOW + 24 * 3_600_000L + 60_001, 0}};
    for (long[] c : cases) {
      RequestAuthorization auth = request("POST", BASE + PATH, BODY, APP, null,
          Long.toString(c[0]), 0).build();
      assertVerdict(c[1] == 1 ? RequestCheck.Verdict.OK : RequestCheck.Verdict.EXPIRED,
          check(auth, OWNER));
    }
    assertEquals("the request has expired", check(request("POST", BASE + PATH, BODY, APP, null,
        Long.toString(NOW - 120_000), 0).build(), OWNER).detail());
  }

  // ---------------------------------------------------------------------------- INSUFFICIENT

  @Test
  void twoOfThreeNeedsTwoMembers() {
    KeyQuorum twoOfThree = quorum(2, 0, 1, 2);
    assertVerdict(RequestCheck.Verdict.INSUFFICIENT, check(request(BODY, 1).build(), twoOfThree));
    assertVerdict(RequestCheck.Verdict.INSUFFICIENT, check(request(BODY, 1, 1).build(), twoOfThree));
    assertVerdict(RequestCheck.Verdict.INSUFFICIENT, check(request(BODY, 3, 2).build(), twoOfThree));
    assertEquals("not enough quorum members signed",
        check(request(BODY, 1).build(), twoOfThree).detail());
    assertVerdict(RequestCheck.Verdict.OK, check(request(BODY, 2, 0).build(), twoOfThree));
    assertVerdict(RequestCheck.Verdict.OK, check(request(BODY, 3, 1, 2).build(), twoOfThree));
    assertVerdict(RequestCheck.Verdict.INVALID, check(request(BODY, 3).build(), twoOfThree));
  }

  // ------------------------------------------------------------------------- body and S forms

  @Test
  void anEmptyBodyAndAnEmptyObjectAreBothSignedAsTheEmptyString() {
    for (String signed : new String[] {"", "{}", " { } "}) {
      for (String sent : new String[] {"", "{}", "{ }\n"}) {
        RequestAuthorization auth = request(signed, 0).setBody(ByteString.copyFromUtf8(sent)).build();
        RequestCheck.Result r = check(auth, OWNER);
        assertVerdict(RequestCheck.Verdict.OK, r);
        assertEquals(Map.of(), r.body());
      }
    }
    // and not as an empty array or string
    assertVerdict(RequestCheck.Verdict.INVALID,
        check(request("", 0).setBody(ByteString.copyFromUtf8("[]")).build(), OWNER));
  }

  @Test
  void bothSFormsOfASignatureAreAccepted() {
    RequestAuthorization auth = request(BODY, 0).build();
    byte[] sdk = Base64.getDecoder().decode(auth.getSignatures());
    BigInteger[] rs = P256Key.decodeDer(sdk);
    BigInteger otherS = P256KeyTest.N.subtract(rs[1]);
    String twin = Base64.getEncoder().encodeToString(P256KeyTest.der(rs[0], otherS));
    boolean highS = otherS.compareTo(P256KeyTest.N.shiftRight(1)) > 0;
    assertVerdict(RequestCheck.Verdict.OK, check(auth, OWNER));
    assertVerdict(RequestCheck.Verdict.OK, check(auth.toBuilder().setSignatures(twin).build(), OWNER));
    // one of the two is the high-S form (s > n/2), which is accepted as the SDK produces it
    assertTrue(highS != rs[1].compareTo(P256KeyTest.N.shiftRight(1)) > 0);
  }

  @Test
  void jdkSignaturesOverThePayloadAreWhatTheSignerProduces() throws GeneralSecurityException {
    // RequestSigner is the SDK's scheme: SHA256withECDSA over signedPayload, DER, base64
    KeyPair kp = P256KeyTest.jdkKeyPair();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("display_name", "x");
    byte[] payload = PrivyRequest.signedPayload("PATCH", BASE + "/v1/key_quorums/q", body, APP, null,
        EXPIRY);
    String sig = Base64.getEncoder().encodeToString(P256KeyTest.jdkSign(kp, payload));
    KeyQuorum q = KeyQuorum.newBuilder().setThreshold(1)
        .addPublicKeys(ByteString.copyFrom(kp.getPublic().getEncoded())).build();
    RequestAuthorization auth = RequestAuthorization.newBuilder().setMethod("PATCH")
        .setUrl(BASE + "/v1/key_quorums/q").setBody(ByteString.copyFromUtf8("{\"display_name\":\"x\"}"))
        .setAppId(APP).setRequestExpiry(EXPIRY).setSignatures(sig).build();
    assertVerdict(RequestCheck.Verdict.OK, RequestCheck.check(auth, "PATCH", "/v1/key_quorums/q", APP,
        List.of(q), WITH_BASE, NOW));
  }
}
