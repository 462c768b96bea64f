package io.nitrosign.devkit.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The local KMS's keys, persisted in {@code STATE_DIR/keys.json} (directory 0700, file 0600,
 * replaced atomically on every change) so a restarted local KMS decrypts the blobs it issued
 * before. The file holds the key material in base64: it is a development key store and must
 * never hold production secrets.
 *
 * <p>One process at a time owns a state directory: {@code LocalKmsMain create-keys} must run while
 * the server is stopped (the server does not re-read the file).
 */
public final class LocalKeyStore {

  public static final String ACCOUNT = "111122223333";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final String region;
  private final Map<UUID, KmsKey> keys = new LinkedHashMap<>();

  private LocalKeyStore(Path file, String region) {
    this.file = file;
    this.region = region;
  }

  /** Opens (or starts) the key store in {@code stateDir}. */
  public static LocalKeyStore open(Path stateDir, String region) throws IOException {
    Files.createDirectories(stateDir);
    try {
      Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    LocalKeyStore store = new LocalKeyStore(stateDir.resolve("keys.json"), region);
    if (Files.exists(store.file)) {
      store.load();
    }
    return store;
  }

  public String region() {
    return region;
  }

  private void load() throws IOException {
    JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    if (root == null || root.path("version").asInt() != 1) {
      throw new IOException(file + " is not a version 1 local KMS key file");
    }
    for (JsonNode k : root.path("keys")) {
      UUID id = UUID.fromString(k.path("KeyId").asText());
      keys.put(id, new KmsKey(id, k.path("Arn").asText(), k.path("Description").asText(),
          KeyPolicy.parse(k.path("Policy").asText()),
          Instant.ofEpochSecond(k.path("CreationDate").asLong()),
          k.hasNonNull("Role") ? k.get("Role").asText() : null,
          Base64.getDecoder().decode(k.path("Material").asText())));
    }
  }

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.put("warning", "local development keys; never use for production data");
    ArrayNode arr = root.putArray("keys");
    for (KmsKey k : keys.values()) {
      ObjectNode n = arr.addObject();
      n.put("KeyId", k.id());
      n.put("Arn", k.arn());
      n.put("Description", k.description());
      n.put("Policy", k.policy().text());
      n.put("CreationDate", k.creationDate().getEpochSecond());
      if (k.role() != null) {
        n.put("Role", k.role());
      }
      n.put("Material", Base64.getEncoder().encodeToString(k.material()));
    }
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root),
          StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Creates a key with fresh random material and persists it. */
  public synchronized KmsKey create(String description, KeyPolicy policy, String role) {
    UUID id = UUID.randomUUID();
    KmsKey key = new KmsKey(id, "arn:aws:kms:" + region + ":" + ACCOUNT + ":key/" + id,
        description, policy, Instant.ofEpochSecond(Instant.now().getEpochSecond()), role,
        Fips.random(32));
    keys.put(id, key);
    save();
    return key;
  }

  /** Replaces a key's policy and persists it. */
  public synchronized KmsKey setPolicy(UUID id, KeyPolicy policy) {
    KmsKey updated = keys.get(id).withPolicy(policy);
    keys.put(id, updated);
    save();
    return updated;
  }

  public synchronized Optional<KmsKey> byId(UUID id) {
    return Optional.ofNullable(keys.get(id));
  }

  /**
   * Resolves a KeyId parameter: a key id or a key ARN (aliases are not supported).
   *
   * @throws KmsError NotFoundException for anything else
   */
  public synchronized KmsKey resolve(String keyId) {
    if (keyId == null || keyId.isEmpty()) {
      throw KmsError.validation("1 validation error detected: Value null at 'keyId' failed to "
          + "satisfy constraint: Member must not be null");
    }
    String id = keyId;
    if (keyId.startsWith("arn:")) {
      for (KmsKey k : keys.values()) {
        if (k.arn().equals(keyId)) {
          return k;
        }
      }
      throw KmsError.notFound("Key '" + keyId + "' does not exist");
    }
    if (keyId.startsWith("alias/")) {
      throw KmsError.notFound("Alias " + keyId + " is not found (the local KMS has no aliases).");
    }
    try {
      UUID uuid = UUID.fromString(id);
      if (uuid.toString().equalsIgnoreCase(id) && keys.containsKey(uuid)) {
        return keys.get(uuid);
      }
    } catch (IllegalArgumentException e) {
      throw KmsError.notFound("Invalid keyId '" + keyId + "'");
    }
    throw KmsError.notFound("Key 'arn:aws:kms:" + region + ":" + ACCOUNT + ":key/" + keyId
        + "' does not exist");
  }

  public synchronized List<KmsKey> all() {
    return new ArrayList<>(keys.values());
  }

  /** The key made by {@code create-keys} for a role, if any. */
  public synchronized Optional<KmsKey> byRole(String role) {
    return keys.values().stream().filter(k -> role.equals(k.role())).findFirst();
  }
}
