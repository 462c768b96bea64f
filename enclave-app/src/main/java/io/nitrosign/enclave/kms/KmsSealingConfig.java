package io.nitrosign.enclave.kms;

import io.nitrosign.proto.v1.ShareKind;
import java.util.Objects;

/**
 * The KMS keys the sealing data keys live under, one per share kind (they may be in different
 * AWS accounts), and how to reach KMS. From the enclave's command line, so part of the measured
 * image: the untrusted parent cannot point the enclave at a key it controls.
 */
public record KmsSealingConfig(String authKeyId, String execKeyId, KmsEndpointConfig endpoint) {

  public KmsSealingConfig {
    requireKeyId(authKeyId);
    requireKeyId(execKeyId);
    Objects.requireNonNull(endpoint, "endpoint");
  }

  /** The configured KMS key id for {@code kind}. */
  public String keyId(ShareKind kind) {
    switch (kind) {
      case AUTH:
        return authKeyId;
      case EXEC:
        return execKeyId;
      default:
        throw new IllegalArgumentException("share kind must be AUTH or EXEC");
    }
  }

  private static void requireKeyId(String id) {
    if (id == null || id.isBlank() || id.length() > 2048) {
      throw new IllegalArgumentException("a KMS key id (1 to 2048 characters) is required");
    }
  }
}
