package io.nitrosign.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.wire.EnclaveAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EnclaveMainTest {

  static final String AUTH = "arn:aws:kms:eu-west-1:444455556666:key/"
      + "1234abcd-12ab-34cd-56ef-1234567890ab";
  static final String EXEC = "arn:aws:kms:eu-west-1:444455556666:key/"
      + "5678abcd-12ab-34cd-56ef-1234567890ab";
  static final String LOCAL_AUTH = "arn:aws:kms:us-east-1:111122223333:key/"
      + "0000a001-0000-4000-8000-000000000001";
  static final String LOCAL_EXEC = "arn:aws:kms:us-east-1:111122223333:key/"
      + "0000e001-0000-4000-8000-000000000002";

  /** The production KMS options with the auth key replaced by {@code authKey}. */
  private static String[] kmsArgs(String authKey) {
    return new String[] {"--kms-auth-key-id", authKey, "--kms-exec-key-id", EXEC, "--kms-region",
        "eu-west-1", "--kms-account-id", "444455556666", "--deployment-id", "prod-eu",
        "--kms-vsock-proxy", "3:8000"};
  }

  @Test
  void defaults() throws Exception {
    EnclaveMain.Options o = EnclaveMain.parse(new String[0]);
    assertEquals(EnclaveAddress.parse("vsock:any:5000"), o.listen());
    assertFalse(o.localMode());
    assertEquals(1 << 20, o.maxFrameBytes());
    assertEquals(EnclaveMain.NsmKind.NITRO, o.nsm());
    assertTrue(o.kms().isEmpty());
    assertEquals(io.nitrosign.wire.WireServer.Limits.defaults(), o.limits());
  }

  @Test
  void resourceLimitsAreEnclaveOptionsWithSafeDefaults() throws Exception {
    io.nitrosign.wire.WireServer.Limits d = EnclaveMain.parse(new String[0]).limits();
    assertEquals(64, d.maxConnections());
    assertEquals(64L << 20, d.maxPendingBytes());
    assertEquals(16L << 20, d.maxPendingBytesPerConnection());
    assertTrue(d.maxPendingBytesPerConnection() >= (1 << 20), "a maximum-size frame fits");
    io.nitrosign.wire.WireServer.Limits o = EnclaveMain.parse(new String[] {
        "--max-connections", "4", "--max-pending-request-bytes", "33554432",
        "--max-pending-request-bytes-per-connection", "8388608"}).limits();
    assertEquals(4, o.maxConnections());
    assertEquals(32L << 20, o.maxPendingBytes());
    assertEquals(8L << 20, o.maxPendingBytesPerConnection());
  }

  @Test
  void localModeWithTheSimulatedNsm() throws Exception {
    EnclaveMain.Options o = EnclaveMain.parse(new String[] {"--listen", "unix:/tmp/x.sock",
        "--local-mode", "--nsm", "simulated", "--simulated-nsm-ca", "/tmp/ca",
        "--max-frame-bytes", "65536", "--kms-auth-key-id", LOCAL_AUTH, "--kms-exec-key-id",
        LOCAL_EXEC, "--kms-region", "us-east-1", "--kms-account-id", "111122223333",
        "--deployment-id", "local", "--kms-endpoint", "http://127.0.0.1:4566"});
    assertEquals(EnclaveAddress.parse("unix:/tmp/x.sock"), o.listen());
    assertTrue(o.localMode());
    assertEquals(EnclaveMain.NsmKind.SIMULATED, o.nsm());
    assertEquals(Path.of("/tmp/ca"), o.simulatedNsmCa());
    assertEquals(65536, o.maxFrameBytes());
    assertTrue(o.kms().isPresent(), "local mode uses the (local) KMS like production");
    assertEquals(EnclaveMain.NsmKind.NITRO, EnclaveMain.parse(new String[] {"--nsm", "nitro"}).nsm());
  }

  @Test
  void kmsOptions() throws Exception {
    EnclaveMain.Options o = EnclaveMain.parse(kmsArgs(AUTH));
    assertTrue(o.kms().isPresent());
    assertEquals(AUTH, o.kms().get().authKeyId());
    assertEquals(EXEC, o.kms().get().execKeyId());
    assertEquals("444455556666", o.kms().get().accountId());
    assertEquals("prod-eu", o.kms().get().deploymentId());
    assertEquals("eu-west-1", o.kms().get().endpoint().region());
    assertEquals(3, o.kms().get().endpoint().vsockProxy().get().cid());
    assertEquals(8000, o.kms().get().endpoint().vsockProxy().get().port());
    assertEquals("kms.eu-west-1.amazonaws.com", o.kms().get().endpoint().kmsHost());
    EnclaveMain.Options local = EnclaveMain.parse(new String[] {"--kms-auth-key-id", LOCAL_AUTH,
        "--kms-exec-key-id", LOCAL_EXEC, "--kms-region", "us-east-1", "--kms-account-id",
        "111122223333", "--deployment-id", "local", "--kms-endpoint", "http://127.0.0.1:4566"});
    assertEquals("127.0.0.1", local.kms().get().endpoint().kmsHost());
    assertTrue(local.kms().get().endpoint().vsockProxy().isEmpty());
  }

  @Test
  void anAliasIsRefusedAsAKmsKey() {
    assertRefused(kmsArgs("alias/nitrosign-auth"), "key ARN");
    assertRefused(kmsArgs("arn:aws:kms:eu-west-1:444455556666:alias/nitrosign-auth"), "key ARN");
  }

  @Test
  void aBareKeyIdIsRefusedAsAKmsKey() {
    assertRefused(kmsArgs("1234abcd-12ab-34cd-56ef-1234567890ab"), "key ARN");
  }

  @Test
  void aKeyArnInAnotherRegionIsRefused() {
    assertRefused(kmsArgs("arn:aws:kms:us-east-1:444455556666:key/"
        + "1234abcd-12ab-34cd-56ef-1234567890ab"), "not in region eu-west-1");
  }

  @Test
  void aKeyArnInAnotherAccountIsRefused() {
    assertRefused(kmsArgs("arn:aws:kms:eu-west-1:999999999999:key/"
        + "1234abcd-12ab-34cd-56ef-1234567890ab"), "not in account 444455556666");
  }

  @Test
  void malformedKeyArnsAreRefused() {
    for (String bad : new String[] {
        "arn:aws:kms:eu-west-1:444455556666:key/not-a-uuid",
        "arn:aws:kms:eu-west-1:44445555666:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:s3:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:eu-west-1:444455556666:key/1234ABCD-12AB-34CD-56EF-1234567890AB",
        "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab/x",
        " " + AUTH}) {
      assertRefused(kmsArgs(bad), "key ARN");
    }
  }

  @Test
  void theSameKeyForAuthAndExecIsRefused() {
    String[] args = kmsArgs(EXEC);
    assertRefused(args, "two different keys");
  }

  @Test
  void aMalformedAccountOrDeploymentIdIsRefused() {
    String[] args = kmsArgs(AUTH);
    args[7] = "4444-5555-6666";
    assertRefused(args, "12 digits");
    args = kmsArgs(AUTH);
    args[9] = "prod eu";
    assertRefused(args, "deployment id");
  }

  private static void assertRefused(String[] args, String reason) {
    EnclaveMain.UsageException e =
        assertThrows(EnclaveMain.UsageException.class, () -> EnclaveMain.parse(args));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void usageErrors() {
    for (String[] args : new String[][] {
        {"--bogus"},
        {"--listen"},
        {"--listen", "http://x"},
        {"--max-frame-bytes", "lots"},
        {"--max-frame-bytes", "10"},
        {"--max-connections", "0"},
        {"--max-connections", "many"},
        {"--max-connections", "3000000000"},
        {"--max-pending-request-bytes", "-1"},
        {"--max-pending-request-bytes-per-connection", "1024"},
        {"--max-pending-request-bytes", "1048576",
            "--max-pending-request-bytes-per-connection", "2097152"},
        {"--local-sealing-key-dir", "/tmp/keys"},
        {"--nsm", "simulated", "--simulated-nsm-ca", "/tmp/ca"},
        {"--local-mode", "--nsm", "simulated"},
        {"--local-mode", "--simulated-nsm-ca", "/tmp/ca"},
        {"--nsm", "tpm"},
        {"--nsm"},
        {"--kms-auth-key-id", "a", "--kms-region", "eu-west-1"},
        {"--kms-auth-key-id", "a", "--kms-exec-key-id", "e"},
        {"--kms-auth-key-id", "a", "--kms-exec-key-id", "e", "--kms-region", "nowhere"},
        {"--kms-auth-key-id", AUTH, "--kms-exec-key-id", EXEC, "--kms-region", "eu-west-1",
            "--kms-account-id", "444455556666", "--deployment-id", "d", "--kms-vsock-proxy", "3"},
        {"--kms-auth-key-id", AUTH, "--kms-exec-key-id", EXEC, "--kms-region", "eu-west-1",
            "--kms-account-id", "444455556666", "--deployment-id", "d", "--kms-endpoint",
            "ftp://x"},
        {"--kms-auth-key-id", AUTH, "--kms-exec-key-id", EXEC, "--kms-region", "eu-west-1",
            "--deployment-id", "d"},
        {"--kms-auth-key-id", AUTH, "--kms-exec-key-id", EXEC, "--kms-region", "eu-west-1",
            "--kms-account-id", "444455556666"}}) {
      EnclaveMain.UsageException e =
          assertThrows(EnclaveMain.UsageException.class, () -> EnclaveMain.parse(args));
      assertFalse(e.getMessage().isEmpty());
    }
  }

  @Test
  void enclaveExceptionCarriesNoCauseOrStack() {
    EnclaveException e = new EnclaveException(ErrorCode.SEAL_INTEGRITY, "fixed");
    assertEquals(0, e.getStackTrace().length);
    assertEquals("fixed", e.detail());
    assertEquals(ErrorCode.SEAL_INTEGRITY, e.code());
  }
}
