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
import io.nitrosign.proto.v1.KeyEnvelope;
import io.nitrosign.hpke.PrivyEnvelope;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * Key import and export, HPKE end to end between the client and the enclave (RFC 9180 base mode,
 * DHKEM(P-256, HKDF-SHA256), HKDF-SHA256); the parent only relays ciphertext. Two formats, told
 * apart by the request itself:
 *
 * <ul>
 *   <li><b>Ours</b> ({@code ./appliance wallet import}): AES-256-GCM with info and aad binding the
 *       wallet id; the client verifies the attestation document of init first. An import submit
 *       names the {@code wallet.wallet_id} init reserved; an export names a raw 65-byte recipient
 *       point.
 *   <li><b>Privy's SDK</b> ({@code @privy-io/node} {@code wallets().import} and
 *       {@code exportPrivateKey}): ChaCha20Poly1305, empty info and aad, the key as the SDK
 *       encodes it. An import submit has no {@code wallet.wallet_id} (a new id is drawn here); an
 *       export names a P-256 SubjectPublicKeyInfo. The SDK does not look at the attestation
 *       document, so it trusts this host to hand out the enclave's key.
 * </ul>
 *
 * <ul>
 *   <li>{@code POST /v1/wallets/import/init}: a wallet id and the enclave's per-boot HPKE public
 *       key (raw point, base64) with an attestation document vouching for it.
 *   <li>{@code POST /v1/wallets/import/submit}: the enclave opens the ciphertext and seals the key
 *       as two shares with the authority the body asks for ({@code owner}, {@code owner_id},
 *       {@code additional_signers}, {@code policy_ids}, as wallet create); the parent stores the
 *       wallet. An envelope that does not open is {@code 400 malformed_ciphertext}, nothing
 *       stored.
 *   <li>{@code POST /v1/wallets/{id}/export}: only for apps created with {@code --allow-export};
 *       the enclave checks the owner's (or the export quorum's) signatures and encrypts the key to
 *       the signed recipient. Audited before it leaves. {@code export_seed_phrase: true} is a 400:
 *       no wallet here is an HD wallet.
 * </ul>
 */
public final class KeyTransferManager {

