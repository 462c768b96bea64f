package io.nitrosign.policy.payload;

import io.nitrosign.chains.ethereum.Eip7702Authorization;
import io.nitrosign.chains.ethereum.EthTransaction;
import java.math.BigInteger;
import java.util.ArrayList;
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

  /** How many of a type-4 transaction's authorizations the audit row lists (all are counted). */
  public static final int MAX_AUDITED_AUTHORIZATIONS = 16;

  /**
   * The view of a decoded transaction; {@code format} is how the request gave it ({@code json} or
   * {@code rlp}).
   */
  public static EthTransactionPayload of(EthTransaction tx, String format) {
    List<Eip7702AuthorizationPayload> auths = new ArrayList<>();
    if (tx.type() == EthTransaction.SET_CODE) {
      for (Eip7702Authorization a : tx.authorizationList()) {
        auths.add(Eip7702AuthorizationPayload.of(a));
      }
    }
    return new EthTransactionPayload(format, tx.type(),
        tx.chainId() == null ? null : BigInteger.valueOf(tx.chainId()), tx.nonce(),
        tx.toAddress(), tx.value(), tx.gasLimit(), tx.gasPrice(), tx.maxFeePerGas(),
        tx.maxPriorityFeePerGas(), tx.maxFeePerBlobGas(),
        tx.type() == EthTransaction.BLOB ? tx.blobVersionedHashes().size() : 0, tx.maxFeeWei(),
        tx.data(), tx.type() == EthTransaction.LEGACY ? 0 : tx.accessList().size(),
        List.copyOf(auths), AuditValues.map());
  }

  /**
   * {@code format, type, chain_id} (a number; {@code pre_eip155: true} when absent),
   * {@code nonce, to} ({@code contract_creation: true} when null), {@code value, gas_limit},
   * {@code gas_price} or {@code max_fee_per_gas, max_priority_fee_per_gas}, for blob transactions
   * {@code max_fee_per_blob_gas, blob_count}, {@code max_fee_wei, data_length, selector} (the
   * first four bytes of the calldata, when it has them), {@code access_list_entries} (typed
   * transactions), for type 4 {@code authorization_count} and the first
   * {@value #MAX_AUDITED_AUTHORIZATIONS} {@code authorizations}; then {@code signed}. Quantities
   * are decimal strings.
   */
  @Override
  public Map<String, Object> audit() {
    Map<String, Object> d = AuditValues.map();
    d.put("format", format);
    d.put("type", type);
    d.put("chain_id", chainId == null ? null : chainId.longValue());
    if (chainId == null) {
      d.put("pre_eip155", true);
    }
    d.put("nonce", nonce.toString());
    d.put("to", to);
    if (to == null) {
      d.put("contract_creation", true);
    }
    d.put("value", value.toString());
    d.put("gas_limit", gasLimit.toString());
    if (gasPrice != null) {
      d.put("gas_price", gasPrice.toString());
    } else {
      d.put("max_fee_per_gas", string(maxFeePerGas));
      d.put("max_priority_fee_per_gas", string(maxPriorityFeePerGas));
    }
    if (type == EthTransaction.BLOB) {
      d.put("max_fee_per_blob_gas", string(maxFeePerBlobGas));
      d.put("blob_count", blobCount);
    }
    d.put("max_fee_wei", string(maxFeeWei));
    d.put("data_length", data.length);
    if (data.length >= 4) {
      d.put("selector", AuditValues.hex(java.util.Arrays.copyOf(data, 4)));
    }
    if (type != EthTransaction.LEGACY) {
      d.put("access_list_entries", accessListEntries);
    }
    if (type == EthTransaction.SET_CODE) {
      d.put("authorization_count", authorizations.size());
      List<Map<String, Object>> listed = new ArrayList<>();
      for (Eip7702AuthorizationPayload a : authorizations.subList(0,
          Math.min(authorizations.size(), MAX_AUDITED_AUTHORIZATIONS))) {
        Map<String, Object> m = AuditValues.map();
        m.put("chain_id", a.chainId().toString());
        m.put("address", a.contract());
        m.put("nonce", a.nonce().toString());
        listed.add(m);
      }
      d.put("authorizations", listed);
    }
    AuditValues.putRest(d, signed);
    return d;
  }

  private static String string(BigInteger v) {
    return v == null ? null : v.toString();
  }
}
