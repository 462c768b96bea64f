package io.nitrosign.enclave.service;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.secret.Wipe;
import io.nitrosign.hpke.ExportEnvelope;
import io.nitrosign.hpke.Hpke;
import io.nitrosign.hpke.HpkeException;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.hpke.PrivyEnvelope;
import io.nitrosign.proto.v1.KeyEnvelope;
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
 * the stated public key), then seals the private key to the recipient's HPKE key, in one of two
 * formats: ours ({@link ExportEnvelope}: AES-256-GCM, info {@code "nitrosign/export/v1"}, aad =
 * wallet id, the 32-byte key; recipient a raw SEC1 point) or Privy's SDK's ({@link PrivyEnvelope}:
 * ChaCha20Poly1305, empty info and aad, the key as text by the wallet's chain type, see
 * {@link PrivyKeyFormat}; recipient a DER SubjectPublicKeyInfo). The private key and every copy
 * and encoding of it are wiped on every path.
 *
 * <p>Authorization is the enclave's own: an owned wallet's export needs its owner's signatures
 * over the client's {@code POST /v1/wallets/{id}/export} request; an app-owned wallet's needs the
 * deployment export quorum's (configured in the enclave image, so it is measured; none configured
 * means app-owned wallets never leave). The recipient key is the one named in that signed body,
 * byte for byte, so its form (raw point or SPKI) and with it the format are the signer's choice,
 * not the parent's; a signed body asking for a seed phrase ({@code export_seed_phrase: true}) is
 * refused, as these wallets have none. (The parent's app-level export permission comes on top.)
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
          if (Boolean.TRUE.equals(body.get("export_seed_phrase"))) {
            throw RequestValidation.invalid("the wallet has no seed phrase to export");
          }
        });
  }

  ExportKeyResponse exportKey(ExportKeyRequest request) throws EnclaveException {
    if (!request.hasKey()) {
      throw RequestValidation.invalid("key is required");
    }
    WalletKey key = request.getKey();
    RequestValidation.walletKey(key);
    KeyEnvelope envelope = request.getEnvelope();
    byte[] recipient = request.getRecipientPublicKey().toByteArray();
    byte[] recipientPoint;
    if (envelope == KeyEnvelope.KEY_ENVELOPE_NITROSIGN) {
      if (!HpkeKeyPair.isValidPublicKey(recipient)) {
        throw RequestValidation.invalid(
            "recipient_public_key must be a P-256 point, 65 bytes uncompressed");
      }
      recipientPoint = recipient;
    } else if (envelope == KeyEnvelope.KEY_ENVELOPE_PRIVY) {
      try {
        recipientPoint = PrivyEnvelope.publicKeyFromSpki(recipient);
      } catch (HpkeException e) {
        throw RequestValidation.invalid(
            "recipient_public_key must be a P-256 SubjectPublicKeyInfo (DER)");
      }
    } else {
      throw RequestValidation.invalid("envelope is not a known key envelope");
    }
    authorize(request, recipient);
    String chainType = Authorities.of(key.getOwner()).map(WalletAuthority::getChainType)
        .orElse(null);
    Hpke.Sealed sealed = operations.withUnsealedKey(key, unsealed -> {
      byte[] plaintext = envelope == KeyEnvelope.KEY_ENVELOPE_PRIVY
          ? PrivyKeyFormat.exportText(chainType, unsealed)
          : unsealed.privateKey().copy();
      try {
        return envelope == KeyEnvelope.KEY_ENVELOPE_PRIVY
            ? PrivyEnvelope.seal(recipientPoint, plaintext, random)
            : ExportEnvelope.seal(recipientPoint, key.getWalletId(), plaintext, random);
      } catch (HpkeException e) {
        throw new EnclaveException(ErrorCode.INTERNAL, "export sealing failed");
      } finally {
        Wipe.wipe(plaintext);
      }
    });
    return ExportKeyResponse.newBuilder()
        .setEnc(ByteString.copyFrom(sealed.enc()))
        .setCiphertext(ByteString.copyFrom(sealed.ciphertext()))
        .build();
  }
}
