package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.solana.Base58;
import io.nitrosign.chains.solana.SolanaAddress;
import io.nitrosign.chains.solana.SolanaInstruction;
import io.nitrosign.chains.solana.SolanaMessage;
import io.nitrosign.chains.solana.SolanaTransaction;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.SolanaTransactionPayload;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Solana {@code signTransaction} (Privy's shape): {@code params: {transaction: "<base64 serialized
 * transaction>", encoding: "base64"}} → {@code data: {signed_transaction: "<base64>", encoding:
 * "base64"}}, the same transaction with the wallet's signature in its slot.
 *
 * <p>The transaction (legacy or v0) is decoded with {@link SolanaTransaction#decode} and its
 * instructions with {@link SolanaInstruction#decodeAll}; the wallet must be one of the message's
 * required signers. Only the message (without signatures) goes to the enclave, which decodes it
 * again and signs it; the parent checks the signature over those exact bytes before it puts it in
 * the wallet's slot. Other signers' slots are returned as they came.
 */
final class SolanaSignTransaction implements RpcMethod {

  @Override
  public String name() {
    return "signTransaction";
  }

  @Override
  public Set<ChainType> chainTypes() {
    return Set.of(ChainType.SOLANA);
  }

  @Override
  public Prepared prepare(ObjectNode params, Wallet wallet) {
    JsonBodies.onlyFields(params, "params.", Set.of("transaction", "encoding"));
    Params.encoding(params, "base64");
    byte[] bytes = Params.base64(params, "transaction", SolanaMessage.MAX_SIZE);
    SolanaTransaction tx = SolanaTransaction.decode(bytes);
    List<SolanaInstruction> instructions = SolanaInstruction.decodeAll(tx.message());
    SolanaAddress me = SolanaAddress.of(wallet.publicKey(), "publicKey");
    int slot = tx.message().requiredSigners().indexOf(me);
    if (slot < 0) {
      throw new ChainFormatException("transaction.message.accountKeys",
          "the wallet " + me + " is not one of the message's required signers");
    }
    byte[] message = tx.messageBytes();
    SolanaTransactionPayload decoded = SolanaTransactionPayload.of(tx.message(), instructions, slot);
    return new Prepared() {
      @Override
      public void payload(SignRequest.Builder request) {
        request.setSolanaTransaction(io.nitrosign.proto.v1.SolanaTransaction.newBuilder()
            .setMessage(ByteString.copyFrom(message)));
      }

      @Override
      public SolanaTransactionPayload decoded() {
        return decoded;
      }

      @Override
      public Map<String, Object> result(SignResponse response) {
        byte[] signature = SignatureChecks.ed25519(wallet, message, null, response);
        byte[] signed = tx.withSignature(me, signature).serialize();
        decoded.signed().put("signature", Base58.encode(signature));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("signed_transaction", Base64.getEncoder().encodeToString(signed));
        data.put("encoding", "base64");
        return data;
      }
    };
  }
}
