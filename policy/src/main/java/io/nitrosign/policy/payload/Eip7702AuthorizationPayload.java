package io.nitrosign.policy.payload;

import io.nitrosign.chains.ethereum.Eip7702Authorization;
import io.nitrosign.chains.ethereum.EthereumAddress;
import java.math.BigInteger;
import java.util.Map;

/**
 * An EIP-7702 authorization: {@code eth_sign7702Authorization}, or one entry of a type-4
 * transaction's authorization list. {@code contract} is the checksummed delegate address;
 * {@code chainId} 0 means every chain.
 */
public record Eip7702AuthorizationPayload(String contract, BigInteger chainId, BigInteger nonce,
    Map<String, Object> signed) implements Payload {

  /** The view of a decoded authorization (signed or not; its signature is not part of it). */
  public static Eip7702AuthorizationPayload of(Eip7702Authorization a) {
    return new Eip7702AuthorizationPayload(
        EthereumAddress.checksum(AuditValues.hex(a.address())), a.chainId(), a.nonce(),
        AuditValues.map());
  }

  /**
   * {@code contract, chain_id} ({@code all_chains: true} for chain 0), {@code nonce}; then
   * {@code signed}. Quantities are decimal strings.
   */
  @Override
  public Map<String, Object> audit() {
    Map<String, Object> d = AuditValues.map();
    d.put("contract", contract);
    d.put("chain_id", chainId.toString());
    if (chainId.signum() == 0) {
      d.put("all_chains", true);
    }
    d.put("nonce", nonce.toString());
    AuditValues.putRest(d, signed);
    return d;
  }
}
