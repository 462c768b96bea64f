package io.nitrosign.parent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.nitrosign.authz.RequestSigner;
import io.nitrosign.parent.app.CreatedApp;
import io.nitrosign.parent.audit.AuditRow;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.parent.wallet.WalletShare;
import io.nitrosign.parent.wallet.WalletStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The test application as the API tests call it, so they all call and sign alike: HTTP Basic
 * with the app's id and secret, owner signatures made with {@link RequestSigner} exactly as
 * Privy's SDK makes them (url = the base URL the client calls, from the Host header since the
 * test app has no public base URL configured), replies kept as text, and the audit rows and
 * wallets the tests read and insert directly in the database.
 */
public final class TestApi {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** An authorization key pair as a client holds it. */
  public record Key(String publicKey, RequestSigner signer) {
    public static Key fresh() {
      RequestSigner.KeyPairText kp = RequestSigner.generate();
      return new Key(kp.publicKey(), RequestSigner.fromPkcs8Base64(kp.privateKey()));
    }

    /** The public key's DER (SPKI) bytes. */
    public byte[] spki() {
      return Base64.getDecoder().decode(publicKey);
    }
  }

  /** A reply: its status and body as received. */
  public record Reply(int status, String body) {
    public JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  private final DropwizardAppExtension<?> app;
  private final Jdbi jdbi;

  public TestApi(DropwizardAppExtension<?> app, Jdbi jdbi) {
    this.app = app;
    this.jdbi = jdbi;
  }

  /** The URL the client calls, as it signs it. */
  public String url(String path) {
    return "http://127.0.0.1:" + app.getLocalPort() + path;
  }

  /** The request as {@code caller} sends it (Basic auth); {@code body} null for none. */
  public Reply call(String method, String path, String body, CreatedApp caller,
      String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
        (caller.app().id() + ":" + caller.secret()).getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  /**
   * The Privy headers of a request signed by {@code keys} as the SDK signs it: {@code url} is a
   * path (signed as {@link #url}) or a full URL; {@code body} null for none.
   */
  public String[] headers(String method, String url, String body, String appId,
      long expiryMillis, Key... keys) {
    String signedUrl = url.startsWith("/") ? url(url) : url;
    String expiry = Long.toString(expiryMillis);
    String signatures = Arrays.stream(keys).map(k -> k.signer().signRequest(method, signedUrl,
        body == null ? "" : body, appId, null, expiry)).collect(Collectors.joining(","));
    return new String[] {"privy-authorization-signature", signatures,
        "privy-request-expiry", expiry, "privy-app-id", appId};
  }

  public String[] headers(String method, String url, String body, CreatedApp caller,
      long expiryMillis, Key... keys) {
    return headers(method, url, body, caller.app().id(), expiryMillis, keys);
  }

  /** The request as a client sends it, signed by {@code keys}, expiring in a minute. */
  public Reply signed(String method, String path, String body, CreatedApp caller, Key... keys)
      throws Exception {
    return call(method, path, body, caller,
        headers(method, path, body, caller, System.currentTimeMillis() + 60_000, keys));
  }

  /** The app's audit rows of {@code action}. */
  public List<AuditRow> audit(CreatedApp caller, String action) {
    return jdbi.withHandle(h -> new AuditStore(h, Clock.systemUTC()).all()).stream()
        .filter(r -> caller.app().id().equals(r.appId()) && action.equals(r.action())).toList();
  }

  /** The error codes of the rejected {@code action}s naming {@code id}, sorted. */
  public List<String> rejections(CreatedApp caller, String action, String id) {
    return audit(caller, action).stream()
        .filter(r -> r.detail().contains(id) && "rejected".equals(r.outcome()))
        .map(AuditRow::errorCode).sorted().toList();
  }

  /**
   * A wallet as the enclave would have created it (a random key, dummy shares), inserted on
   * {@code h}: {@code authority} as the wallet row keeps it (null for none).
   */
  public static Wallet insertWallet(Handle h, String appId, String chainType, byte[] authority) {
    String id = Ids.random(RANDOM);
    byte[] pk = new byte[65];
    RANDOM.nextBytes(pk);
    pk[0] = 0x04;
    byte[] addr = new byte[20];
    RANDOM.nextBytes(addr);
    Wallet w = new Wallet(id, appId, chainType, Wallet.CURVE_SECP256K1, pk, Hex.prefixed(addr),
        authority, 1, Instant.now().truncatedTo(ChronoUnit.MICROS));
    new WalletStore(h).insert(w, List.of(
        new WalletShare(id, WalletShare.AUTH, 1, new byte[12], new byte[48]),
        new WalletShare(id, WalletShare.EXEC, 1, new byte[12], new byte[48])));
    return w;
  }
}
