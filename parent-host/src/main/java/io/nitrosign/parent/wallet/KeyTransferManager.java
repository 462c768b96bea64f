package io.nitrosign.parent.wallet;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.parent.Ids;
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
import io.nitrosign.parent.authz.PrivyRequestAuthorizer;
import io.nitrosign.parent.authz.WalletAuthorities;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.RequestAuthorization;
import io.nitrosign.proto.v1.WalletAuthority;
import jakarta.ws.rs.core.HttpHeaders;
import io.nitrosign.proto.v1.ExportKeyRequest;
import io.nitrosign.proto.v1.ExportKeyResponse;
import io.nitrosign.proto.v1.GetImportKeyRequest;
import io.nitrosign.proto.v1.GetImportKeyResponse;
import io.nitrosign.proto.v1.ImportKeyRequest;
import io.nitrosign.proto.v1.ImportKeyResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Key import and export, HPKE end to end between the client and the enclave (RFC 9180,
 * DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM); the parent only relays ciphertext.
 *
 * <ul>
 *   <li>{@code POST /v1/wallets/import/init}: reserves a wallet id and returns the enclave's
 *       per-boot HPKE public key with an attestation document vouching for it. The client checks
 *       the document (image PCRs, AWS chain) before it encrypts, with aad = the wallet id.
 *   <li>{@code POST /v1/wallets/import/submit}: the enclave opens the ciphertext, seals the key as
 *       two shares; the parent stores the wallet.
 *   <li>{@code POST /v1/wallets/{id}/export}: only for apps created with {@code --allow-export};
 *       the enclave encrypts the key to the caller's HPKE public key. Audited before it leaves.
 * </ul>
 */
public final class KeyTransferManager {

  static final String HPKE = "HPKE";
  private static final Base64.Decoder B64 = Base64.getDecoder();
  private static final Base64.Encoder B64E = Base64.getEncoder();

  private final Jdbi jdbi;
  private final EnclaveGateway enclave;
  private final JsonBodies bodies;
  private final SecureRandom random;
  private final Clock clock;

  private final PrivyRequestAuthorizer authorizer;

  public KeyTransferManager(Jdbi jdbi, EnclaveGateway enclave, ObjectMapper json,
      SecureRandom random, Clock clock, PrivyRequestAuthorizer authorizer) {
    this.authorizer = authorizer;
    this.jdbi = jdbi;
    this.enclave = enclave;
    this.bodies = new JsonBodies(json);
    this.random = random;
    this.clock = clock;
  }

  /** {@code {"wallet_id","encryption_type","encryption_public_key","attestation_document"}}. */
  public record ImportInit(@JsonProperty("wallet_id") String walletId,
      @JsonProperty("encryption_type") String encryptionType,
      @JsonProperty("encryption_public_key") String encryptionPublicKey,
      @JsonProperty("attestation_document") String attestationDocument) {}

  /** {@code {"encryption_type","encapsulated_key","ciphertext"}}. */
  public record Exported(@JsonProperty("encryption_type") String encryptionType,
      @JsonProperty("encapsulated_key") String encapsulatedKey,
      @JsonProperty("ciphertext") String ciphertext) {}

  public ImportInit importInit(App app, byte[] body) {
    ObjectNode root = bodies.object(body);
    JsonBodies.onlyFields(root, "", Set.of("chain_type", "encryption_type", "entropy_type",
        "address", "nonce"));
    ChainType.parse(JsonBodies.requiredText(root, "", "chain_type"));
    requireHpke(JsonBodies.optionalText(root, "", "encryption_type"));
    String entropy = JsonBodies.optionalText(root, "", "entropy_type");
    if (entropy != null && !entropy.equals("private-key")) {
      throw ApiException.invalidRequest("entropy_type must be private-key");
    }
    byte[] nonce = hexOrEmpty(JsonBodies.optionalText(root, "", "nonce"), "nonce", 512);
    GetImportKeyResponse r = call(() -> enclave.getImportKey(
        GetImportKeyRequest.newBuilder().setNonce(ByteString.copyFrom(nonce)).build()));
    if (r.getHpkePublicKey().size() != 65 || r.getHpkePublicKey().byteAt(0) != 0x04
        || r.getAttestationDocument().isEmpty()) {
      throw EnclaveFailures.toApi(new EnclaveCallException(EnclaveCallException.Kind.PROTOCOL,
          null, "malformed import key"));
    }
    return new ImportInit(Ids.random(random), HPKE,
        B64E.encodeToString(r.getHpkePublicKey().toByteArray()),
        B64E.encodeToString(r.getAttestationDocument().toByteArray()));
  }

