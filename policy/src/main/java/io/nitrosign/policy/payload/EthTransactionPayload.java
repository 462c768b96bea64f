package io.nitrosign.policy.payload;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * An Ethereum transaction ({@code eth_signTransaction}). Quantities are exact unsigned integers.
 * {@code to} is the checksummed recipient, null for a contract creation; {@code chainId} is null
 * for a pre-EIP-155 legacy transaction; fee fields that the type does not have are null.
 * {@code data} is the calldata (read by {@code ethereum_calldata} conditions); {@code format} is
 * {@code "json"} or {@code "rlp"}, how the request gave it. {@code signed} holds what the parent
 * adds after signing (digest, tx hash) for the audit row; it is empty before.
 */
public record EthTransactionPayload(String format, int type, BigInteger chainId, BigInteger nonce,
    String to, BigInteger value, BigInteger gasLimit, BigInteger gasPrice,
    BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas, BigInteger maxFeePerBlobGas,
    int blobCount, BigInteger maxFeeWei, byte[] data, int accessListEntries,
    List<Eip7702AuthorizationPayload> authorizations, Map<String, Object> signed)
    implements Payload {

  @Override
  public Map<String, Object> audit() {
    throw new UnsupportedOperationException("not yet");
  }
}
