package io.nitrosign.enclave.signing;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;

/**
 * raw_sign for Ed25519 wallets: the given bytes (0 to 65536; Ed25519 signs the empty message too,
 * RFC 8032 TEST 1) signed as they are (pure Ed25519). Raw signing: the parent allows it only for
 * apps that enabled it and audits it as such.
 */
final class RawMessageSigner implements PayloadSigner {

  /** The longest raw message. */
  static final int MAX_BYTES = 65_536;

  @Override
  public Curve curve() {
    return Curve.ED25519;
  }

  @Override
  public Prepared prepare(SignRequest request) throws EnclaveException {
    int size = request.getRawMessage().size();
    if (size > MAX_BYTES) {
      throw Payloads.invalid("raw_message must be at most 65536 bytes");
    }
    byte[] message = request.getRawMessage().toByteArray();
    return key -> SignResponse.newBuilder()
        .setSignature(ByteString.copyFrom(key.ed25519().sign(message))).build();
  }
}
