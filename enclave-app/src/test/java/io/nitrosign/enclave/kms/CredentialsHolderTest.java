package io.nitrosign.enclave.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.SetCredentialsRequest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

class CredentialsHolderTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final CredentialsHolder holder = new CredentialsHolder(clock);

  static SetCredentialsRequest creds(Instant expiry) {
    return SetCredentialsRequest.newBuilder().setAccessKeyId("ASIAEXAMPLE")
        .setSecretAccessKey("secret/EXAMPLE").setSessionToken("token-EXAMPLE")
        .setExpirationMillis(expiry.toEpochMilli()).build();
  }

  @Test
  void emptyUntilSetThenProvidesSessionCredentials() throws Exception {
    assertTrue(holder.usable().isEmpty());
    assertEquals(0, holder.expiresAtMillis());
    assertThrows(RuntimeException.class, holder::resolveCredentials);
    Instant expiry = clock.instant().plus(Duration.ofHours(1));
    holder.set(creds(expiry));
    AwsSessionCredentials c = (AwsSessionCredentials) holder.resolveCredentials();
    assertEquals("ASIAEXAMPLE", c.accessKeyId());
    assertEquals("token-EXAMPLE", c.sessionToken());
    assertEquals(expiry.toEpochMilli(), holder.expiresAtMillis());
    assertFalse(holder.toString().contains("secret"));
  }

  @Test
  void credentialsWithinSixtySecondsOfExpiryCountAsMissing() throws Exception {
    holder.set(creds(clock.instant().plus(Duration.ofMinutes(5))));
    clock.advance(Duration.ofMinutes(3));
    assertTrue(holder.usable().isPresent());
    clock.advance(Duration.ofSeconds(61));
    assertTrue(holder.usable().isEmpty());
    assertThrows(RuntimeException.class, holder::resolveCredentials);
  }

  @Test
  void refusesInvalidRequests() {
    Instant later = clock.instant().plus(Duration.ofHours(1));
    SetCredentialsRequest[] bad = {
        creds(later).toBuilder().setAccessKeyId("").build(),
        creds(later).toBuilder().setSecretAccessKey(" ").build(),
        creds(later).toBuilder().setSessionToken("x".repeat(4097)).build(),
        creds(later).toBuilder().setExpirationMillis(0).build(),
        creds(clock.instant().minusSeconds(1)),
        creds(clock.instant().plusSeconds(30)),
    };
    for (SetCredentialsRequest r : bad) {
      EnclaveException e = assertThrows(EnclaveException.class, () -> holder.set(r));
      assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    }
    assertTrue(holder.usable().isEmpty());
  }

  @Test
  void longTermKeysWithoutASessionTokenAreBasicCredentials() throws Exception {
    Instant later = clock.instant().plus(Duration.ofHours(1));
    holder.set(creds(later).toBuilder().setSessionToken("").build());
    assertTrue(holder.usable().orElseThrow()
        instanceof software.amazon.awssdk.auth.credentials.AwsBasicCredentials);
    assertEquals(later.toEpochMilli(), holder.expiresAtMillis());
    holder.set(creds(later));
    assertTrue(holder.usable().orElseThrow()
        instanceof software.amazon.awssdk.auth.credentials.AwsSessionCredentials);
  }
}
