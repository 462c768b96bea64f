package io.nitrosign.devkit.kms;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One symmetric KMS key: its identity, policy and 32 bytes of AES-256 key material. {@link
 * #toString()} never prints the material.
 *
 * @param role an optional label for keys made by {@code LocalKmsMain create-keys} ("auth",
 *     "exec"); null for keys made with CreateKey
 */
public record KmsKey(UUID keyId, String arn, String description, KeyPolicy policy,
    Instant creationDate, String role, byte[] material) {

  public KmsKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(creationDate, "creationDate");
    if (material == null || material.length != 32) {
      throw new IllegalArgumentException("key material must be 32 bytes");
    }
    description = description == null ? "" : description;
  }

  public String id() {
    return keyId.toString();
  }

  KmsKey withPolicy(KeyPolicy newPolicy) {
    return new KmsKey(keyId, arn, description, newPolicy, creationDate, role, material);
  }

  @Override
  public String toString() {
    return "KmsKey[" + arn + (role == null ? "" : ", role " + role) + "]";
  }
}
