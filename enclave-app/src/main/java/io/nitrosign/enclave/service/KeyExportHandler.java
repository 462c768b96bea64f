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
import io.nitrosign.enclave.authority.Authorities;
import io.nitrosign.enclave.authority.RequestAuthorizer;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.WalletAuthority;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * ExportKey: unseals and rebuilds the wallet key exactly as Sign does
 * ({@link WalletOperations#withUnsealedKey}: both shares authenticated, the key checked against
 * the stated public key), then seals the 32-byte private key to the recipient's HPKE key with
 * {@link ExportEnvelope} (info {@code "nitrosign/export/v1"}, aad = wallet id). The private key
 * and its copy are wiped on every path.
 *
 * <p>Authorization is the enclave's own: an owned wallet's export needs its owner's signatures
 * over the client's {@code POST /v1/wallets/{id}/export} request; an app-owned wallet's needs the
 * deployment export quorum's (configured in the enclave image, so it is measured; none configured
 * means app-owned wallets never leave). The recipient key is the one named in that signed body.
 * (The parent's app-level export permission comes on top.)
 */
final class KeyExportHandler {

  private final WalletOperations operations;
  private final SecureRandom random;

  KeyExportHandler(WalletOperations operations, SecureRandom random) {
    this.operations = operations;
    this.random = random;
  }

  private void authorize(ExportKeyRequest request, byte[] recipient) throws EnclaveException {
    RequestAuthorizer authorizer = operations.authorizer();
    Optional<WalletAuthority> authority = Authorities.of(request.getKey().getOwner());
    KeyQuorum quorum;
    if (authority.isPresent() && authority.get().hasOwner()) {
      quorum = authority.get().getOwner();
    } else if (authorizer.exportQuorum().isPresent()) {
      quorum = authorizer.exportQuorum().get();
    } else {
      throw new EnclaveException(ErrorCode.PERMISSION_DENIED,
          "app-owned wallets cannot be exported: no export quorum is configured");
    }
    String appId = authority.map(WalletAuthority::getAppId)
        .orElse(request.getAuthorization().getAppId());
    authorizer.authorize(request.getAuthorization(), "POST",
        "/v1/wallets/" + request.getKey().getWalletId() + "/export", appId, List.of(quorum),
        body -> {
          Object named = body.get("recipient_public_key");
          byte[] signedRecipient;
          try {
            signedRecipient = named instanceof String s ? Base64.getDecoder().decode(s) : null;
          } catch (IllegalArgumentException e) {
            signedRecipient = null;
          }
          if (signedRecipient == null || !MessageDigest.isEqual(signedRecipient, recipient)) {
            throw new EnclaveException(ErrorCode.AUTHORIZATION_INVALID,
                "the recipient differs from the signed request");
          }
        });
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
    authorize(request, recipient);
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
