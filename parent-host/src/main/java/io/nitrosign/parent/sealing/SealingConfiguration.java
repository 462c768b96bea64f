package io.nitrosign.parent.sealing;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;

/**
 * YAML {@code sealing:}: how the parent brings a KMS-mode enclave from SEALED to READY.
 *
 * <pre>
 * sealing:
 *   credentials: instance-role     # none | static | instance-role
 *   imdsEndpoint: http://169.254.169.254
 *   accessKeyId: ...               # static only (local mode: the local KMS's key)
 *   secretAccessKey: ...           # static only
 *   checkInterval: 2s
 *   credentialsRefreshMargin: 10m
 * </pre>
 */
public class SealingConfiguration {

  @NotNull
  @Pattern(regexp = "none|static|instance-role")
  private String credentials = "none";
  @NotNull
  private URI imdsEndpoint = URI.create("http://169.254.169.254");
  private String accessKeyId;
  private String secretAccessKey;
  @NotNull
  private Duration checkInterval = Duration.seconds(2);
  @NotNull
  private Duration credentialsRefreshMargin = Duration.minutes(10);

  @JsonProperty
  public String getCredentials() {
    return credentials;
  }

  @JsonProperty
  public void setCredentials(String credentials) {
    this.credentials = credentials;
  }

  @JsonProperty
  public URI getImdsEndpoint() {
    return imdsEndpoint;
  }

  @JsonProperty
  public void setImdsEndpoint(URI imdsEndpoint) {
    this.imdsEndpoint = imdsEndpoint;
  }

  @JsonProperty
  public String getAccessKeyId() {
    return accessKeyId;
  }

  @JsonProperty
  public void setAccessKeyId(String accessKeyId) {
    this.accessKeyId = accessKeyId;
  }

  @JsonProperty
  public String getSecretAccessKey() {
    return secretAccessKey;
  }

  @JsonProperty
  public void setSecretAccessKey(String secretAccessKey) {
    this.secretAccessKey = secretAccessKey;
  }

  @JsonProperty
  public Duration getCheckInterval() {
    return checkInterval;
  }

  @JsonProperty
  public void setCheckInterval(Duration checkInterval) {
    this.checkInterval = checkInterval;
  }

  @JsonProperty
  public Duration getCredentialsRefreshMargin() {
    return credentialsRefreshMargin;
  }

  @JsonProperty
  public void setCredentialsRefreshMargin(Duration credentialsRefreshMargin) {
    this.credentialsRefreshMargin = credentialsRefreshMargin;
  }

  /** The configured source, or null for {@code none}. */
  public AwsCredentialsSource source(java.time.Clock clock) {
    return switch (credentials) {
      case "static" -> {
        if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null
            || secretAccessKey.isBlank()) {
          throw new IllegalArgumentException(
              "sealing.credentials: static needs accessKeyId and secretAccessKey");
        }
        yield AwsCredentialsSource.fixed(accessKeyId, secretAccessKey, clock);
      }
      case "instance-role" -> new ImdsV2CredentialsSource(imdsEndpoint);
      default -> null;
    };
  }
}
