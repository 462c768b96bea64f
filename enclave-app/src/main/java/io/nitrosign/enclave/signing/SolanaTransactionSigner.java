package io.nitrosign.enclave.signing;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.solana.SolanaAddress;
import io.nitrosign.chains.solana.SolanaInstruction;
import io.nitrosign.chains.solana.SolanaMessage;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;

/**
 * Solana {@code signTransaction}: a serialized message (legacy or v0), decoded and sanitized with
 * {@link SolanaMessage#decode} and its instructions with {@link SolanaInstruction#decodeAll} (the
 * reading the parent showed to policy), signed exactly as serialized with Ed25519. The wallet
 * must be one of the message's required signers: a signature nobody asked for is refused.
 */
final class SolanaTransactionSigner implements PayloadSigner {

  @Override
  public Curve curve() {
    return Curve.ED25519;
  }

  @Override
  public Prepared prepare(SignRequest request) {
    SolanaMessage message = SolanaMessage.decode(request.getSolanaTransaction().getMessage().toByteArray());
    SolanaInstruction.decodeAll(message);
    // The stated public key; withUnsealedKey checks the rebuilt key against it before sign().
    requireSigner(message, request.getKey().getPublicKey().toByteArray());
    byte[] bytes = message.serialized();
    return key -> {
      requireSigner(message, key.publicKey());
      return SignResponse.newBuilder()
          .setSignature(ByteString.copyFrom(key.ed25519().sign(bytes))).build();
    };
  }

  private static void requireSigner(SolanaMessage message, byte[] publicKey) {
    SolanaAddress wallet = SolanaAddress.of(publicKey, "publicKey");
    if (!message.requiredSigners().contains(wallet)) {
      throw new ChainFormatException("message.accountKeys",
          "the wallet " + wallet + " is not one of the message's required signers");
    }
  }
}
