package io.nitrosign.enclave.service;

import io.nitrosign.chains.AttestationPurpose;
import com.google.protobuf.ByteString;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.nsm.NsmDevice;
import io.nitrosign.enclave.nsm.NsmException;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.hpke.HpkeException;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.hpke.ImportEnvelope;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GetImportKeyRequest;
import io.nitrosign.proto.v1.GetImportKeyResponse;
import io.nitrosign.proto.v1.ImportKeyRequest;
import io.nitrosign.proto.v1.ImportKeyResponse;

/**
 * GetImportKey and ImportKey. The enclave holds one HPKE key pair per boot (drawn from its DRBG,
 * never leaving enclave memory, wiped when the service closes); GetImportKey publishes its public
 * half inside a fresh NSM attestation document (user_data = the
 * {@link AttestationPurpose#IMPORT_KEY} tag, public_key = the HPKE key), so a client can check it belongs to an enclave
 * running the expected image before sealing a private key to it with {@link ImportEnvelope}.
 *
 * <p>ImportKey opens the envelope (info {@code "nitrosign/import/v1"}, aad = wallet id), checks
 * the 32-byte key, and splits and seals it exactly as GenerateKey does
 * ({@link WalletOperations#sealWallet}). The decrypted key is wiped on every path.
 */
final class KeyImportHandler {

  /** The longest nonce passed to the NSM. */
  static final int MAX_NONCE_BYTES = NsmDevice.MAX_FIELD_BYTES;

  private final WalletOperations operations;
  private final HpkeKeyPair importKey;
  private final NsmDevice nsm;

  /**
   * @param importKey the per-boot HPKE key pair; owned by the caller, who closes it
   * @param nsm the NSM device, or null when there is none (GetImportKey then fails NSM_ERROR)
   */
  KeyImportHandler(WalletOperations operations, HpkeKeyPair importKey, NsmDevice nsm) {
    this.operations = operations;
    this.importKey = importKey;
    this.nsm = nsm;
  }

  GetImportKeyResponse getImportKey(GetImportKeyRequest request) throws EnclaveException {
    if (request.getNonce().size() > MAX_NONCE_BYTES) {
      throw RequestValidation.invalid("nonce is larger than 1024 bytes");
    }
    if (nsm == null) {
      throw new EnclaveException(ErrorCode.NSM_ERROR, "no NSM device");
    }
    byte[] publicKey = importKey.publicKey();
    byte[] nonce = request.getNonce().isEmpty() ? null : request.getNonce().toByteArray();
    byte[] document;
    try {
      document = nsm.attestation(AttestationPurpose.IMPORT_KEY.tag(), nonce, publicKey);
    } catch (NsmException e) {
      throw new EnclaveException(ErrorCode.NSM_ERROR, "attestation failed");
    }
    return GetImportKeyResponse.newBuilder()
        .setHpkePublicKey(ByteString.copyFrom(publicKey))
        .setAttestationDocument(ByteString.copyFrom(document))
        .build();
  }

  ImportKeyResponse importKey(ImportKeyRequest request) throws EnclaveException {
    RequestValidation.walletId(request.getWalletId());
    RequestValidation.curve(request.getCurve());
    RequestValidation.owner(request.getOwner().size());
    io.nitrosign.enclave.authority.Authorities.of(request.getOwner());
    if (request.getEnc().size() != RequestValidation.PUBLIC_KEY_BYTES) {
      throw RequestValidation.invalid("enc must be 65 bytes");
    }
    byte[] plaintext;
    try {
      plaintext = ImportEnvelope.open(importKey, request.getWalletId(),
          request.getEnc().toByteArray(), request.getCiphertext().toByteArray());
    } catch (HpkeException e) {
      throw RequestValidation.invalid("import ciphertext did not decrypt");
    }
    try (SecretBytes privateKey = SecretBytes.takeOwnership(plaintext)) {
      if (!WalletOperations.isValidPrivateKey(request.getCurve(), privateKey)) {
        throw RequestValidation.invalid(request.getCurve() == Curve.ED25519
            ? "imported key is not a 32-byte Ed25519 seed"
            : "imported key is not a valid secp256k1 private key");
      }
      WalletOperations.SealedWallet wallet = operations.sealWallet(
          request.getWalletId(), request.getCurve(), request.getOwner(), privateKey);
      return ImportKeyResponse.newBuilder()
          .setKey(wallet.key())
          .setAddress(wallet.address())
          .build();
    }
  }
}
