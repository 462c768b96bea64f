package io.nitrosign.enclave.users;

import io.nitrosign.authz.P256Key;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.json.StrictJson;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The usable keys of a JSON Web Key Set (RFC 7517), by {@code kid}: P-256 EC keys (for ES256) and
 * RSA keys of 2048 to 8192 bits (for RS256). Keys without a {@code kid}, with {@code use} other
 * than {@code sig}, with an {@code alg} other than the one their type allows, or of another type
 * or curve are skipped, so an issuer's encryption keys or newer key types do not break the set; a
 * {@code kid} that appears twice is dropped altogether (which key was meant is unknowable).
 */
public final class Jwks {

  private static final StrictJson.Limits LIMITS =
      new StrictJson.Limits(TlsJwksFetcher.MAX_BYTES, 4, 10_000, 16_384, 32);
  private static final byte[] P256_SPKI_PREFIX = HexFormat.of().parseHex(
      "3059301306072a8648ce3d020106082a8648ce3d030107034200");

  /** A verification key and the JWS algorithm it serves. */
  public sealed interface Key permits EcKey, RsaKey {
    String alg();
  }

  /** An ES256 key. */
  public record EcKey(P256Key key) implements Key {
    @Override
    public String alg() {
      return "ES256";
    }
  }

  /** An RS256 key. */
  public record RsaKey(PublicKey key) implements Key {
    @Override
    public String alg() {
      return "RS256";
    }
  }

  private final Map<String, Key> keys;

  private Jwks(Map<String, Key> keys) {
    this.keys = Map.copyOf(keys);
  }

  /** The key with this kid, or null. */
  public Key key(String kid) {
    return keys.get(kid);
  }

  public int size() {
    return keys.size();
  }

  /**
   * Parses a JWKS document.
   *
   * @throws IllegalArgumentException when it is not a JSON object with a {@code keys} array
   */
  public static Jwks parse(byte[] json) {
    Map<String, Object> root;
    try {
      root = StrictJson.parseObject(json, "jwks", LIMITS);
    } catch (ChainFormatException e) {
      throw new IllegalArgumentException("jwks is not strict JSON");
    }
    if (!(root.get("keys") instanceof List<?> list)) {
      throw new IllegalArgumentException("jwks has no keys array");
    }
    Map<String, Key> out = new HashMap<>();
    java.util.Set<String> repeated = new java.util.HashSet<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> jwk) || !(jwk.get("kid") instanceof String kid)) {
        continue;
      }
      Key key = key(jwk);
      if (key == null) {
        continue;
      }
      if (out.put(kid, key) != null) {
        repeated.add(kid);
      }
    }
    repeated.forEach(out::remove);
    return new Jwks(out);
  }

  private static Key key(Map<?, ?> jwk) {
    Object use = jwk.get("use");
    if (use != null && !"sig".equals(use)) {
      return null;
    }
    Object alg = jwk.get("alg");
    try {
      if ("EC".equals(jwk.get("kty"))) {
        if (!"P-256".equals(jwk.get("crv")) || (alg != null && !"ES256".equals(alg))) {
          return null;
        }
        byte[] x = b64(jwk.get("x"));
        byte[] y = b64(jwk.get("y"));
        if (x.length != 32 || y.length != 32) {
          return null;
        }
        byte[] spki = new byte[P256_SPKI_PREFIX.length + 65];
        System.arraycopy(P256_SPKI_PREFIX, 0, spki, 0, P256_SPKI_PREFIX.length);
        spki[P256_SPKI_PREFIX.length] = 0x04;
        System.arraycopy(x, 0, spki, P256_SPKI_PREFIX.length + 1, 32);
        System.arraycopy(y, 0, spki, P256_SPKI_PREFIX.length + 33, 32);
        return new EcKey(P256Key.fromSpki(spki));
      }
      if ("RSA".equals(jwk.get("kty"))) {
        if (alg != null && !"RS256".equals(alg)) {
          return null;
        }
        BigInteger n = new BigInteger(1, b64(jwk.get("n")));
        BigInteger e = new BigInteger(1, b64(jwk.get("e")));
        if (n.bitLength() < 2048 || n.bitLength() > 8192 || !e.testBit(0) || e.bitLength() < 2
            || e.bitLength() > 32) {
          return null;
        }
        return new RsaKey(KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)));
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return null;
    }
    return null;
  }

  private static byte[] b64(Object v) {
    if (!(v instanceof String s) || s.isEmpty() || s.length() > 2048) {
      throw new IllegalArgumentException("not a base64url string");
    }
    return Base64.getUrlDecoder().decode(s);
  }
}
