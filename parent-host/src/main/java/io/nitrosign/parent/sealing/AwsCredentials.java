package io.nitrosign.parent.sealing;

import java.time.Instant;

/**
 * Temporary AWS credentials for the enclave's KMS calls. They authorize the calls; the KMS key
 * policy still requires the enclave's attestation, so they unlock nothing by themselves.
 */
public record AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken,
    Instant expiration) {

  @Override
  public String toString() {
    return "AwsCredentials[" + accessKeyId + ", secret <redacted>, expires " + expiration + "]";
  }
}