  public WalletView importSubmit(App app, byte[] body) {
    ObjectNode root = bodies.object(body);
    JsonBodies.onlyFields(root, "", Set.of("wallet"));
    ObjectNode w = JsonBodies.requiredObject(root, "", "wallet");
    JsonBodies.onlyFields(w, "wallet.", Set.of("wallet_id", "chain_type", "encryption_type",
        "entropy_type", "address", "encapsulated_key", "ciphertext"));
    String walletId = JsonBodies.requiredText(w, "wallet.", "wallet_id");
    if (!walletId.matches("[0-9a-z]{24}")) {
      throw ApiException.invalidRequest("wallet.wallet_id is not a wallet id from import/init");
    }
    ChainType chainType = ChainType.parse(JsonBodies.requiredText(w, "wallet.", "chain_type"));
    requireHpke(JsonBodies.optionalText(w, "wallet.", "encryption_type"));
    String claimed = JsonBodies.optionalText(w, "wallet.", "address");
    byte[] enc = base64(JsonBodies.requiredText(w, "wallet.", "encapsulated_key"),
        "wallet.encapsulated_key", 133);
    byte[] ciphertext = base64(JsonBodies.requiredText(w, "wallet.", "ciphertext"),
        "wallet.ciphertext", 256);
    if (jdbi.withHandle(h -> new WalletStore(h).exists(walletId))) {
      throw new ApiException(409, ErrorCodes.WALLET_EXISTS, "a wallet with this id exists");
    }
    ImportKeyResponse r;
    try {
      r = enclave.importKey(ImportKeyRequest.newBuilder().setWalletId(walletId)
          .setCurve(chainType.curve()).setOwner(appOwned(app, chainType))
          .setEnc(ByteString.copyFrom(enc))
          .setCiphertext(ByteString.copyFrom(ciphertext)).build());
    } catch (EnclaveCallException e) {
      ApiException api = e.errorCode() == io.nitrosign.proto.v1.ErrorCode.INVALID_REQUEST
          ? ApiException.invalidRequest("the encrypted key did not open in the enclave (wrong"
              + " public key, wallet id, or corrupted ciphertext), or is not a valid key")
          : EnclaveFailures.toApi(e);
      if (e.notSent()) {
        throw api; // shed or circuit open: counted by the gateway, nothing to audit
      }
      audit(app, null, AuditEvent.WALLET_IMPORT, Outcome.FAILED, api.code(), "{}");
      throw api;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Wallet wallet = WalletKeys.walletFrom(app, walletId, chainType, r.getKey(), r.getAddress(),
        now, now, appOwned(app, chainType));
    if (claimed != null && !chainType.sameAddress(claimed, wallet.publicKey())) {
      audit(app, null, AuditEvent.WALLET_IMPORT, Outcome.REJECTED, ErrorCodes.INVALID_REQUEST,
          "{}");
      throw ApiException.invalidRequest("wallet.address does not match the imported key");
    }
    List<WalletShare> shares = WalletKeys.shares(walletId, r.getKey());
    jdbi.useTransaction(h -> {
      new WalletStore(h).insert(wallet, shares);
      new AuditStore(h, clock).append(new AuditEvent(app.id(), walletId, AuditEvent.WALLET_IMPORT,
          Outcome.SUCCEEDED, null, "{\"address\":\"" + wallet.address() + "\"}"));
    });
    return WalletView.of(wallet);
  }

  public Exported export(App app, String walletId, byte[] body, HttpHeaders headers) {
    if (!Ids.plausible(walletId)) {
      throw ApiException.walletNotFound();
    }
    Optional<Wallet> found = jdbi.withHandle(h -> new WalletStore(h).find(app.id(), walletId));
    Wallet wallet = found.orElseThrow(ApiException::walletNotFound);
    if (!app.allowExport()) {
      audit(app, walletId, AuditEvent.WALLET_EXPORT, Outcome.REJECTED,
          ErrorCodes.EXPORT_NOT_ALLOWED, "{}");
      throw new ApiException(403, ErrorCodes.EXPORT_NOT_ALLOWED,
          "key export is not enabled for this app");
    }
    byte[] recipient;
    try {
      ObjectNode root = bodies.object(body);
      JsonBodies.onlyFields(root, "", Set.of("encryption_type", "recipient_public_key"));
      requireHpke(JsonBodies.optionalText(root, "", "encryption_type"));
      recipient = base64(JsonBodies.requiredText(root, "", "recipient_public_key"),
          "recipient_public_key", 65);
      if (recipient.length != 65 || recipient[0] != 0x04) {
        throw ApiException.invalidRequest(
            "recipient_public_key must be an uncompressed P-256 point (65 bytes, base64)");
      }
    } catch (ApiException e) {
      audit(app, walletId, AuditEvent.WALLET_EXPORT, Outcome.REJECTED, e.code(), "{}");
      throw e;
    }
    // Owned wallets: the owner's signatures (checked here early, and by the enclave); app-owned
    // wallets: the deployment export quorum's, which only the enclave knows and checks.
    String path = "/v1/wallets/" + walletId + "/export";
    Optional<WalletAuthority> authority = WalletAuthorities.of(wallet.owner());
    RequestAuthorization signed = authorizer.signedRequest("POST", path, body, headers, app.id(),
        authority.filter(WalletAuthority::hasOwner).map(a -> List.of(a.getOwner()))
            .orElse(List.of()));
    if (authority.isPresent() && authority.get().hasOwner()) {
      try {
        authorizer.verify(signed, "POST", path, app.id(), List.of(authority.get().getOwner()));
      } catch (ApiException e) {
        audit(app, walletId, AuditEvent.WALLET_EXPORT, Outcome.REJECTED, e.code(), "{}");
        throw e;
      }
    }
    List<WalletShare> shares = jdbi.withHandle(h -> new WalletStore(h).shares(walletId));
    ExportKeyResponse r;
    try {
      r = enclave.exportKey(ExportKeyRequest.newBuilder().setKey(WalletKeys.of(wallet, shares))
          .setRecipientPublicKey(ByteString.copyFrom(recipient)).setAuthorization(signed).build());
    } catch (EnclaveCallException e) {
      ApiException api = EnclaveFailures.toApi(e);
      if (e.notSent()) {
        throw api; // shed or circuit open: counted by the gateway, nothing to audit
      }
      audit(app, walletId, AuditEvent.WALLET_EXPORT,
          EnclaveFailures.isRefusal(e) ? Outcome.REJECTED : Outcome.FAILED, api.code(), "{}");
      throw api;
    }
    // The export is recorded (and committed) before the ciphertext leaves.
    jdbi.useTransaction(h -> {
      new WalletStore(h).markExported(walletId, clock.instant().truncatedTo(ChronoUnit.MICROS));
      new AuditStore(h, clock).append(new AuditEvent(app.id(), walletId, AuditEvent.WALLET_EXPORT,
          Outcome.SUCCEEDED, null, "{\"recipient_public_key\":\""
              + HexFormat.of().formatHex(recipient) + "\"}"));
    });
    return new Exported(HPKE, B64E.encodeToString(r.getEnc().toByteArray()),
        B64E.encodeToString(r.getCiphertext().toByteArray()));
  }

  /** An imported wallet is app-owned, bound to its app and chain type. */
  private static ByteString appOwned(App app, ChainType chainType) {
    return WalletAuthority.newBuilder().setVersion(OwnerResolver.AUTHORITY_VERSION)
        .setAppId(app.id()).setChainType(chainType.wireName()).build().toByteString();
  }

  private void audit(App app, String walletId, String action, Outcome outcome, String code,
      String detail) {
    jdbi.useTransaction(h -> new AuditStore(h, clock).append(
        new AuditEvent(app.id(), walletId, action, outcome, code, detail)));
  }

  private static <T> T call(java.util.function.Supplier<T> c) {
    try {
      return c.get();
    } catch (EnclaveCallException e) {
      throw EnclaveFailures.toApi(e);
    }
  }

  private static void requireHpke(String encryptionType) {
    if (encryptionType != null && !encryptionType.equals(HPKE)) {
      throw ApiException.invalidRequest("encryption_type must be HPKE");
    }
  }

  private static byte[] base64(String value, String field, int maxBytes) {
    try {
      byte[] b = B64.decode(value);
      if (b.length == 0 || b.length > maxBytes) {
        throw ApiException.invalidRequest(field + " has the wrong length");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidRequest(field + " is not valid base64");
    }
  }

  private static byte[] hexOrEmpty(String value, String field, int maxBytes) {
    if (value == null || value.isEmpty()) {
      return new byte[0];
    }
    String v = value.startsWith("0x") ? value.substring(2) : value;
    try {
      byte[] b = HexFormat.of().parseHex(v);
      if (b.length > maxBytes) {
        throw ApiException.invalidRequest(field + " is longer than " + maxBytes + " bytes");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidRequest(field + " is not valid hex");
    }
  }
}
