package io.nitrosign.enclave.kms;

import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.NsmException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST ONLY. Stands in for the NSM because no Nitro hardware exists on the build machine. Its
 * "attestation document" is a fixed placeholder, NOT a COSE_Sign1 document: the ASCII magic
 * {@link #MAGIC} followed by the public key it was asked to vouch for. The KMS protocol peer of
 * the tests reads the recipient key back out of it. Real devices (JNA, simulated) live elsewhere.
 */
public final class TestOnlyNsmDevice implements NsmDevice {

  public static final byte[] MAGIC =
      "TEST-ONLY-PLACEHOLDER-ATTESTATION-DOCUMENT\n".getBytes(StandardCharsets.US_ASCII);

  private final AtomicInteger documents = new AtomicInteger();
  private volatile boolean failing;
  private volatile byte[] lastUserData;

  /** The user_data of the last attestation call (null: absent). */
  public byte[] lastUserData() {
    return lastUserData == null ? null : lastUserData.clone();
  }

  /** Makes every later attestation call fail (or succeed again). */
  public void setFailing(boolean failing) {
    this.failing = failing;
  }

  /** How many documents were produced. */
  public int documents() {
    return documents.get();
  }

  /** The public key inside a placeholder document. */
  public static byte[] publicKeyOf(byte[] document) {
    if (document.length <= MAGIC.length
        || !Arrays.equals(Arrays.copyOf(document, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("not a test-only placeholder document");
    }
    return Arrays.copyOfRange(document, MAGIC.length, document.length);
  }

  @Override
  public byte[] attestation(byte[] userData, byte[] nonce, byte[] publicKey) throws NsmException {
    if (failing) {
      throw new NsmException(NsmException.Code.INTERNAL_ERROR, "test device set to fail");
    }
    if (publicKey == null || publicKey.length > MAX_FIELD_BYTES) {
      throw new NsmException(NsmException.Code.INVALID_ARGUMENT, "public key required");
    }
    documents.incrementAndGet();
    lastUserData = userData == null ? null : userData.clone();
    byte[] doc = Arrays.copyOf(MAGIC, MAGIC.length + publicKey.length);
    System.arraycopy(publicKey, 0, doc, MAGIC.length, publicKey.length);
    return doc;
  }

  @Override
  public byte[] getRandom() throws NsmException {
    throw new NsmException(NsmException.Code.INVALID_OPERATION, "not in the test device");
  }

  @Override
  public Pcr describePcr(int index) throws NsmException {
    throw new NsmException(NsmException.Code.INVALID_OPERATION, "not in the test device");
  }

  @Override
  public Description describeNsm() throws NsmException {
    throw new NsmException(NsmException.Code.INVALID_OPERATION, "not in the test device");
  }

  @Override
  public String kind() {
    return "test-only";
  }

  @Override
  public void close() {}
}
