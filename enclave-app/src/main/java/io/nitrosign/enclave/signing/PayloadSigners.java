package io.nitrosign.enclave.signing;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.crypto.Bip340Signer;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.SignRequest;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;

/**
 * Which {@link PayloadSigner} handles which {@link SignRequest} payload. One instance per enclave,
 * over the enclave's DRBG (the BIP-340 auxiliary randomness of taproot signatures).
 */
public final class PayloadSigners {

  private final Map<SignRequest.PayloadCase, PayloadSigner> signers =
      new EnumMap<>(SignRequest.PayloadCase.class);

  private PayloadSigners(SecureRandom random) {
    signers.put(SignRequest.PayloadCase.PERSONAL_MESSAGE, new PersonalMessageSigner());
    signers.put(SignRequest.PayloadCase.DIGEST, new DigestSigner());
    signers.put(SignRequest.PayloadCase.RAW_MESSAGE, new RawMessageSigner());
    signers.put(SignRequest.PayloadCase.ETHEREUM_TRANSACTION, new EthereumTransactionSigner());
    signers.put(SignRequest.PayloadCase.ETHEREUM_TYPED_DATA, new EthereumTypedDataSigner());
    signers.put(SignRequest.PayloadCase.ETHEREUM_AUTHORIZATION, new EthereumAuthorizationSigner());
    signers.put(SignRequest.PayloadCase.SOLANA_TRANSACTION, new SolanaTransactionSigner());
    signers.put(SignRequest.PayloadCase.SOLANA_MESSAGE, new SolanaMessageSigner());
    signers.put(SignRequest.PayloadCase.STELLAR_TRANSACTION, new StellarTransactionSigner());
    signers.put(SignRequest.PayloadCase.BITCOIN_PSBT, new BitcoinPsbtSigner(Bip340Signer.AuxSource.of(random)));
  }

  /** The signers, drawing randomness (BIP-340 aux) from {@code random}: the enclave's DRBG. */
  public static PayloadSigners create(SecureRandom random) {
    return new PayloadSigners(random);
  }

  /**
   * The signer for the request's payload.
   *
   * @throws EnclaveException INVALID_REQUEST when there is no payload, UNSUPPORTED when this build
   *     has no signer for it
   */
  public PayloadSigner of(SignRequest request) throws EnclaveException {
    if (request.getPayloadCase() == SignRequest.PayloadCase.PAYLOAD_NOT_SET) {
      throw Payloads.invalid("payload is required");
    }
    PayloadSigner signer = signers.get(request.getPayloadCase());
    if (signer == null) {
      throw new EnclaveException(ErrorCode.UNSUPPORTED, "unsupported payload");
    }
    return signer;
  }
}
