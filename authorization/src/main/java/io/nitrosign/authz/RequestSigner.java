package io.nitrosign.authz;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

/**
 * The client's side of Privy's authorization signatures, for tools and tests (the appliance
 * itself never holds an authorization private key): generates P-256 key pairs in the SDK's
 * format (base64 DER PKCS#8 private key, optionally prefixed {@code wallet-auth:}; base64 DER
 * SPKI public key) and signs a request exactly as {@code @privy-io/node} does (ECDSA P-256 over
 * SHA-256 of {@link PrivyRequest#signedPayload}, DER, base64).
 */
public final class RequestSigner {

  private static final String PREFIX = "wallet-auth:";
  private final PrivateKey key;

  private RequestSigner(PrivateKey key) {
    this.key = key;
  }

  /** A key pair as {@code generateP256KeyPair()} returns it. */
  public record KeyPairText(String privateKey, String publicKey) {
    @Override
    public String toString() {
      return "KeyPairText[publicKey=" + publicKey + "]";
    }
  }

  /** A fresh P-256 key pair in the SDK's encoding. */
  public static KeyPairText generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      Base64.Encoder b64 = Base64.getEncoder();
      return new KeyPairText(b64.encodeToString(kp.getPrivate().getEncoded()),
          b64.encodeToString(kp.getPublic().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("P-256 key generation is not available", e);
    }
  }

  /** A signer for a base64 DER PKCS#8 P-256 private key ({@code wallet-auth:} prefix allowed). */
  public static RequestSigner fromPkcs8Base64(String privateKey) {
    String text = privateKey.trim();
    if (text.startsWith(PREFIX)) {
      text = text.substring(PREFIX.length());
    }
    try {
      return new RequestSigner(KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text))));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a base64 DER PKCS#8 P-256 private key");
    }
  }

  /** A base64 DER signature over {@code payload} (the bytes {@link PrivyRequest} builds). */
  public String sign(byte[] payload) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(payload);
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA P-256 signing is not available", e);
    }
  }

  /**
   * Signs a request as the SDK does: {@code body} is the JSON text sent (empty for none), the
   * optional headers are null when not sent.
   */
  public String signRequest(String method, String url, String body, String appId,
      String idempotencyKey, String requestExpiry) {
    Object parsed = PrivyRequest.parseBody(body.getBytes(StandardCharsets.UTF_8));
    return sign(PrivyRequest.signedPayload(method, url, parsed, appId, idempotencyKey,
        requestExpiry));
  }

  /** The headers a signed request carries, for callers that build HTTP requests by hand. */
  public static Map<String, String> headers(String signatures, String requestExpiry) {
    return Map.of("privy-authorization-signature", signatures,
        "privy-request-expiry", requestExpiry);
  }

  @Override
  public String toString() {
    return "RequestSigner[P-256]";
  }
}
