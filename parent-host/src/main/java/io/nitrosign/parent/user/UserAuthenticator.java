package io.nitrosign.parent.user;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ErrorCodes;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditStore;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.enclave.EnclaveFailures;
import io.nitrosign.parent.enclave.EnclaveGateway;
import io.nitrosign.parent.quorum.AuthorizationKeys;
import io.nitrosign.parent.wallet.WalletManager;
import io.nitrosign.parent.wallet.WalletView;
import io.nitrosign.proto.v1.AuthenticateUserRequest;
import io.nitrosign.proto.v1.AuthenticateUserResponse;
import io.nitrosign.proto.v1.UserSessionStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code POST /v1/wallets/authenticate} (Privy's JWT exchange): the parent forwards the user's JWT
 * and the caller's P-256 recipient key to the enclave, which verifies the JWT against its own
 * configured issuer (it fetches the JWKS itself) and answers with the session key encrypted to the
 * caller and a session statement it MACed. The parent stores the statement (it sends it back with
 * every request the session key signs) and answers in Privy's shape: the encrypted key, its expiry
 * and the user's wallets. The parent never sees the session private key, and cannot make a
 * statement the enclave accepts.
 */
public final class UserAuthenticator {

  private final Jdbi jdbi;
  private final EnclaveGateway enclave;
  private final WalletManager wallets;
  private final JsonBodies bodies;
  private final Clock clock;

  public UserAuthenticator(Jdbi jdbi, EnclaveGateway enclave, WalletManager wallets,
      ObjectMapper json, Clock clock) {
    this.jdbi = jdbi;
    this.enclave = enclave;
    this.wallets = wallets;
    this.bodies = new JsonBodies(json);
    this.clock = clock;
  }

  /** Privy's EncryptedWalletAuthenticateResponse. */
  public record Authenticated(
      @JsonProperty("encrypted_authorization_key") EncryptedKey encryptedAuthorizationKey,
      @JsonProperty("expires_at") long expiresAt,
      @JsonProperty("wallets") List<WalletView> wallets) {}

  /** Privy's EncryptedAuthorizationKey: base64 HPKE encapsulated key and ciphertext. */
  public record EncryptedKey(
      @JsonProperty("encryption_type") String encryptionType,
      @JsonProperty("encapsulated_key") String encapsulatedKey,
      @JsonProperty("ciphertext") String ciphertext) {}

  public Authenticated authenticate(App app, byte[] body) {
    try {
      return exchange(app, body);
    } catch (ApiException e) {
      jdbi.useTransaction(h -> new AuditStore(h, clock).append(new AuditEvent(app.id(), null,
          AuditEvent.USER_AUTHENTICATE, e.status() >= 500 ? Outcome.FAILED : Outcome.REJECTED,
          e.code(), "{}")));
      throw e;
    }
  }

  private Authenticated exchange(App app, byte[] body) {
    ObjectNode root = bodies.object(body);
    JsonBodies.onlyFields(root, "", Set.of("user_jwt", "encryption_type", "recipient_public_key"));
    String jwt = JsonBodies.requiredText(root, "", "user_jwt");
    String type = JsonBodies.optionalText(root, "", "encryption_type");
    String recipient = JsonBodies.optionalText(root, "", "recipient_public_key");
    if (type == null || !type.equals("HPKE") || recipient == null) {
      throw ApiException.invalidRequest("encryption_type must be HPKE, with recipient_public_key"
          + " (base64 DER SubjectPublicKeyInfo of a P-256 key): the session key is never returned"
          + " unencrypted");
    }
    byte[] spki = AuthorizationKeys.parseP256Spki(recipient, "recipient_public_key");
    Optional<String> issuer = jdbi.withHandle(h -> new UserStore(h).appIssuer(app.id()));
    if (issuer.isEmpty()) {
      throw new ApiException(400, ErrorCodes.JWT_NOT_CONFIGURED,
          "this app has no JWT issuer configured");
    }
    AuthenticateUserResponse r;
    try {
      r = enclave.authenticateUser(AuthenticateUserRequest.newBuilder().setAppId(app.id())
          .setIssuer(issuer.get()).setJwt(jwt).setRecipientPublicKey(ByteString.copyFrom(spki))
          .build());
    } catch (EnclaveCallException e) {
      throw EnclaveFailures.toApi(e);
    }
    UserSessionStatement st;
    try {
      st = UserSessionStatement.parseFrom(r.getSession().getStatement());
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.internal();
    }
    Instant now = clock.instant();
    Instant expires = Instant.ofEpochMilli(st.getExpiresAtMillis());
    List<String> walletIds = jdbi.inTransaction(h -> {
      UserStore store = new UserStore(h);
      store.insertSession(app.id(), st.getIssuer(), st.getSubject(),
          st.getSessionPublicKey().toByteArray(), r.getSession(), expires, now);
      Optional<StoredUser> user = store.findByCustomUserId(app.id(), st.getSubject());
      user.ifPresent(u -> store.markVerified(u.id(), now));
      new AuditStore(h, clock).append(new AuditEvent(app.id(), null, AuditEvent.USER_AUTHENTICATE,
          Outcome.SUCCEEDED, null, user.map(u -> "{\"user_id\":\"" + u.id() + "\"}").orElse("{}")));
      return user.map(u -> store.ownedWalletIds(app.id(), u.id())).orElse(List.of());
    });
    Base64.Encoder b64 = Base64.getEncoder();
    return new Authenticated(new EncryptedKey("HPKE",
        b64.encodeToString(r.getEncapsulatedKey().toByteArray()),
        b64.encodeToString(r.getCiphertext().toByteArray())), r.getExpiresAtMillis(),
        walletIds.stream().map(id -> wallets.get(app, id)).toList());
  }
}
