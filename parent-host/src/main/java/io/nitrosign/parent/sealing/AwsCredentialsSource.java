package io.nitrosign.parent.sealing;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/** Where the parent gets the AWS credentials it hands to the enclave. */
public interface AwsCredentialsSource {

  AwsCredentials fetch() throws IOException;

  /** Fixed credentials from the configuration (local mode: the local KMS's key pair). */
  static AwsCredentialsSource fixed(String accessKeyId, String secretAccessKey, Clock clock) {
    return () -> new AwsCredentials(accessKeyId, secretAccessKey, "",
        clock.instant().plus(Duration.ofHours(1)));
  }
}
