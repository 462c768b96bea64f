package io.nitrosign.enclave.signing;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.SignRequest;
import java.util.EnumMap;
import java.util.Map;

/** Which {@link PayloadSigner} handles which {@link SignRequest} payload. */
public final class PayloadSigners {

  private static final Map<SignRequest.PayloadCase, PayloadSigner> SIGNERS =
      new EnumMap<>(SignRequest.PayloadCase.class);

  static {
    SIGNERS.put(SignRequest.PayloadCase.PERSONAL_MESSAGE, new PersonalMessageSigner());
    SIGNERS.put(SignRequest.PayloadCase.DIGEST, new DigestSigner());
    SIGNERS.put(SignRequest.PayloadCase.RAW_MESSAGE, new RawMessageSigner());
    SIGNERS.put(SignRequest.PayloadCase.ETHEREUM_TRANSACTION, new EthereumTransactionSigner());
    SIGNERS.put(SignRequest.PayloadCase.ETHEREUM_TYPED_DATA, new EthereumTypedDataSigner());
    SIGNERS.put(SignRequest.PayloadCase.ETHEREUM_AUTHORIZATION, new EthereumAuthorizationSigner());
    SIGNERS.put(SignRequest.PayloadCase.SOLANA_TRANSACTION, new SolanaTransactionSigner());
    SIGNERS.put(SignRequest.PayloadCase.SOLANA_MESSAGE, new SolanaMessageSigner());
    SIGNERS.put(SignRequest.PayloadCase.STELLAR_TRANSACTION, new StellarTransactionSigner());
    SIGNERS.put(SignRequest.PayloadCase.BITCOIN_PSBT, new BitcoinPsbtSigner());
  }

  private PayloadSigners() {}

  /**
   * The signer for the request's payload.
   *
   * @throws EnclaveException INVALID_REQUEST when there is no payload, UNSUPPORTED when this build
   *     has no signer for it
   */
  public static PayloadSigner of(SignRequest request) throws EnclaveException {
    if (request.getPayloadCase() == SignRequest.PayloadCase.PAYLOAD_NOT_SET) {
      throw Payloads.invalid("payload is required");
    }
    PayloadSigner signer = SIGNERS.get(request.getPayloadCase());
    if (signer == null) {
      throw new EnclaveException(ErrorCode.UNSUPPORTED, "unsupported payload");
    }
    return signer;
  }
}
