package io.nitrosign.enclave.signing;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.solana.SolanaSignMessage;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;

/**
 * Solana {@code signMessage}: off-chain message bytes signed as they are (pure Ed25519), after
 * {@link SolanaSignMessage#bytesToSign} has refused empty or oversize messages and bytes that are
 * a Solana transaction or transaction message (which would otherwise yield a transaction
 * signature without passing through {@code signTransaction}'s decoding).
 */
final class SolanaMessageSigner implements PayloadSigner {

  @Override
  public Curve curve() {
    return Curve.ED25519;
  }

  @Override
  public Prepared prepare(SignRequest request) {
    byte[] bytes = SolanaSignMessage.bytesToSign(request.getSolanaMessage().getMessage().toByteArray());
    return key -> SignResponse.newBuilder()
        .setSignature(ByteString.copyFrom(key.ed25519().sign(bytes))).build();
  }
}
