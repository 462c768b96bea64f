package io.nitrosign.enclave.signing;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.stellar.StellarEnvelope;
import io.nitrosign.chains.stellar.StellarSigning;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;

/**
 * Stellar: a {@code TransactionEnvelope} (v0, v1 or fee bump) decoded with
 * {@link StellarEnvelope#decode}; the enclave builds the signature base itself
 * ({@code SHA-256(passphrase) ‖ envelope type ‖ XDR(tx)}) and signs its SHA-256 hash. The network
 * passphrase is required ({@link StellarSigning#requireNetworkPassphrase}) and the wallet must be
 * an account the envelope needs the signature of ({@link StellarSigning#requireWalletSigns}: the
 * fee source of a fee bump; the source of a transaction or of one of its operations). Answers
 * {@code digest} = the transaction hash and {@code signature}.
 */
final class StellarTransactionSigner implements PayloadSigner {

  @Override
  public Curve curve() {
    return Curve.ED25519;
  }

  @Override
  public Prepared prepare(SignRequest request) {
    String passphrase = StellarSigning.requireNetworkPassphrase(
        request.getStellarTransaction().getNetworkPassphrase());
    StellarEnvelope envelope = StellarEnvelope.decode(
        request.getStellarTransaction().getEnvelopeXdr().toByteArray());
    // The stated public key; withUnsealedKey checks the rebuilt key against it before sign().
    StellarSigning.requireWalletSigns(envelope, request.getKey().getPublicKey().toByteArray());
    byte[] hash = envelope.hash(passphrase);
    return key -> {
      StellarSigning.requireWalletSigns(envelope, key.publicKey());
      return SignResponse.newBuilder()
          .setDigest(ByteString.copyFrom(hash))
          .setSignature(ByteString.copyFrom(key.ed25519().sign(hash))).build();
    };
  }
}
