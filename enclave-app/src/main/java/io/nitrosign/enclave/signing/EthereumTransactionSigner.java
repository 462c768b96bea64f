package io.nitrosign.enclave.signing;

import io.nitrosign.chains.ethereum.EthTransaction;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EthereumTransaction;
import io.nitrosign.proto.v1.SignRequest;

/**
 * eth_signTransaction: decodes the unsigned transaction (legacy, EIP-2930, EIP-1559, EIP-4844,
 * EIP-7702) with {@link EthTransaction#decodeUnsigned}, checks the expected chain id when one is
 * given, and signs {@code keccak256(unsigned)}. Pre-EIP-155 legacy transactions are refused unless
 * the request allows them.
 */
final class EthereumTransactionSigner implements PayloadSigner {

  @Override
  public Curve curve() {
    return Curve.SECP256K1;
  }

  @Override
  public Prepared prepare(SignRequest request) {
    EthereumTransaction payload = request.getEthereumTransaction();
    EthTransaction tx = EthTransaction.decodeUnsigned(
        payload.getUnsignedTransaction().toByteArray(), payload.getAllowPreEip155());
    if (payload.getExpectedChainId() != 0) {
      tx.requireChainId(payload.getExpectedChainId());
    }
    byte[] digest = tx.signingHash();
    return key -> DigestSignatures.sign(key, digest);
  }
}
