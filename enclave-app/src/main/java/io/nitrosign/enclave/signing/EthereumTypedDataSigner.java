package io.nitrosign.enclave.signing;

import io.nitrosign.chains.ethereum.TypedDataJson;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.SignRequest;

/**
 * eth_signTypedData_v4: parses the typed-data JSON with the strict, bounded parser of
 * {@code chains} (the parent uses the same one on the same bytes) and signs the EIP-712 digest
 * {@code keccak256(0x19 0x01 || domainSeparator || hashStruct(message))} computed here.
 */
final class EthereumTypedDataSigner implements PayloadSigner {

  @Override
  public Curve curve() {
    return Curve.SECP256K1;
  }

  @Override
  public Prepared prepare(SignRequest request) {
    byte[] digest = TypedDataJson.hash(request.getEthereumTypedData().getJson().toByteArray()).digest();
    return key -> DigestSignatures.sign(key, digest);
  }
}
