package io.nitrosign.enclave.kms;

import io.nitrosign.proto.v1.ShareKind;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The KMS keys the sealing data keys live under, one per share kind, and how to reach KMS. From
 * the enclave's command line, so part of the measured image: the untrusted parent cannot point
 * the enclave at a key it controls.
 *
 * <p>Both key ids must be full key ARNs, {@code arn:aws:kms:<region>:<account>:key/<uuid>}, in
 * the configured region and account. Aliases and bare key ids are refused: KMS resolves them in
 * whatever account the calling credentials belong to, and those credentials come from the
 * untrusted parent, so {@code alias/nitrosign-auth} could name a key the parent's own account
 * controls.
 *
 * <p>Every GenerateDataKey and Decrypt carries the encryption context of
 * {@link #encryptionContext}: {@code {"deployment": <deploymentId>, "kind": "auth"|"exec",
 * "version": "<n>"}}. KMS binds it into the ciphertext blob as additional authenticated data, so a
 * blob decrypts only for the deployment, share kind and version it was generated for.
 *
 * @param authKeyId ARN of the KMS key of the auth-share data keys
 * @param execKeyId ARN of the KMS key of the exec-share data keys
 * @param accountId the AWS account (12 digits) both keys must be in
 * @param deploymentId this deployment's name in the encryption context (1 to 64 of
 *     {@code [A-Za-z0-9._-]})
 * @param endpoint where KMS is
 */
public record KmsSealingConfig(String authKeyId, String execKeyId, String accountId,
    String deploymentId, KmsEndpointConfig endpoint) {

  /** A KMS key ARN: partition, region, account, and a key id that is a (lower-case) UUID. */
  private static final Pattern KEY_ARN = Pattern.compile(
      "arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\\d{12}):key/"
          + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern DEPLOYMENT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public KmsSealingConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
      throw new IllegalArgumentException("the KMS account id must be 12 digits");
    }
    if (deploymentId == null || !DEPLOYMENT.matcher(deploymentId).matches()) {
      throw new IllegalArgumentException(
          "the deployment id must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    requireKeyArn("auth", authKeyId, endpoint.region(), accountId);
    requireKeyArn("exec", execKeyId, endpoint.region(), accountId);
    if (authKeyId.equals(execKeyId)) {
      throw new IllegalArgumentException("the auth and exec keys must be two different keys");
    }
  }

  /** The configured KMS key ARN for {@code kind}. */
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

  /**
   * The encryption context of the data key of {@code kind} and sealing-key {@code version}, the
   * same at GenerateDataKey and at every later Decrypt.
   */
  public Map<String, String> encryptionContext(ShareKind kind, int version) {
    String k = switch (kind) {
      case AUTH -> "auth";
      case EXEC -> "exec";
      default -> throw new IllegalArgumentException("share kind must be AUTH or EXEC");
    };
    if (version <= 0) {
      throw new IllegalArgumentException("version must be positive");
    }
    return Map.of("deployment", deploymentId, "kind", k, "version", Integer.toString(version));
  }

  private static void requireKeyArn(String kind, String arn, String region, String account) {
    if (arn == null) {
      throw new IllegalArgumentException("the " + kind + " KMS key is required");
    }
    Matcher m = KEY_ARN.matcher(arn);
    if (!m.matches()) {
      throw new IllegalArgumentException("the " + kind + " KMS key must be a key ARN"
          + " arn:aws:kms:<region>:<account>:key/<uuid> (no aliases, no bare key ids)");
    }
    if (!m.group(2).equals(region)) {
      throw new IllegalArgumentException("the " + kind + " KMS key is not in region " + region);
    }
    if (!m.group(3).equals(account)) {
      throw new IllegalArgumentException("the " + kind + " KMS key is not in account " + account);
    }
  }
}
