package io.nitrosign.enclave.signing;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.SignRequest;

/**
 * secp256k1_sign: a caller-computed 32-byte digest, signed as is. Raw signing: the parent allows
 * it only for apps that enabled it and audits it as such.
 */
final class DigestSigner implements PayloadSigner {

  @Override
  public Curve curve() {
    return Curve.SECP256K1;
  }

  @Override
  public Prepared prepare(SignRequest request) throws EnclaveException {
    if (request.getDigest().size() != 32) {
      throw Payloads.invalid("digest must be 32 bytes");
    }
    byte[] digest = request.getDigest().toByteArray();
    return key -> DigestSignatures.sign(key, digest);
  }
}
