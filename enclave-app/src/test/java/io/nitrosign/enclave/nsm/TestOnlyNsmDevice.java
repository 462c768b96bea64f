package io.nitrosign.enclave.nsm;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * TEST ONLY. A stand-in for the NSM in unit tests: its "attestation document" is a fixed
 * placeholder, not a COSE_Sign1 and signed by nobody. It records the arguments of the last
 * attestation call so tests can check what the enclave asked to be attested. Never use outside
 * {@code src/test}; the simulated device for local mode is {@code SimulatedNsmDevice}.
 */
public final class TestOnlyNsmDevice implements NsmDevice {

  public static final byte[] PLACEHOLDER_DOCUMENT =
      "TEST-ONLY placeholder attestation document".getBytes(StandardCharsets.US_ASCII);

  private final boolean failing;
  private volatile byte[] lastUserData;
  private volatile byte[] lastNonce;
  private volatile byte[] lastPublicKey;
  private volatile int attestations;

  private TestOnlyNsmDevice(boolean failing) {
    this.failing = failing;
  }

  /** A device whose attestation calls succeed with {@link #PLACEHOLDER_DOCUMENT}. */
  public static TestOnlyNsmDevice working() {
    return new TestOnlyNsmDevice(false);
  }

  /** A device whose every call fails with INTERNAL_ERROR. */
  public static TestOnlyNsmDevice failing() {
    return new TestOnlyNsmDevice(true);
  }

  @Override
  public synchronized byte[] attestation(byte[] userData, byte[] nonce, byte[] publicKey)
      throws NsmException {
    if (failing) {
      throw new NsmException(NsmException.Code.INTERNAL_ERROR, "test device fails");
    }
    lastUserData = userData == null ? null : userData.clone();
    lastNonce = nonce == null ? null : nonce.clone();
    lastPublicKey = publicKey == null ? null : publicKey.clone();
    attestations++;
    return PLACEHOLDER_DOCUMENT.clone();
  }

  @Override
  public byte[] getRandom() throws NsmException {
    throw new NsmException(NsmException.Code.INVALID_OPERATION, "not available in tests");
  }

  @Override
  public Pcr describePcr(int index) throws NsmException {
    throw new NsmException(NsmException.Code.INVALID_OPERATION, "not available in tests");
  }

  @Override
  public Description describeNsm() {
    return new Description(1, 0, 0, "test-only", 32, List.of(), "SHA384");
  }

  @Override
  public String kind() {
    return "test-only";
  }

  @Override
  public void close() {}

  public byte[] lastUserData() {
    return lastUserData;
  }

  public byte[] lastNonce() {
    return lastNonce;
  }

  public byte[] lastPublicKey() {
    return lastPublicKey;
  }

  public int attestations() {
    return attestations;
  }
}
