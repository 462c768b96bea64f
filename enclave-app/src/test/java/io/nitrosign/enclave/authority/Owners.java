package io.nitrosign.enclave.authority;

import com.google.protobuf.ByteString;
import io.nitrosign.authz.RequestSigner;
import io.nitrosign.proto.v1.AdditionalSigner;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.RequestAuthorization;
import io.nitrosign.proto.v1.WalletAuthority;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Test fixtures for wallet authorities and signed requests: real P-256 keys, requests signed
 * exactly as Privy's SDK signs them ({@link RequestSigner}).
 */
public final class Owners {

  public static final String APP = "app-test";
  public static final String BASE_URL = "https://signer.test";

  private Owners() {}

  /** An authorization key: its signer and its SPKI. */
  public record AuthKey(RequestSigner signer, ByteString spki) {
    public static AuthKey generate() {
      RequestSigner.KeyPairText pair = RequestSigner.generate();
      return new AuthKey(RequestSigner.fromPkcs8Base64(pair.privateKey()),
          ByteString.copyFrom(Base64.getDecoder().decode(pair.publicKey())));
    }

    public String publicKeyBase64() {
      return Base64.getEncoder().encodeToString(spki.toByteArray());
    }
  }

  /** A quorum of {@code keys} with {@code threshold} (id "" for one key, as owner.public_key). */
  public static KeyQuorum quorum(String id, int threshold, AuthKey... keys) {
    KeyQuorum.Builder q = KeyQuorum.newBuilder().setId(id).setThreshold(threshold);
    for (AuthKey k : keys) {
      q.addPublicKeys(k.spki());
    }
    return q.build();
  }

  public static ByteString appOwned(String chainType) {
    return WalletAuthority.newBuilder().setVersion(1).setAppId(APP).setChainType(chainType)
        .build().toByteString();
  }

  public static ByteString ownedBy(String chainType, KeyQuorum owner, KeyQuorum... signers) {
    WalletAuthority.Builder a = WalletAuthority.newBuilder().setVersion(1).setAppId(APP)
        .setChainType(chainType).setOwner(owner);
    for (KeyQuorum s : signers) {
      a.addAdditionalSigners(AdditionalSigner.newBuilder().setSigner(s));
    }
    return a.build().toByteString();
  }

  /** A request {@code method path} with {@code body}, signed by {@code signers}, expiring in 10 min. */
  public static RequestAuthorization signed(String method, String path, String body,
      AuthKey... signers) {
    return signedAt(method, path, body, System.currentTimeMillis() + 600_000, signers);
  }

  public static RequestAuthorization signedAt(String method, String path, String body,
      long expiryMillis, AuthKey... signers) {
    return signedWithKey(method, path, body, null, expiryMillis, signers);
  }

  /**
   * As {@link #signedAt}, with the {@code privy-idempotency-key} header {@code idempotencyKey}
   * (null: none) signed and set.
   */
  public static RequestAuthorization signedWithKey(String method, String path, String body,
      String idempotencyKey, long expiryMillis, AuthKey... signers) {
    String expiry = Long.toString(expiryMillis);
    String url = BASE_URL + path;
    StringBuilder sigs = new StringBuilder();
    for (AuthKey k : signers) {
      if (sigs.length() > 0) {
        sigs.append(',');
      }
      sigs.append(k.signer().signRequest(method, url, body, APP, idempotencyKey, expiry));
    }
    return RequestAuthorization.newBuilder().setMethod(method).setUrl(url)
        .setBody(ByteString.copyFrom(body, StandardCharsets.UTF_8)).setAppId(APP)
        .setIdempotencyKey(idempotencyKey == null ? "" : idempotencyKey)
        .setRequestExpiry(expiry).setSignatures(sigs.toString()).build();
  }

  /** Settings with {@link #BASE_URL} and, if given, an export quorum. */
  public static RequestAuthorizer.Settings settings(KeyQuorum exportQuorum) {
    return RequestAuthorizer.Settings.defaults().withPublicBaseUrl(BASE_URL)
        .withExportQuorum(java.util.Optional.ofNullable(exportQuorum));
  }

  public static List<AuthKey> keys(int n) {
    return java.util.stream.Stream.generate(AuthKey::generate).limit(n).toList();
  }
}
