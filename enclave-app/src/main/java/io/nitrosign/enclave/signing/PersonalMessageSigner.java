package io.nitrosign.enclave.signing;

import io.nitrosign.chains.ethereum.Eip191;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.SignRequest;

/** personal_sign (EIP-191 version 0x45): the enclave hashes the message with its prefix itself. */
final class PersonalMessageSigner implements PayloadSigner {

  @Override
  public Curve curve() {
    return Curve.SECP256K1;
  }

  @Override
  public Prepared prepare(SignRequest request) {
    byte[] digest = Eip191.personalMessageHash(request.getPersonalMessage().getMessage().toByteArray());
    return key -> DigestSignatures.sign(key, digest);
  }
}
