package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.solana.SolanaSignMessage;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.MessagePayload;
import java.util.Set;

/**
 * Solana {@code signMessage} (Privy's shape): {@code params: {message: "<base64>", encoding:
 * "base64"}} → {@code data: {signature: "<base64, 64 bytes>", encoding: "base64"}}: Ed25519 over
 * the message bytes as they are (what wallet-adapter, Phantom and Privy do). Bytes that are a
 * Solana transaction or transaction message are refused ({@link SolanaSignMessage#bytesToSign}):
 * transactions go through {@code signTransaction}, where policy sees them decoded.
 */
final class SolanaSignMessageMethod implements RpcMethod {

  @Override
  public String name() {
    return "signMessage";
  }

  @Override
  public Set<ChainType> chainTypes() {
    return Set.of(ChainType.SOLANA);
  }

  @Override
  public Prepared prepare(ObjectNode params, Wallet wallet) {
    JsonBodies.onlyFields(params, "params.", Set.of("message", "encoding"));
    Params.encoding(params, "base64");
    byte[] message = SolanaSignMessage.bytesToSign(
        Params.base64(params, "message", SolanaSignMessage.MAX_LENGTH));
    return new RawSign.BytesPrepared(wallet, message, "base64", MessagePayload.of(message),
        b -> b.setSolanaMessage(io.nitrosign.proto.v1.SolanaMessage.newBuilder()
            .setMessage(ByteString.copyFrom(message))));
  }
}
