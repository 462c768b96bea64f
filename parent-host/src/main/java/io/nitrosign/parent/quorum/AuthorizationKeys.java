package io.nitrosign.parent.quorum;

import io.nitrosign.parent.api.ApiException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Parsing of authorization keys as Privy's API takes them: a P-256 public key as base64 DER
 * SubjectPublicKeyInfo. Privy's SDK examples send the base64 body of a PEM block (with its line
 * breaks), so whitespace and an optional {@code -----BEGIN PUBLIC KEY-----} armor are accepted.
 * The check uses the JDK's EC provider for now; this is the one place to swap it.
 */
public final class AuthorizationKeys {

  /** Longest accepted text (a P-256 SPKI is 91 bytes, 124 base64 characters). */
  static final int MAX_CHARS = 512;
  private static final ECParameterSpec P256 = p256();

  private AuthorizationKeys() {}

  /**
   * The DER SubjectPublicKeyInfo of the P-256 key in {@code base64}, or 400 invalid_request naming
   * {@code field}. Only the canonical named-curve encoding of an uncompressed point is accepted.
   */
  public static byte[] parseP256Spki(String base64, String field) {
    if (base64 == null || base64.length() > MAX_CHARS) {
      throw notP256(field);
    }
    String text = base64.strip();
    if (text.startsWith("-----BEGIN PUBLIC KEY-----") && text.endsWith("-----END PUBLIC KEY-----")) {
      text = text.substring("-----BEGIN PUBLIC KEY-----".length(),
          text.length() - "-----END PUBLIC KEY-----".length());
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(text.replaceAll("[\\s]", ""));
    } catch (IllegalArgumentException e) {
      throw notP256(field);
    }
    PublicKey key;
    try {
      key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw notP256(field);
    }
    if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())
        || !Arrays.equals(key.getEncoded(), der)) {
      throw notP256(field);
    }
    return der;
  }

  /** The standard base64 of a stored key (how the API shows it). */
  public static String render(byte[] spki) {
    return Base64.getEncoder().encodeToString(spki);
  }

  private static boolean isP256(ECParameterSpec p) {
    return p != null && p.getCurve().equals(P256.getCurve())
        && p.getGenerator().equals(P256.getGenerator()) && p.getOrder().equals(P256.getOrder())
        && p.getCofactor() == P256.getCofactor();
  }

  private static ApiException notP256(String field) {
    return ApiException.invalidRequest(field
        + " is not a P-256 public key (base64 DER SubjectPublicKeyInfo)");
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no secp256r1", e);
    }
  }
}
