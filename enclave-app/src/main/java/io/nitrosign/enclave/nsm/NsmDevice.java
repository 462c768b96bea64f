package io.nitrosign.enclave.nsm;

/**
 * The Nitro Security Module as the enclave uses it. Implementations: {@code JnaNsmDevice} (the
 * real {@code /dev/nsm} ioctl) and {@code SimulatedNsmDevice} (local mode only; documents signed
 * by the devkit's own root CA, which verifiers trust only when told to).
 *
 * <p>Requests and responses follow the NSM API's CBOR encoding. Every failure is an
 * {@link NsmException} with a typed {@link NsmException.Code}.
 */
public interface NsmDevice extends AutoCloseable {

  /**
   * A fresh attestation document (COSE_Sign1, as the NSM returns it). Each argument may be null
   * (absent); each is at most {@link #MAX_FIELD_BYTES}.
   *
   * @param userData bytes the caller wants bound into the document
   * @param nonce the verifier's nonce
   * @param publicKey a public key (DER or SEC1) the document vouches for, e.g. the enclave's
   *     per-boot RSA key for KMS Recipient, or its HPKE key
   */
  byte[] attestation(byte[] userData, byte[] nonce, byte[] publicKey) throws NsmException;

  /** Random bytes from the NSM's hardware source (the NSM returns up to 256 per call). */
  byte[] getRandom() throws NsmException;

  /** One PCR's value and whether it is locked. */
  Pcr describePcr(int index) throws NsmException;

  /** The module's description. */
  Description describeNsm() throws NsmException;

  /** "nitro" for the real device, "simulated" for local mode. */
  String kind();

  @Override
  void close();

  /** The NSM limit on user_data, nonce and public_key. */
  int MAX_FIELD_BYTES = 1024;

  record Pcr(boolean locked, byte[] data) {}

  record Description(int versionMajor, int versionMinor, int versionPatch, String moduleId,
      int maxPcrs, java.util.List<Integer> lockedPcrs, String digest) {}
}