  static final String HPKE = "HPKE";
  /** An encapsulated key: the raw P-256 point. */
  static final int ENC_BYTES = 65;
  /** Longer than any envelope of a key: Privy's Solana import is 64 bytes and a 16-byte tag. */
  static final int MAX_CIPHERTEXT_BYTES = 256;
  private static final Base64.Decoder B64 = Base64.getDecoder();
  private static final Base64.Encoder B64E = Base64.getEncoder();
  private static final Set<String> OUR_WALLET_FIELDS = Set.of("wallet_id", "chain_type",
      "encryption_type", "entropy_type", "address", "encapsulated_key", "ciphertext");
  private static final Set<String> SDK_WALLET_FIELDS = Set.of("chain_type", "encryption_type",
      "entropy_type", "address", "encapsulated_key", "ciphertext");

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
        "address", "nonce", "index"));
    ChainType.parse(JsonBodies.requiredText(root, "", "chain_type"));
    requireHpke(JsonBodies.optionalText(root, "", "encryption_type"), "");
    requirePrivateKeyEntropy(JsonBodies.optionalText(root, "", "entropy_type"), "");
    if (root.has("index")) {
      throw ApiException.invalidRequest("index applies to HD imports (entropy_type hd), which"
          + " are not supported");
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
    Set<String> topFields = new HashSet<>(OwnerResolver.FIELDS);
    topFields.add("wallet");
    JsonBodies.onlyFields(root, "", topFields);
    ObjectNode w = JsonBodies.requiredObject(root, "", "wallet");
    // Ours names the wallet id that init reserved (its aad); the SDK's has no wallet id.
    boolean sdk = !w.has("wallet_id");
    KeyEnvelope envelope = sdk ? KeyEnvelope.KEY_ENVELOPE_PRIVY : KeyEnvelope.KEY_ENVELOPE_NITROSIGN;
    String walletId;
    String claimed;
    if (sdk) {
      JsonBodies.onlyFields(w, "wallet.", SDK_WALLET_FIELDS);
      requireHpke(JsonBodies.requiredText(w, "wallet.", "encryption_type"), "wallet.");
      requirePrivateKeyEntropy(JsonBodies.requiredText(w, "wallet.", "entropy_type"), "wallet.");
      claimed = JsonBodies.requiredText(w, "wallet.", "address");
      walletId = Ids.random(random);
    } else {
      JsonBodies.onlyFields(w, "wallet.", OUR_WALLET_FIELDS);
      walletId = JsonBodies.requiredText(w, "wallet.", "wallet_id");
      if (!walletId.matches("[0-9a-z]{24}")) {
        throw ApiException.invalidRequest("wallet.wallet_id is not a wallet id from import/init");
      }
      requireHpke(JsonBodies.optionalText(w, "wallet.", "encryption_type"), "wallet.");
      requirePrivateKeyEntropy(JsonBodies.optionalText(w, "wallet.", "entropy_type"), "wallet.");
      claimed = JsonBodies.optionalText(w, "wallet.", "address");
    }
    ChainType chainType = ChainType.parse(JsonBodies.requiredText(w, "wallet.", "chain_type"));
    String encText = JsonBodies.requiredText(w, "wallet.", "encapsulated_key");
    String ciphertextText = JsonBodies.requiredText(w, "wallet.", "ciphertext");
    // The authority sealed with the key: app, chain type and the owner fields, as wallet create.
    OwnerResolver.Resolved owner =
        jdbi.withHandle(h -> new OwnerResolver(h).forCreate(app.id(), chainType, root));
    ByteString ownerBytes = owner.authority().toByteString();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("chain_type", chainType.wireName());
    detail.put("format", sdk ? "privy" : "nitrosign");
    detail.put("owned", owner.authority().hasOwner());
    byte[] enc;
    byte[] ciphertext;
    try {
      enc = envelopePart(encText, "wallet.encapsulated_key", ENC_BYTES, ENC_BYTES);
      ciphertext = envelopePart(ciphertextText, "wallet.ciphertext", 1, MAX_CIPHERTEXT_BYTES);
    } catch (ApiException e) {
      audit(app, null, AuditEvent.WALLET_IMPORT, Outcome.REJECTED, e.code(), render(detail));
      throw e;
    }
    if (!sdk && jdbi.withHandle(h -> new WalletStore(h).exists(walletId))) {
      throw new ApiException(409, ErrorCodes.WALLET_EXISTS, "a wallet with this id exists");
    }
    ImportKeyResponse r;
    try {
      r = enclave.importKey(ImportKeyRequest.newBuilder().setWalletId(walletId)
          .setCurve(chainType.curve()).setOwner(ownerBytes).setEnvelope(envelope)
          .setEnc(ByteString.copyFrom(enc))
          .setCiphertext(ByteString.copyFrom(ciphertext)).build());
    } catch (EnclaveCallException e) {
      ApiException api = importFailure(e);
      if (e.notSent()) {
        throw api; // shed or circuit open: counted by the gateway, nothing to audit
      }
      audit(app, null, AuditEvent.WALLET_IMPORT,
          api.status() == 400 ? Outcome.REJECTED : Outcome.FAILED, api.code(), render(detail));
      throw api;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Wallet wallet = WalletKeys.walletFrom(app, walletId, chainType, r.getKey(), r.getAddress(),
        now, now, ownerBytes);
    if (claimed != null && !chainType.sameAddress(claimed, wallet.publicKey())) {
      audit(app, null, AuditEvent.WALLET_IMPORT, Outcome.REJECTED, ErrorCodes.INVALID_REQUEST,
          render(detail));
      throw ApiException.invalidRequest("wallet.address does not match the imported key");
    }
    detail.put("address", wallet.address());
    String rendered = render(detail);
    List<WalletShare> shares = WalletKeys.shares(walletId, r.getKey());
    jdbi.useTransaction(h -> {
      if (owner.newQuorum() != null) {
        new io.nitrosign.parent.quorum.KeyQuorumStore(h).insert(owner.newQuorum());
      }
      new WalletStore(h).insert(wallet, shares);
      new WalletOwnershipStore(h).save(walletId, owner.ownership());
      new AuditStore(h, clock).append(new AuditEvent(app.id(), walletId, AuditEvent.WALLET_IMPORT,
          Outcome.SUCCEEDED, null, rendered));
    });
    return WalletView.of(wallet, owner.ownership());
  }

  /**
   * How an import the enclave refused reaches the client: an envelope that did not open is
   * {@code malformed_ciphertext}; a plaintext that is no key of the curve is
   * {@code invalid_request} with the enclave's fixed reason; the rest as any enclave failure.
   */
  static ApiException importFailure(EnclaveCallException e) {
    if (e.kind() == EnclaveCallException.Kind.ERROR) {
      if (e.errorCode() == io.nitrosign.proto.v1.ErrorCode.MALFORMED_CIPHERTEXT) {
        return new ApiException(400, ErrorCodes.MALFORMED_CIPHERTEXT, "the encrypted key did"
            + " not open in the enclave: another encryption public key (import/init's), another"
            + " format, or a corrupted encapsulated_key or ciphertext");
      }
      if (e.errorCode() == io.nitrosign.proto.v1.ErrorCode.INVALID_REQUEST) {
        return ApiException.invalidRequest("the enclave refused the imported key: "
            + e.getMessage());
      }
    }
    return EnclaveFailures.toApi(e);
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
    KeyEnvelope envelope;
    try {
      ObjectNode root = bodies.object(body);
      JsonBodies.onlyFields(root, "", Set.of("encryption_type", "recipient_public_key",
          "export_seed_phrase"));
      requireHpke(JsonBodies.optionalText(root, "", "encryption_type"), "");
      JsonNode seedPhrase = root.get("export_seed_phrase");
      if (seedPhrase != null && !seedPhrase.isNull() && !seedPhrase.isBoolean()) {
        throw ApiException.invalidRequest("field export_seed_phrase must be a boolean");
      }
      if (seedPhrase != null && seedPhrase.asBoolean(false)) {
        throw ApiException.invalidRequest("export_seed_phrase: this wallet is not an HD wallet"
            + " and has no seed phrase; export its private key (export_seed_phrase false)");
      }
      recipient = base64(JsonBodies.requiredText(root, "", "recipient_public_key"),
          "recipient_public_key", PrivyEnvelope.SPKI_LENGTH);
      if (recipient.length == 65 && recipient[0] == 0x04) {
        envelope = KeyEnvelope.KEY_ENVELOPE_NITROSIGN;
      } else if (PrivyEnvelope.isSpki(recipient)) {
        envelope = KeyEnvelope.KEY_ENVELOPE_PRIVY;
      } else {
        throw ApiException.invalidRequest("recipient_public_key must be a P-256 public key,"
            + " base64: a DER SubjectPublicKeyInfo (as Privy's SDK sends) or the 65-byte"
            + " uncompressed point");
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
          .setRecipientPublicKey(ByteString.copyFrom(recipient)).setEnvelope(envelope)
          .setAuthorization(signed).build());
    } catch (EnclaveCallException e) {
      ApiException api = e.kind() == EnclaveCallException.Kind.ERROR
          && e.errorCode() == io.nitrosign.proto.v1.ErrorCode.INVALID_REQUEST
          ? ApiException.invalidRequest("the enclave refused the export: " + e.getMessage())
          : EnclaveFailures.toApi(e);
      if (e.notSent()) {
        throw api; // shed or circuit open: counted by the gateway, nothing to audit
      }
      audit(app, walletId, AuditEvent.WALLET_EXPORT, EnclaveFailures.isRefusal(e)
          || api.status() == 400 ? Outcome.REJECTED : Outcome.FAILED, api.code(), "{}");
      throw api;
    }
    // The export is recorded (and committed) before the ciphertext leaves.
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("recipient_public_key", HexFormat.of().formatHex(recipient));
    detail.put("format", envelope == KeyEnvelope.KEY_ENVELOPE_PRIVY ? "privy" : "nitrosign");
    String rendered = render(detail);
    jdbi.useTransaction(h -> {
      new WalletStore(h).markExported(walletId, clock.instant().truncatedTo(ChronoUnit.MICROS));
      new AuditStore(h, clock).append(new AuditEvent(app.id(), walletId, AuditEvent.WALLET_EXPORT,
          Outcome.SUCCEEDED, null, rendered));
    });
    return new Exported(HPKE, B64E.encodeToString(r.getEnc().toByteArray()),
        B64E.encodeToString(r.getCiphertext().toByteArray()));
  }

  private void audit(App app, String walletId, String action, Outcome outcome, String code,
      String detail) {
    jdbi.useTransaction(h -> new AuditStore(h, clock).append(
        new AuditEvent(app.id(), walletId, action, outcome, code, detail)));
  }

  /** A small JSON object of plain values (chain type, format, flags, an address). */
  private static String render(Map<String, Object> detail) {
    try {
      return RENDER.writeValueAsString(detail);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("audit detail did not render", e);
    }
  }

  private static final ObjectMapper RENDER = new ObjectMapper();

  private static <T> T call(java.util.function.Supplier<T> c) {
    try {
      return c.get();
    } catch (EnclaveCallException e) {
      throw EnclaveFailures.toApi(e);
    }
  }

  private static void requireHpke(String encryptionType, String path) {
    if (encryptionType != null && !encryptionType.equals(HPKE)) {
      throw ApiException.invalidRequest(path + "encryption_type must be HPKE");
    }
  }

  private static void requirePrivateKeyEntropy(String entropy, String path) {
    if (entropy != null && !entropy.equals("private-key")) {
      throw ApiException.invalidRequest(path + "entropy_type must be private-key: HD wallets"
          + " (entropy_type hd) cannot be imported");
    }
  }

  /**
   * A part of an HPKE envelope (base64, {@code min} to {@code max} bytes); anything else is a
   * malformed envelope, {@code 400 malformed_ciphertext}.
   */
  private static byte[] envelopePart(String value, String field, int min, int max) {
    byte[] b;
    try {
      b = B64.decode(value);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, ErrorCodes.MALFORMED_CIPHERTEXT, field + " is not valid base64");
    }
    if (b.length < min || b.length > max) {
      throw new ApiException(400, ErrorCodes.MALFORMED_CIPHERTEXT, field + " has the wrong"
          + " length for an HPKE P-256 envelope of a private key");
    }
    return b;
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
