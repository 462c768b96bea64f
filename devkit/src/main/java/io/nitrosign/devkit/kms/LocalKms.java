package io.nitrosign.devkit.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The KMS operations, on parsed JSON request bodies, answering JSON response bodies in the shapes
 * of the AWS KMS API (blobs in base64, timestamps in epoch seconds). HTTP, authentication and
 * counting are {@link LocalKmsServer}'s job.
 *
 * <p>Operations: CreateKey, DescribeKey, GetKeyPolicy, PutKeyPolicy, Encrypt, Decrypt,
 * GenerateDataKey. Decrypt and GenerateDataKey take a {@code Recipient}; then the attestation
 * document is verified, its PCRs become condition keys of the key policy, and the plaintext comes
 * back only as {@code CiphertextForRecipient}.
 */
public final class LocalKms {

  /** How old an attestation document may be. */
  public static final Duration MAX_ATTESTATION_AGE = Duration.ofMinutes(5);
  /** How far in the future a document's timestamp may be (clock differences). */
  public static final Duration MAX_ATTESTATION_FUTURE = Duration.ofSeconds(60);

  private static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";
  private static final String RSAES_OAEP_SHA_256 = "RSAES_OAEP_SHA_256";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Facts about one call, for the log line and the counters; never secrets. */
  public static final class CallRecord {
    String keyId = "-";
    boolean recipient;
    String decision = "";

    public String keyId() {
      return keyId;
    }

    public boolean recipient() {
      return recipient;
    }

    public String decision() {
      return decision;
    }
  }

  private final LocalKeyStore keys;
  private final AttestationCheck attestation;
  private final Clock clock;

  public LocalKms(LocalKeyStore keys, AttestationCheck attestation, Clock clock) {
    this.keys = Objects.requireNonNull(keys);
    this.attestation = Objects.requireNonNull(attestation);
    this.clock = Objects.requireNonNull(clock);
  }

  public LocalKeyStore keys() {
    return keys;
  }

  /** Runs one operation. */
  public ObjectNode handle(String operation, JsonNode request, CallRecord call) {
    if (request == null || !request.isObject()) {
      throw KmsError.serialization("The request body must be a JSON object.");
    }
    return switch (operation) {
      case "CreateKey" -> createKey(request, call);
      case "DescribeKey" -> describeKey(request, call);
      case "GetKeyPolicy" -> getKeyPolicy(request, call);
      case "PutKeyPolicy" -> putKeyPolicy(request, call);
      case "Encrypt" -> encrypt(request, call);
      case "Decrypt" -> decrypt(request, call);
      case "GenerateDataKey" -> generateDataKey(request, call);
      default -> throw new KmsError(400, "UnknownOperationException",
          "The local KMS does not implement " + operation + ".");
    };
  }

  // ---- operations ----

  private ObjectNode createKey(JsonNode req, CallRecord call) {
    expectOneOf(req, "KeyUsage", "ENCRYPT_DECRYPT");
    expectOneOf(req, "KeySpec", SYMMETRIC_DEFAULT);
    expectOneOf(req, "CustomerMasterKeySpec", SYMMETRIC_DEFAULT);
    expectOneOf(req, "Origin", "AWS_KMS");
    if (req.path("MultiRegion").asBoolean(false)) {
      throw KmsError.unsupported("The local KMS has no multi-Region keys.");
    }
    if (text(req, "CustomKeyStoreId").isPresent() || text(req, "XksKeyId").isPresent()) {
      throw KmsError.unsupported("The local KMS has no custom key stores.");
    }
    String description = text(req, "Description").orElse("");
    if (description.length() > 8192) {
      throw KmsError.validation("Description must be at most 8192 characters.");
    }
    KeyPolicy policy = KeyPolicy.parse(text(req, "Policy").orElse(KeyPolicy.DEFAULT_POLICY));
    KmsKey key = keys.create(description, policy, null);
    call.keyId = key.id();
    call.decision = "created";
    ObjectNode out = JSON.createObjectNode();
    out.set("KeyMetadata", metadata(key));
    return out;
  }

