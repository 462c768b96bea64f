package io.nitrosign.enclave.service;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.Wipe;
import io.nitrosign.hpke.ExportEnvelope;
import io.nitrosign.hpke.Hpke;
import io.nitrosign.hpke.HpkeException;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.ExportKeyRequest;
import io.nitrosign.proto.v1.ExportKeyResponse;
import io.nitrosign.proto.v1.WalletKey;
import java.security.SecureRandom;

/**
 * ExportKey: unseals and rebuilds the wallet key exactly as Sign does
 * ({@link WalletOperations#withUnsealedKey}: both shares authenticated, the key checked against
 * the stated public key), then seals the 32-byte private key to the recipient's HPKE key with
 * {@link ExportEnvelope} (info {@code "nitrosign/export/v1"}, aad = wallet id). The private key
 * and its copy are wiped on every path.
 *
 * <p>Authorization: the parent host enforces the app-level export permission before it sends
 * this request, and the enclave trusts it for now. Owner-signed export requests, checked inside
 * the enclave against the owner bound into the sealed shares, are future work (DESIGN.md: export
 * "needs the owner's authorization").
 */
final class KeyExportHandler {

  private final WalletOperations operations;
  private final SecureRandom random;

  KeyExportHandler(WalletOperations operations, SecureRandom random) {
    this.operations = operations;
    this.random = random;
  }

  ExportKeyResponse exportKey(ExportKeyRequest request) throws EnclaveException {
    if (!request.hasKey()) {
      throw RequestValidation.invalid("key is required");
    }
    WalletKey key = request.getKey();
    RequestValidation.walletKey(key);
    byte[] recipient = request.getRecipientPublicKey().toByteArray();
    if (!HpkeKeyPair.isValidPublicKey(recipient)) {
      throw RequestValidation.invalid(
          "recipient_public_key must be a P-256 point, 65 bytes uncompressed");
    }
    Hpke.Sealed sealed = operations.withUnsealedKey(key, unsealed -> {
      byte[] copy = unsealed.privateKey().copy();
      try {
        return ExportEnvelope.seal(recipient, key.getWalletId(), copy, random);
      } catch (HpkeException e) {
        throw new EnclaveException(ErrorCode.INTERNAL, "export sealing failed");
      } finally {
        Wipe.wipe(copy);
      }
    });
    return ExportKeyResponse.newBuilder()
        .setEnc(ByteString.copyFrom(sealed.enc()))
        .setCiphertext(ByteString.copyFrom(sealed.ciphertext()))
        .build();
  }
}
