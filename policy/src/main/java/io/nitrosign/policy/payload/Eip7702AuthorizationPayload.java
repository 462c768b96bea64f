package io.nitrosign.policy.payload;

import java.math.BigInteger;
import java.util.Map;

/**
 * An EIP-7702 authorization: {@code eth_sign7702Authorization}, or one entry of a type-4
 * transaction's authorization list. {@code contract} is the checksummed delegate address;
 * {@code chainId} 0 means every chain.
 */
public record Eip7702AuthorizationPayload(String contract, BigInteger chainId, BigInteger nonce,
    Map<String, Object> signed) implements Payload {

  @Override
  public Map<String, Object> audit() {
    throw new UnsupportedOperationException("not yet");
  }
}
