package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.ethereum.EthTransaction;
import io.nitrosign.parent.Hex;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.EthTransactionPayload;
import io.nitrosign.proto.v1.EthereumTransaction;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code eth_signTransaction} (Privy's shape): {@code params: {transaction, allow_pre_eip155}}.
 * {@code transaction} is either a JSON object of transaction fields (Privy's snake_case or
 * JSON-RPC camelCase, see {@link EthTransaction#fromJson}) or a hex string holding the unsigned
 * transaction as it is signed (legacy EIP-155 RLP, or a typed envelope {@code 0x01}..{@code 0x04}
 * followed by its unsigned RLP). Pre-EIP-155 legacy transactions (no chain id: valid on every
 * chain) are refused unless {@code allow_pre_eip155} is {@code true}. With a {@code caip2} in the
 * request ({@code eip155:<id>}) the transaction's chain id must be that one. Response: {@code
 * {signed_transaction: "0x…", encoding: "rlp", hash: "0x…"}}; type 3 (EIP-4844) is signed in its
 * canonical form, without blobs or sidecar.
 */
final class EthSignTransaction implements RpcMethod {

  private static final Set<String> FIELDS = Set.of("transaction", "allow_pre_eip155");

  @Override
  public String name() {
    return "eth_signTransaction";
  }

  @Override
  public Set<ChainType> chainTypes() {
    return Set.of(ChainType.ETHEREUM);
  }

  @Override
  public boolean attestable() {
    return true;
  }

  @Override
  public Prepared prepare(ObjectNode params, Wallet wallet) {
    return prepare(params, wallet, null);
  }

  @Override
  public Prepared prepare(ObjectNode params, Wallet wallet, String caip2) {
    JsonBodies.onlyFields(params, "params.", FIELDS);
    boolean allowPreEip155 = EthParams.optionalBoolean(params, "allow_pre_eip155");
    Long expectedChainId = EthParams.caip2ChainId(caip2);
    JsonNode t = params.get("transaction");
    EthTransaction tx;
    byte[] unsigned;
    String form;
    if (t == null || t.isNull()) {
      throw ApiException.invalidRequest("missing field: params.transaction");
    } else if (t.isTextual()) {
      unsigned = Params.hex(params, "transaction", EthTransaction.MAX_TX_BYTES);
      tx = EthTransaction.decodeUnsigned(unsigned, allowPreEip155);
      form = "rlp";
    } else if (t.isObject()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = (Map<String, Object>) EthParams.toJava(t, "params.transaction");
      tx = EthTransaction.fromJson(fields, allowPreEip155);
      Object from = fields.get("from");
      if (from != null && !from.toString().toLowerCase(Locale.ROOT)
          .equals(wallet.address().toLowerCase(Locale.ROOT))) {
        throw ApiException.invalidRequest("params.transaction.from is not this wallet's address");
      }
      unsigned = tx.signingPayload();
      form = "json";
    } else {
      throw ApiException.invalidRequest(
          "params.transaction must be an object of transaction fields or the unsigned transaction as hex");
    }
    if (expectedChainId != null) {
      tx.requireChainId(expectedChainId);
    }
    byte[] digest = tx.signingHash();
    EthTransactionPayload decoded = EthTransactionPayload.of(tx, form);
    return new Prepared() {
      @Override
      public void payload(SignRequest.Builder request) {
        EthereumTransaction.Builder b = EthereumTransaction.newBuilder()
            .setUnsignedTransaction(ByteString.copyFrom(unsigned))
            .setAllowPreEip155(allowPreEip155);
        if (expectedChainId != null) {
          b.setExpectedChainId(expectedChainId);
        }
        request.setEthereumTransaction(b);
      }

      @Override
      public EthTransactionPayload decoded() {
        return decoded;
      }

      @Override
      public Map<String, Object> result(SignResponse response) {
        SignatureChecks.secp256k1(wallet, digest, response);
        byte[] signed;
        try {
          signed = tx.encodeSigned(new BigInteger(1, response.getR().toByteArray()),
              new BigInteger(1, response.getS().toByteArray()), response.getRecoveryId());
        } catch (ChainFormatException e) {
          throw SignatureChecks.protocol("signature does not fit the transaction");
        }
        String hash = Hex.prefixed(EthTransaction.txHash(signed));
        decoded.signed().put("digest", Hex.prefixed(digest));
        decoded.signed().put("tx_hash", hash);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("signed_transaction", Hex.prefixed(signed));
        data.put("encoding", "rlp");
        data.put("hash", hash);
        return data;
      }
    };
  }
}
