package io.nitrosign.enclave.nsm;

/**
 * The {@link NsmDevice} operations over one primitive, "send these CBOR request bytes, get the
 * CBOR response bytes": the shape of the real {@code /dev/nsm} ioctl. Both devices extend this, so
 * the simulated NSM is driven through exactly the same encoding as the hardware.
 */
abstract class CborNsmDevice implements NsmDevice {

  /** Sends one CBOR request and returns the CBOR response. */
  abstract byte[] exchange(byte[] request) throws NsmException;

  @Override
  public byte[] attestation(byte[] userData, byte[] nonce, byte[] publicKey) throws NsmException {
    checkField(userData);
    checkField(nonce);
    checkField(publicKey);
    return NsmCodec.decodeAttestation(
        exchange(NsmCodec.encodeAttestationRequest(userData, nonce, publicKey)));
  }

  @Override
  public byte[] getRandom() throws NsmException {
    byte[] response = exchange(NsmCodec.encodeGetRandomRequest());
    try {
      byte[] random = NsmCodec.decodeGetRandom(response);
      if (random.length == 0) {
        throw NsmCodec.error(NsmException.Code.MALFORMED_RESPONSE);
      }
      return random;
    } finally {
      java.util.Arrays.fill(response, (byte) 0);
    }
  }

  @Override
  public Pcr describePcr(int index) throws NsmException {
    if (index < 0 || index > 0xFFFF) {
      throw NsmCodec.error(NsmException.Code.INVALID_INDEX);
    }
    return NsmCodec.decodeDescribePcr(exchange(NsmCodec.encodeDescribePcrRequest(index)));
  }

  @Override
  public Description describeNsm() throws NsmException {
    return NsmCodec.decodeDescribeNsm(exchange(NsmCodec.encodeDescribeNsmRequest()));
  }

  private static void checkField(byte[] field) throws NsmException {
    if (field != null && field.length > MAX_FIELD_BYTES) {
      throw NsmCodec.error(NsmException.Code.INPUT_TOO_LARGE);
    }
  }
}
