package io.nitrosign.parent.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.nitrosign.authz.RequestCheck;
import io.nitrosign.authz.RequestSigner;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.RequestAuthorization;
import jakarta.ws.rs.core.HttpHeaders;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The parent's side of Privy request signatures: the URL it rebuilds (public base URL, or the
 * Host header when none is configured, and never an odd Host), the headers it forwards (bounded),
 * and the API error of each refusal.
 */
class PrivyRequestAuthorizerTest {

  private static final long NOW = 1_760_000_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
  private static final String PATH = "/v1/key_quorums/q1";
  private static final String APP = "app-1";
  private static final String BODY = "{\"display_name\":\"x\"}";
  private static final RequestSigner.KeyPairText PAIR = RequestSigner.generate();
  private static final RequestSigner SIGNER = RequestSigner.fromPkcs8Base64(PAIR.privateKey());
  private static final KeyQuorum OWNER = KeyQuorum.newBuilder().setId("q1").setThreshold(1)
      .addPublicKeys(ByteString.copyFrom(Base64.getDecoder().decode(PAIR.publicKey()))).build();

  /** Request headers (names case-insensitive, as in HTTP). */
  static HttpHeaders headers(Map<String, String> values) {
    Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    m.putAll(values);
    return (HttpHeaders) Proxy.newProxyInstance(HttpHeaders.class.getClassLoader(),
        new Class<?>[] {HttpHeaders.class}, (proxy, method, args) -> {
          if (method.getName().equals("getHeaderString")) {
            return m.get((String) args[0]);
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  /** The headers of a request to {@code url} signed as the SDK signs it. */
  private static Map<String, String> signed(String method, String url, String body, long expiry) {
    String e = Long.toString(expiry);
    return Map.of("privy-authorization-signature",
        SIGNER.signRequest(method, url, body, APP, null, e),
        "privy-request-expiry", e, "privy-app-id", APP);
  }

  private static Map<String, String> with(Map<String, String> a, String k, String v) {
    Map<String, String> m = new TreeMap<>(a);
    m.put(k, v);
    return m;
  }

  // ------------------------------------------------------------------------------------ URL

  @Test
  void theUrlIsThePublicBaseUrlPlusThePathWhateverTheHost() {
    PrivyRequestAuthorizer a = new PrivyRequestAuthorizer("https://wallets.example.com", CLOCK);
    for (String host : new String[] {"127.0.0.1:8080", "evil.example", null}) {
      Map<String, String> h = host == null ? Map.of() : Map.of("Host", host);
      assertEquals("https://wallets.example.com" + PATH,
          a.signedRequest("PATCH", PATH, new byte[0], headers(h)).getUrl());
    }
  }

  @Test
  void withoutAPublicBaseUrlTheUrlIsBuiltFromThePlainHostHeader() {
    PrivyRequestAuthorizer a = new PrivyRequestAuthorizer("", CLOCK);
    for (String host : new String[] {"127.0.0.1:8080", "wallets.example.com", "[::1]:8443",
        "localhost", "a-b.c"}) {
      assertEquals("http://" + host + PATH,
          a.signedRequest("PATCH", PATH, new byte[0], headers(Map.of("host", host))).getUrl(), host);
    }
  }

  @Test
  void aHostHeaderWithOddCharactersIsNotUsed() {
    PrivyRequestAuthorizer a = new PrivyRequestAuthorizer("", CLOCK);
    for (String host : new String[] {"", "evil.example/v1/x?", "user@host", "host name",
        "host\r\nX-Injected: 1", "host#frag", "hôst", "a".repeat(256), "host,other", "%68ost"}) {
      assertEquals("http://localhost" + PATH,
          a.signedRequest("PATCH", PATH, new byte[0], headers(Map.of("Host", host))).getUrl(), host);
    }
    assertEquals("http://localhost" + PATH,
        a.signedRequest("PATCH", PATH, new byte[0], headers(Map.of())).getUrl());
    assertEquals("http://" + "a".repeat(255) + PATH, a.signedRequest("PATCH", PATH, new byte[0],
        headers(Map.of("Host", "a".repeat(255)))).getUrl());
  }

  // -------------------------------------------------------------------------------- headers

  @Test
  void theRequestIsForwardedAsSentWithBoundedHeaders() {
    PrivyRequestAuthorizer a = new PrivyRequestAuthorizer("https://w.example", CLOCK);
    byte[] body = " {\"a\" : 1} ".getBytes(StandardCharsets.UTF_8);
    RequestAuthorization r = a.signedRequest("POST", PATH, body, headers(Map.of(
        "Privy-Authorization-Signature", "c2ln", "privy-app-id", APP,
        "privy-idempotency-key", "idem", "privy-request-expiry", "123")));
    assertEquals("POST", r.getMethod());
    assertEquals(" {\"a\" : 1} ", r.getBody().toStringUtf8(), "the exact bytes");
    assertEquals("c2ln", r.getSignatures());
    assertEquals(APP, r.getAppId());
    assertEquals("idem", r.getIdempotencyKey());
    assertEquals("123", r.getRequestExpiry());

    RequestAuthorization none = a.signedRequest("DELETE", PATH, new byte[0], headers(Map.of()));
    assertEquals("", none.getSignatures());
    assertEquals("", none.getAppId());
    assertEquals("", none.getIdempotencyKey());
    assertEquals("", none.getRequestExpiry());
    assertEquals(0, none.getBody().size());

    String huge = "A".repeat(10_000);
    RequestAuthorization bounded = a.signedRequest("POST", PATH, body, headers(Map.of(
        "privy-authorization-signature", huge, "privy-app-id", huge,
        "privy-idempotency-key", huge, "privy-request-expiry", huge)));
    assertEquals(4096, bounded.getSignatures().length());
    assertEquals(4096, bounded.getAppId().length());
    assertEquals(4096, bounded.getIdempotencyKey().length());
    assertEquals(4096, bounded.getRequestExpiry().length());
    String exactly = "B".repeat(4096);
    assertEquals(exactly, a.signedRequest("POST", PATH, body,
        headers(Map.of("privy-authorization-signature", exactly))).getSignatures());
  }

  // ------------------------------------------------------------------------------ refusals

  @Test
  void eachVerdictIsA401WithItsTypedCode() {
    Map<RequestCheck.Verdict, String> codes = Map.of(
        RequestCheck.Verdict.MISSING, "missing_authorization_signature",
        RequestCheck.Verdict.INVALID, "invalid_authorization_signature",
        RequestCheck.Verdict.EXPIRED, "request_expired",
        RequestCheck.Verdict.INSUFFICIENT, "insufficient_signatures");
    codes.forEach((verdict, code) -> {
      ApiException e = PrivyRequestAuthorizer.refusal(verdict, "why");
      assertEquals(401, e.status());
      assertEquals(code, e.code());
      assertEquals("why", e.getMessage());
    });
  }

  @Test
  void requireAcceptsTheOwnersSignatureAndRefusesWithTypedCodes() {
    String url = "http://127.0.0.1:8080" + PATH;
    PrivyRequestAuthorizer a = new PrivyRequestAuthorizer("", CLOCK);
    Map<String, String> ok = with(signed("PATCH", url, BODY, NOW + 60_000), "Host", "127.0.0.1:8080");
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    a.require(OWNER, APP, "PATCH", PATH, body, headers(ok));

    assertRefused("missing_authorization_signature", () -> a.require(OWNER, APP, "PATCH", PATH, body,
        headers(Map.of("Host", "127.0.0.1:8080"))));
    // another body, another host, another app than the authenticated one
    assertRefused("invalid_authorization_signature", () -> a.require(OWNER, APP, "PATCH", PATH,
        "{\"display_name\":\"y\"}".getBytes(StandardCharsets.UTF_8), headers(ok)));
    assertRefused("invalid_authorization_signature", () -> a.require(OWNER, APP, "PATCH", PATH, body,
        headers(with(ok, "Host", "127.0.0.1:8081"))));
    assertRefused("invalid_authorization_signature", () -> a.require(OWNER, "app-2", "PATCH", PATH,
        body, headers(ok)));
    assertRefused("request_expired", () -> a.require(OWNER, APP, "PATCH", PATH, body, headers(
        with(signed("PATCH", url, BODY, NOW - 120_000), "Host", "127.0.0.1:8080"))));
    RequestSigner.KeyPairText other = RequestSigner.generate();
    KeyQuorum twoOfTwo = OWNER.toBuilder().setThreshold(2)
        .addPublicKeys(ByteString.copyFrom(Base64.getDecoder().decode(other.publicKey()))).build();
    assertRefused("insufficient_signatures", () -> a.require(twoOfTwo, APP, "PATCH", PATH, body,
        headers(ok)));

    // with a public base URL, the client signs that URL, whatever Host the parent sees
    PrivyRequestAuthorizer based = new PrivyRequestAuthorizer("https://wallets.example.com", CLOCK);
    Map<String, String> viaBase = with(signed("PATCH", "https://wallets.example.com" + PATH, BODY,
        NOW + 60_000), "Host", "10.0.0.5:8080");
    based.require(OWNER, APP, "PATCH", PATH, body, headers(viaBase));
    assertRefused("invalid_authorization_signature", () -> based.require(OWNER, APP, "PATCH", PATH,
        body, headers(ok)));
  }

  @Test
  void verifyChecksAgainstEveryQuorumGiven() {
    PrivyRequestAuthorizer a = new PrivyRequestAuthorizer("https://w.example", CLOCK);
    Map<String, String> h = signed("POST", "https://w.example" + PATH, BODY, NOW + 1_000);
    RequestAuthorization auth = a.signedRequest("POST", PATH, BODY.getBytes(StandardCharsets.UTF_8),
        headers(h));
    KeyQuorum stranger = KeyQuorum.newBuilder().setThreshold(1).addPublicKeys(ByteString.copyFrom(
        Base64.getDecoder().decode(RequestSigner.generate().publicKey()))).build();
    a.verify(auth, "POST", PATH, APP, List.of(stranger, OWNER));
    assertRefused("invalid_authorization_signature",
        () -> a.verify(auth, "POST", PATH, APP, List.of(stranger)));
    assertRefused("invalid_authorization_signature",
        () -> a.verify(auth, "POST", PATH, APP, List.of()));
  }

  private static void assertRefused(String code, org.junit.jupiter.api.function.Executable call) {
    ApiException e = assertThrows(ApiException.class, call);
    assertEquals(401, e.status());
    assertEquals(code, e.code(), e.getMessage());
  }
}
