package io.nitrosign.enclave.kms;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.SetCredentialsRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The temporary AWS credentials the parent sends ({@code SetCredentials}), handed to the AWS SDK
 * as its credentials provider. Thread-safe: a new set replaces the old one atomically.
 *
 * <p>Credentials that expire within {@link #MIN_REMAINING} count as missing, so a KMS call never
 * starts with credentials that could expire while it runs. The credentials authorize KMS calls
 * only; they unlock nothing by themselves (the key policy requires the enclave's attestation).
 */
public final class CredentialsHolder implements AwsCredentialsProvider {

  /** Credentials closer than this to their expiry are treated as missing. */
  public static final Duration MIN_REMAINING = Duration.ofSeconds(60);

  private static final int MAX_FIELD_CHARS = 4096;

  private final Clock clock;
  /** The credentials and when they expire (basic credentials carry no expiry of their own). */
  private record Held(AwsCredentials credentials, Instant expiration) {}

  private volatile Held current;

  public CredentialsHolder(Clock clock) {
    this.clock = clock;
  }

  /**
   * Replaces the held credentials.
   *
   * @throws EnclaveException INVALID_REQUEST if a field is empty or too long, or the credentials
   *     are already expired (or expire within {@link #MIN_REMAINING})
   */
  public void set(SetCredentialsRequest request) throws EnclaveException {
    // The session token is empty for long-term keys (an IAM user, the devkit's local KMS) and
    // present for role credentials (the instance role via IMDSv2).
    if (!validField(request.getAccessKeyId()) || !validField(request.getSecretAccessKey())
        || request.getSessionToken().length() > MAX_FIELD_CHARS) {
      throw new EnclaveException(ErrorCode.INVALID_REQUEST, "credentials fields are required");
    }
    if (request.getExpirationMillis() <= 0) {
      throw new EnclaveException(ErrorCode.INVALID_REQUEST, "credentials expiration is required");
    }
    Instant expiration = Instant.ofEpochMilli(request.getExpirationMillis());
    if (!usableAt(expiration)) {
      throw new EnclaveException(ErrorCode.INVALID_REQUEST, "credentials expire too soon");
    }
    AwsCredentials credentials = request.getSessionToken().isBlank()
        ? AwsBasicCredentials.builder()
            .accessKeyId(request.getAccessKeyId())
            .secretAccessKey(request.getSecretAccessKey())
            .providerName("nitrosign-parent")
            .build()
        : AwsSessionCredentials.builder()
            .accessKeyId(request.getAccessKeyId())
            .secretAccessKey(request.getSecretAccessKey())
            .sessionToken(request.getSessionToken())
            .expirationTime(expiration)
            .providerName("nitrosign-parent")
            .build();
    current = new Held(credentials, expiration);
  }

  /** The usable credentials, or empty when none are held or they (nearly) expired. */
  public Optional<AwsCredentials> usable() {
    Held c = current;
    if (c == null || !usableAt(c.expiration())) {
      return Optional.empty();
    }
    return Optional.of(c.credentials());
  }

  /** Expiry of the held credentials in epoch millis, 0 when none are held (for Health). */
  public long expiresAtMillis() {
    Held c = current;
    return c == null ? 0 : c.expiration().toEpochMilli();
  }

  /** For the AWS SDK. */
  @Override
  public AwsCredentials resolveCredentials() {
    return usable().orElseThrow(CredentialsMissingException::new);
  }

  private boolean usableAt(Instant expiration) {
    return expiration.isAfter(clock.instant().plus(MIN_REMAINING));
  }

  private static boolean validField(String s) {
    return !s.isBlank() && s.length() <= MAX_FIELD_CHARS;
  }

  @Override
  public String toString() {
    return "CredentialsHolder[expiresAtMillis=" + expiresAtMillis() + "]";
  }

  /** Raised to the SDK when no usable credentials are held; maps to CREDENTIALS_MISSING. */
  static final class CredentialsMissingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CredentialsMissingException() {
      super("no usable AWS credentials", null, false, false);
    }
  }
}
