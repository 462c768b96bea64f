package io.nitrosign.enclave.users;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.nitrosign.authz.P256Key;
import io.nitrosign.authz.UserKeys;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.sealing.SealingKeyProvider;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.ShareKind;
import io.nitrosign.proto.v1.UserSession;
import io.nitrosign.proto.v1.UserSessionStatement;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks the enclave's user-session statements ({@link UserSessionStatement}): "a JWT
 * of issuer I for subject S was verified; the holder of session key K acts for S in app A until
 * T". The parent stores a statement and sends it back with each request the session key signed;
 * the enclave accepts it only if its MAC verifies, so a parent cannot make one up, alter its
 * subject, key or expiry, or move it to another app.
 *
 * <p>The MAC is HMAC-SHA-256 over a domain string and the serialized statement, under
 * {@code HMAC-SHA-256(auth data key of statement.key_version, "nitrosign/user-session-mac/v1")}.
 * The auth data key is what KMS releases only to attested enclaves of this deployment: every
 * enclave of the deployment (several behind several parents, after a restart) checks the same
 * statements, and nothing outside one can compute them. Sessions are therefore not held in enclave
 * memory at all; the enclave keeps no per-user state.
 */
public final class UserSessions {

  /** Statement version this enclave issues and reads. */
  public static final int VERSION = 1;
  /** Most sessions one request may carry. */
  public static final int MAX_SESSIONS = 16;
  private static final byte[] KEY_LABEL =
      "nitrosign/user-session-mac/v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAC_DOMAIN =
      "nitrosign/user-session/v1\0".getBytes(StandardCharsets.US_ASCII);

  private final SealingKeyProvider keys;

  /** @param keys the enclave's sealing keys (borrowed; the service owns them) */
  public UserSessions(SealingKeyProvider keys) {
    this.keys = keys;
  }

  /** A statement MACed under the current sealing-key version. */
  public UserSession issue(String appId, String issuer, String subject, byte[] sessionSpki,
      long issuedAt, long expiresAt) throws EnclaveException {
    UserSessionStatement statement = UserSessionStatement.newBuilder()
        .setVersion(VERSION)
        .setAppId(appId)
        .setIssuer(issuer)
        .setSubject(subject)
        .setSessionPublicKey(ByteString.copyFrom(sessionSpki))
        .setIssuedAtMillis(issuedAt)
        .setExpiresAtMillis(expiresAt)
        .setKeyVersion(keys.currentVersion())
        .build();
    byte[] bytes = statement.toByteArray();
    return UserSession.newBuilder()
        .setStatement(ByteString.copyFrom(bytes))
        .setMac(ByteString.copyFrom(mac(statement.getKeyVersion(), bytes)))
        .build();
  }

  /**
   * Checks every session (MAC, version, app, expiry at {@code nowMillis}) and returns their keys by
   * user. Any session that fails makes the whole request fail: a parent that sends a forged or
   * foreign session is not given the benefit of the doubt.
   *
   * @throws EnclaveException AUTHORIZATION_INVALID (too many, malformed, bad MAC, another app's),
   *     AUTHORIZATION_EXPIRED (a session past its expiry)
   */
  public UserKeys verify(List<UserSession> sessions, String appId, long nowMillis)
      throws EnclaveException {
    if (sessions.isEmpty()) {
      return UserKeys.NONE;
    }
    if (sessions.size() > MAX_SESSIONS) {
      throw invalid("too many user sessions");
    }
    Map<UserKeys.User, List<P256Key>> out = new HashMap<>();
    for (UserSession s : sessions) {
      UserSessionStatement st;
      try {
        st = UserSessionStatement.parseFrom(s.getStatement());
      } catch (InvalidProtocolBufferException e) {
        throw invalid("a user session is malformed");
      }
      if (st.getVersion() != VERSION) {
        throw invalid("a user session has an unsupported version");
      }
      byte[] expected;
      try {
        expected = mac(st.getKeyVersion(), s.getStatement().toByteArray());
      } catch (EnclaveException e) {
        throw invalid("a user session is not valid");
      }
      if (!MessageDigest.isEqual(expected, s.getMac().toByteArray())) {
        throw invalid("a user session is not valid");
      }
      if (!st.getAppId().equals(appId)) {
        throw invalid("a user session belongs to another app");
      }
      if (st.getExpiresAtMillis() <= nowMillis) {
        throw new EnclaveException(ErrorCode.AUTHORIZATION_EXPIRED, "a user session has expired");
      }
      P256Key key;
      try {
        key = P256Key.fromSpki(st.getSessionPublicKey().toByteArray());
      } catch (IllegalArgumentException e) {
        throw invalid("a user session is malformed");
      }
      out.computeIfAbsent(new UserKeys.User(st.getIssuer(), st.getSubject()),
          u -> new ArrayList<>()).add(key);
    }
    return UserKeys.of(out);
  }

  private byte[] mac(int version, byte[] statement) throws EnclaveException {
    byte[] macKey = keys.key(ShareKind.AUTH, version).apply(k -> hmac(k, KEY_LABEL));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
      mac.update(MAC_DOMAIN);
      return mac.doFinal(statement);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 unavailable");
    } finally {
      java.util.Arrays.fill(macKey, (byte) 0);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 unavailable");
    }
  }

  private static EnclaveException invalid(String detail) {
    return new EnclaveException(ErrorCode.AUTHORIZATION_INVALID, detail);
  }
}