  private ObjectNode describeKey(JsonNode req, CallRecord call) {
    KmsKey key = resolve(req, call);
    authorize(key, "kms:DescribeKey", Map.of(), null, call);
    ObjectNode out = JSON.createObjectNode();
    out.set("KeyMetadata", metadata(key));
    return out;
  }

  private ObjectNode getKeyPolicy(JsonNode req, CallRecord call) {
    KmsKey key = resolve(req, call);
    String name = policyName(req);
    authorize(key, "kms:GetKeyPolicy", Map.of(), null, call);
    ObjectNode out = JSON.createObjectNode();
    out.put("Policy", key.policy().text());
    out.put("PolicyName", name);
    return out;
  }

  private ObjectNode putKeyPolicy(JsonNode req, CallRecord call) {
    KmsKey key = resolve(req, call);
    policyName(req);
    KeyPolicy policy = KeyPolicy.parse(text(req, "Policy").orElseThrow(
        () -> KmsError.validation("Policy must not be null.")));
    authorize(key, "kms:PutKeyPolicy", Map.of(), null, call);
    keys.setPolicy(key.keyId(), policy);
    return JSON.createObjectNode();
  }

  private ObjectNode encrypt(JsonNode req, CallRecord call) {
    KmsKey key = resolve(req, call);
    byte[] plaintext = blob(req, "Plaintext").orElseThrow(
        () -> KmsError.validation("Plaintext must not be null."));
    try {
      if (plaintext.length < 1 || plaintext.length > 4096) {
        throw KmsError.validation("Plaintext must be 1 to 4096 bytes.");
      }
      encryptionAlgorithm(req);
      Map<String, String> ec = encryptionContext(req);
      authorize(key, "kms:Encrypt", ec, null, call);
      ObjectNode out = JSON.createObjectNode();
      out.put("CiphertextBlob", CiphertextBlobs.seal(key, plaintext, ec));
      out.put("KeyId", key.arn());
      out.put("EncryptionAlgorithm", SYMMETRIC_DEFAULT);
      return out;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private ObjectNode generateDataKey(JsonNode req, CallRecord call) {
    KmsKey key = resolve(req, call);
    Optional<String> keySpec = text(req, "KeySpec");
    JsonNode nob = req.get("NumberOfBytes");
    int length;
    if (keySpec.isPresent() == (nob != null && !nob.isNull())) {
      throw KmsError.validation("Please specify either number of bytes or key spec.");
    } else if (keySpec.isPresent()) {
      length = switch (keySpec.get()) {
        case "AES_256" -> 32;
        case "AES_128" -> 16;
        default -> throw KmsError.validation("1 validation error detected: Value '"
            + keySpec.get() + "' at 'keySpec' failed to satisfy constraint: Member must satisfy "
            + "enum value set: [AES_256, AES_128]");
      };
    } else {
      if (!nob.isIntegralNumber() || nob.asLong() < 1 || nob.asLong() > 1024) {
        throw KmsError.validation("1 validation error detected: Value at 'numberOfBytes' failed "
            + "to satisfy constraint: Member must have value between 1 and 1024");
      }
      length = nob.asInt();
    }
    Map<String, String> ec = encryptionContext(req);
    AttestationCheck.AttestedRecipient recipient = recipient(req, call);
    authorize(key, "kms:GenerateDataKey", ec, recipient, call);
    byte[] dataKey = Fips.random(length);
    try {
      ObjectNode out = JSON.createObjectNode();
      out.put("CiphertextBlob", CiphertextBlobs.seal(key, dataKey, ec));
      out.put("KeyId", key.arn());
      if (recipient != null) {
        out.put("CiphertextForRecipient",
            RecipientEnvelope.seal(dataKey, recipient.publicKeyDer()));
      } else {
        out.put("Plaintext", base64(dataKey));
      }
      return out;
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  private ObjectNode decrypt(JsonNode req, CallRecord call) {
    byte[] blob = blob(req, "CiphertextBlob").orElseThrow(
        () -> KmsError.validation("CiphertextBlob must not be null."));
    if (blob.length < 1 || blob.length > 6144) {
      throw KmsError.validation("CiphertextBlob must be 1 to 6144 bytes.");
    }
    UUID id = CiphertextBlobs.keyIdOf(blob).orElseThrow(
        () -> KmsError.invalidCiphertext("The ciphertext is not a blob of this KMS."));
    KmsKey key = keys.byId(id).orElseThrow(
        () -> KmsError.invalidCiphertext("The ciphertext refers to a key this KMS does not have."));
    call.keyId = key.id();
    Optional<String> requested = text(req, "KeyId");
    if (requested.isPresent() && !keys.resolve(requested.get()).keyId().equals(key.keyId())) {
      throw KmsError.incorrectKey("The key ID in the request does not identify the KMS key that "
          + "encrypted the ciphertext.");
    }
    encryptionAlgorithm(req);
    Map<String, String> ec = encryptionContext(req);
    AttestationCheck.AttestedRecipient recipient = recipient(req, call);
    authorize(key, "kms:Decrypt", ec, recipient, call);
    byte[] plaintext = CiphertextBlobs.open(key, blob, ec);
    try {
      ObjectNode out = JSON.createObjectNode();
      out.put("KeyId", key.arn());
      out.put("EncryptionAlgorithm", SYMMETRIC_DEFAULT);
      if (recipient != null) {
        out.put("CiphertextForRecipient",
            RecipientEnvelope.seal(plaintext, recipient.publicKeyDer()));
      } else {
        out.put("Plaintext", base64(plaintext));
      }
      return out;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * Base64 now, before the buffer is wiped: Jackson's binary nodes keep a reference to the array
   * and encode it only when the response is written. The base64 string is not wiped (a Java
   * String cannot be); it is short-lived and only ever leaves in a response.
   */
  private static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  // ---- authorization ----

  private void authorize(KmsKey key, String action, Map<String, String> encryptionContext,
      AttestationCheck.AttestedRecipient recipient, CallRecord call) {
    KeyPolicy.Decision d = key.policy().evaluate(action,
        RequestContext.of(encryptionContext, recipient));
    call.decision = d.reason();
    if (!d.allowed()) {
      throw KmsError.accessDenied("User: arn:aws:iam::" + LocalKeyStore.ACCOUNT
          + ":user/local is not authorized to perform: " + action + " on resource: " + key.arn()
          + " because " + (recipient == null && requiresAttestation(key, action)
              ? "the request has no Recipient attestation document and " : "")
          + d.reason() + ".");
    }
  }

  /** Whether an attestation context would change the decision (only for a clearer message). */
  private static boolean requiresAttestation(KmsKey key, String action) {
    return key.policy().text().contains("RecipientAttestation");
  }

  /**
   * Verifies the Recipient, if any: the algorithm, the attestation document (through {@link
   * AttestationCheck}), its age, and that its public key is a usable RSA key.
   */
  private AttestationCheck.AttestedRecipient recipient(JsonNode req, CallRecord call) {
    JsonNode r = req.get("Recipient");
    if (r == null || r.isNull()) {
      return null;
    }
    if (!r.isObject()) {
      throw KmsError.serialization("Recipient must be an object.");
    }
    call.recipient = true;
    String algorithm = text(r, "KeyEncryptionAlgorithm").orElse(RSAES_OAEP_SHA_256);
    if (!algorithm.equals(RSAES_OAEP_SHA_256)) {
      throw KmsError.validation("1 validation error detected: Value '" + algorithm + "' at "
          + "'recipient.keyEncryptionAlgorithm' failed to satisfy constraint: Member must satisfy "
          + "enum value set: [RSAES_OAEP_SHA_256]");
    }
    byte[] doc = blob(r, "AttestationDocument").orElseThrow(() -> KmsError.validation(
        "Recipient.AttestationDocument must not be null."));
    if (doc.length < 1 || doc.length > 262_144) {
      throw KmsError.validation("Recipient.AttestationDocument must be 1 to 262144 bytes.");
    }
    Instant now = clock.instant();
    AttestationCheck.AttestedRecipient attested;
    try {
      attested = attestation.check(doc, now);
    } catch (AttestationCheck.Rejected e) {
      call.decision = "attestation rejected: " + e.getMessage();
      throw KmsError.accessDenied("The attestation document in the Recipient is not valid: "
          + e.getMessage());
    }
    if (attested.timestamp().isBefore(now.minus(MAX_ATTESTATION_AGE))) {
      call.decision = "attestation too old";
      throw KmsError.accessDenied("The attestation document in the Recipient is older than "
          + MAX_ATTESTATION_AGE.toMinutes() + " minutes.");
    }
    if (attested.timestamp().isAfter(now.plus(MAX_ATTESTATION_FUTURE))) {
      call.decision = "attestation from the future";
      throw KmsError.accessDenied("The attestation document in the Recipient is dated in the "
          + "future.");
    }
    RecipientEnvelope.rsaPublicKey(attested.publicKeyDer());
    return attested;
  }

  // ---- request parsing ----

  private KmsKey resolve(JsonNode req, CallRecord call) {
    KmsKey key = keys.resolve(text(req, "KeyId").orElse(null));
    call.keyId = key.id();
    return key;
  }

  private static String policyName(JsonNode req) {
    String name = text(req, "PolicyName").orElse("default");
    if (!name.equals("default")) {
      throw KmsError.notFound("Policy " + name + " does not exist; the only policy name is "
          + "'default'.");
    }
    return name;
  }

  private static void encryptionAlgorithm(JsonNode req) {
    Optional<String> algorithm = text(req, "EncryptionAlgorithm");
    if (algorithm.isPresent() && !algorithm.get().equals(SYMMETRIC_DEFAULT)) {
      throw KmsError.invalidKeyUsage("The key's encryption algorithm is SYMMETRIC_DEFAULT, not "
          + algorithm.get() + ".");
    }
  }

  private static void expectOneOf(JsonNode req, String field, String allowed) {
    Optional<String> v = text(req, field);
    if (v.isPresent() && !v.get().equals(allowed)) {
      throw KmsError.unsupported("The local KMS supports only " + field + " " + allowed + ".");
    }
  }

  static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw KmsError.serialization("Field " + field + " must be a string.");
    }
    return Optional.of(v.asText());
  }

  private static Optional<byte[]> blob(JsonNode node, String field) {
    Optional<String> b64 = text(node, field);
    if (b64.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Base64.getDecoder().decode(b64.get()));
    } catch (IllegalArgumentException e) {
      throw KmsError.serialization("Field " + field + " is not valid base64.");
    }
  }

  private static Map<String, String> encryptionContext(JsonNode req) {
    JsonNode ec = req.get("EncryptionContext");
    Map<String, String> out = new LinkedHashMap<>();
    if (ec == null || ec.isNull()) {
      return out;
    }
    if (!ec.isObject()) {
      throw KmsError.serialization("EncryptionContext must be an object of strings.");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = ec.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw KmsError.serialization("EncryptionContext values must be strings.");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** KeyMetadata as AWS KMS describes a symmetric customer managed key. */
  static ObjectNode metadata(KmsKey key) {
    ObjectNode m = JSON.createObjectNode();
    m.put("AWSAccountId", LocalKeyStore.ACCOUNT);
    m.put("KeyId", key.id());
    m.put("Arn", key.arn());
    m.put("CreationDate", key.creationDate().getEpochSecond());
    m.put("Enabled", true);
    m.put("Description", key.description());
    m.put("KeyUsage", "ENCRYPT_DECRYPT");
    m.put("KeyState", "Enabled");
    m.put("Origin", "AWS_KMS");
    m.put("KeyManager", "CUSTOMER");
    m.put("CustomerMasterKeySpec", SYMMETRIC_DEFAULT);
    m.put("KeySpec", SYMMETRIC_DEFAULT);
    m.putArray("EncryptionAlgorithms").add(SYMMETRIC_DEFAULT);
    m.put("MultiRegion", false);
    return m;
  }
}
