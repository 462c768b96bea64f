package io.nitrosign.enclave.users;

import com.google.protobuf.ByteString;
import io.nitrosign.authz.P256Key;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.hpke.Hpke;
import io.nitrosign.hpke.HpkeException;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.hpke.PrivyEnvelope;
import io.nitrosign.proto.v1.AuthenticateUserRequest;
import io.nitrosign.proto.v1.AuthenticateUserResponse;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.UserSession;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * AuthenticateUser (Privy's {@code POST /v1/wallets/authenticate}): verifies the user's JWT
 * against a configured issuer ({@link JwtVerifier}: the enclave fetches the JWKS itself, over
 * pinned TLS), draws a P-256 session key from the enclave's DRBG, HPKE-encrypts it to the caller's
 * key exactly as Privy's SDK opens it (DHKEM(P-256), HKDF-SHA256, ChaCha20-Poly1305, empty info
 * and aad; the plaintext is the base64 of the key's PKCS#8 DER), and returns a
 * {@link UserSessions} statement binding that key's public half to the app, issuer and subject.
 *
 * <p>The session lives until the JWT expires, and at most {@link #MAX_SESSION}. The private key
 * leaves the enclave only inside the HPKE envelope; the enclave keeps neither it nor the session.
 */
public final class AuthenticateUserHandler {

  /** The longest a session key is good for. */
  public static final Duration MAX_SESSION = Duration.ofMinutes(15);
  private static final byte[] P256_SPKI_PREFIX = HexFormat.of().parseHex(
      "3059301306072a8648ce3d020106082a8648ce3d030107034200");
  /** PKCS#8 PrivateKeyInfo of a P-256 key (RFC 5915 ECPrivateKey without optional fields). */
  private static final byte[] P256_PKCS8_PREFIX = HexFormat.of().parseHex(
      "304102010030130607" + "2a8648ce3d0201" + "0608" + "2a8648ce3d030107"
          + "042730250201010420");

  private final Map<String, JwtIssuer> issuers;
  private final JwtVerifier verifier;
  private final UserSessions sessions;
  private final SecureRandom random;
  private final Clock clock;

  public AuthenticateUserHandler(Map<String, JwtIssuer> issuers, JwtVerifier verifier,
      UserSessions sessions, SecureRandom random, Clock clock) {
    this.issuers = Map.copyOf(issuers);
    this.verifier = verifier;
    this.sessions = sessions;
    this.random = random;
    this.clock = clock;
  }

  public AuthenticateUserResponse handle(AuthenticateUserRequest r) throws EnclaveException {
    if (r.getAppId().isEmpty() || r.getAppId().length() > 128) {
      throw invalidRequest("app_id must be 1 to 128 characters");
    }
    byte[] recipient;
    try {
      byte[] spki = P256Key.fromSpki(r.getRecipientPublicKey().toByteArray()).spki();
      recipient = Arrays.copyOfRange(spki, spki.length - 65, spki.length);
    } catch (IllegalArgumentException e) {
      throw invalidRequest("recipient_public_key is not a P-256 SubjectPublicKeyInfo");
    }
    JwtIssuer issuer = issuers.get(r.getIssuer());
    if (issuer == null) {
      throw new EnclaveException(ErrorCode.JWT_WRONG_ISSUER,
          "the issuer is not one this enclave is configured with");
    }
    JwtVerifier.Claims claims = verifier.verify(r.getJwt(), issuer);
    long now = clock.millis();
    long expires = Math.min(claims.expiresAtMillis(), now + MAX_SESSION.toMillis());
    if (expires <= now) {
      expires = now + 1; // within the skew: good for an instant only
    }
    try (HpkeKeyPair sessionKey = HpkeKeyPair.generate(random)) {
      byte[] spki = concat(P256_SPKI_PREFIX, sessionKey.publicKey());
      UserSession session = sessions.issue(r.getAppId(), issuer.issuer(), claims.subject(), spki,
          now, expires);
      byte[] scalar = sessionKey.privateKeyCopy();
      byte[] pkcs8 = concat(P256_PKCS8_PREFIX, scalar);
      byte[] plaintext = Base64.getEncoder().encode(pkcs8);
      try {
        Hpke.Sealed sealed = PrivyEnvelope.seal(recipient, plaintext, random);
        return AuthenticateUserResponse.newBuilder()
            .setEncapsulatedKey(ByteString.copyFrom(sealed.enc()))
            .setCiphertext(ByteString.copyFrom(sealed.ciphertext()))
            .setSession(session)
            .setSubject(claims.subject())
            .setExpiresAtMillis(expires)
            .build();
      } catch (HpkeException e) {
        throw invalidRequest("recipient_public_key is not a valid P-256 point");
      } finally {
        Arrays.fill(scalar, (byte) 0);
        Arrays.fill(pkcs8, (byte) 0);
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static EnclaveException invalidRequest(String detail) {
    return new EnclaveException(ErrorCode.INVALID_REQUEST, detail);
  }

}
