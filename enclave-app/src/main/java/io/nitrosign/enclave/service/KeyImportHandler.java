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
import io.nitrosign.hpke.PrivyEnvelope;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GetImportKeyRequest;
import io.nitrosign.proto.v1.GetImportKeyResponse;
import io.nitrosign.proto.v1.ImportKeyRequest;
import io.nitrosign.proto.v1.ImportKeyResponse;
import io.nitrosign.proto.v1.KeyEnvelope;
import io.nitrosign.proto.v1.WalletAuthority;
import java.util.Optional;

/**
 * GetImportKey and ImportKey. The enclave holds one HPKE key pair per boot (drawn from its DRBG,
 * never leaving enclave memory, wiped when the service closes); GetImportKey publishes its public
 * half inside a fresh NSM attestation document (user_data = the
 * {@link AttestationPurpose#IMPORT_KEY} tag, public_key = the HPKE key), so a client can check it belongs to an enclave
 * running the expected image before sealing a private key to it with {@link ImportEnvelope}.
 *
 * <p>ImportKey opens the envelope, checks the key, and splits and seals it exactly as GenerateKey
 * does ({@link WalletOperations#sealWallet}), bound to the authority the parent sends (app, chain
 * type, owner: what the client's submit body asked for). Two envelope formats, to the same
 * per-boot key: ours ({@link ImportEnvelope}: AES-256-GCM, info {@code "nitrosign/import/v1"},
 * aad = wallet id, the 32-byte key) and Privy's SDK's ({@link PrivyEnvelope}: ChaCha20Poly1305,
 * empty info and aad, the key bytes as {@link PrivyKeyFormat} reads them). The suite id is part of
 * HPKE's key schedule, so a message of one format never opens as the other. A message that does
 * not open is MALFORMED_CIPHERTEXT, whatever the reason; one that opens but holds no valid key is
 * INVALID_REQUEST. The decrypted plaintext and key are wiped on every path.
 *
 * <p>Privy's SDK does not check the attestation document (it only reads
 * {@code encryption_public_key}), so an SDK import trusts whoever answered its init call to have
 * handed out the enclave's key; ours ({@code ./appliance wallet import}) checks it.
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
    Optional<WalletAuthority> authority =
        io.nitrosign.enclave.authority.Authorities.of(request.getOwner());
    if (authority.isPresent()
        && WalletOperations.curveOf(authority.get().getChainType()) != request.getCurve()) {
      throw RequestValidation.invalid("owner.chain_type does not match the curve");
    }
    KeyEnvelope envelope = request.getEnvelope();
    if (envelope != KeyEnvelope.KEY_ENVELOPE_NITROSIGN
        && envelope != KeyEnvelope.KEY_ENVELOPE_PRIVY) {
      throw RequestValidation.invalid("envelope is not a known key envelope");
    }
    if (envelope == KeyEnvelope.KEY_ENVELOPE_PRIVY && authority.isEmpty()) {
      throw RequestValidation.invalid("a Privy envelope needs the wallet's authority");
    }
    if (request.getEnc().size() != RequestValidation.PUBLIC_KEY_BYTES) {
      throw malformed();
    }
    byte[] plaintext;
    try {
      plaintext = envelope == KeyEnvelope.KEY_ENVELOPE_PRIVY
          ? PrivyEnvelope.open(importKey, request.getEnc().toByteArray(),
              request.getCiphertext().toByteArray())
          : ImportEnvelope.open(importKey, request.getWalletId(),
              request.getEnc().toByteArray(), request.getCiphertext().toByteArray());
    } catch (HpkeException e) {
      throw malformed();
    }
    SecretBytes key = envelope == KeyEnvelope.KEY_ENVELOPE_PRIVY
        ? PrivyKeyFormat.importedKey(request.getCurve(), plaintext)
        : SecretBytes.takeOwnership(plaintext);
    try (SecretBytes privateKey = key) {
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

  private static EnclaveException malformed() {
    return new EnclaveException(ErrorCode.MALFORMED_CIPHERTEXT,
        "import ciphertext did not decrypt");
  }
}
