package io.nitrosign.enclave.signing;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.ethereum.Eip7702Authorization;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EthereumAuthorization;
import io.nitrosign.proto.v1.SignRequest;
import java.math.BigInteger;

/**
 * eth_sign7702Authorization: signs {@code keccak256(0x05 || rlp([chain_id, address, nonce]))} of
 * an EIP-7702 authorization. chain_id (at most 32 bytes) and nonce (at most 8 bytes, below
 * 2^64-1) are minimal big-endian integers; the address is 20 bytes.
 */
final class EthereumAuthorizationSigner implements PayloadSigner {

  @Override
  public Curve curve() {
    return Curve.SECP256K1;
  }

  @Override
  public Prepared prepare(SignRequest request) {
    EthereumAuthorization a = request.getEthereumAuthorization();
    Eip7702Authorization authorization = Eip7702Authorization.unsigned(
        minimal(a.getChainId(), "authorization.chainId", 32),
        a.getAddress().toByteArray(),
        minimal(a.getNonce(), "authorization.nonce", 8));
    byte[] digest = authorization.signingHash();
    return key -> DigestSignatures.sign(key, digest);
  }

  /** A minimal big-endian unsigned integer of at most {@code maxBytes} bytes (empty = 0). */
  static BigInteger minimal(ByteString bytes, String field, int maxBytes) {
    if (bytes.size() > maxBytes) {
      throw new ChainFormatException(field, "longer than " + maxBytes + " bytes");
    }
    if (!bytes.isEmpty() && bytes.byteAt(0) == 0) {
      throw new ChainFormatException(field, "leading zero (not minimal)");
    }
    return new BigInteger(1, bytes.toByteArray());
  }
}
