package io.nitrosign.enclave.service;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.ethereum.Eip191;
import io.nitrosign.chains.ethereum.EthereumAddress;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.crypto.EcdsaSignature;
import io.nitrosign.enclave.crypto.Secp256k1Signer;
import io.nitrosign.enclave.sealing.KeySplit;
import io.nitrosign.enclave.sealing.ShareSealer;
import io.nitrosign.enclave.sealing.WalletBinding;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.GenerateKeyResponse;
import io.nitrosign.proto.v1.SealedShare;
import io.nitrosign.proto.v1.ShareKind;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.WalletKey;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Key generation and signing inside the enclave: generate, split and seal; unseal, rebuild,
 * check, sign. Every secret buffer is wiped before returning.
 */
final class WalletOperations {

  private final ShareSealer sealer;
  private final SecureRandom random;

  WalletOperations(ShareSealer sealer, SecureRandom random) {
    this.sealer = sealer;
    this.random = random;
  }

  GenerateKeyResponse generate(GenerateKeyRequest request) throws EnclaveException {
    RequestValidation.walletId(request.getWalletId());
    RequestValidation.curve(request.getCurve());
    RequestValidation.owner(request.getOwner().size());
    try (SecretBytes key = newPrivateKey();
        Secp256k1Signer signer = Secp256k1Signer.create(key);
        KeySplit.Shares shares = KeySplit.split(key, random)) {
      byte[] publicKey = signer.publicKey();
      WalletBinding binding = new WalletBinding(
          request.getWalletId(), request.getCurve(), publicKey, request.getOwner().toByteArray());
      SealedShare auth = sealer.seal(ShareKind.AUTH, binding, shares.auth());
      SealedShare exec = sealer.seal(ShareKind.EXEC, binding, shares.exec());
      WalletKey walletKey = WalletKey.newBuilder()
          .setWalletId(request.getWalletId())
          .setCurve(request.getCurve())
          .setPublicKey(ByteString.copyFrom(publicKey))
          .setOwner(request.getOwner())
          .setAuthShare(auth)
          .setExecShare(exec)
          .build();
      return GenerateKeyResponse.newBuilder()
          .setKey(walletKey)
          .setAddress(EthereumAddress.fromPublicKey(publicKey))
          .build();
    }
  }

  SignResponse sign(SignRequest request) throws EnclaveException {
    if (!request.hasKey()) {
      throw RequestValidation.invalid("key is required");
    }
    WalletKey key = request.getKey();
    RequestValidation.walletKey(key);
    byte[] digest = digestOf(request);
    WalletBinding binding = new WalletBinding(key.getWalletId(), key.getCurve(),
        key.getPublicKey().toByteArray(), key.getOwner().toByteArray());
    try (SecretBytes auth = sealer.open(ShareKind.AUTH, key.getAuthShare(), binding);
        SecretBytes exec = sealer.open(ShareKind.EXEC, key.getExecShare(), binding);
        SecretBytes privateKey = KeySplit.combine(auth, exec)) {
      if (privateKey.length() != 32 || !privateKey.apply(Secp256k1Signer::isValidPrivateKey)) {
        throw keyMismatch();
      }
      try (Secp256k1Signer signer = Secp256k1Signer.create(privateKey)) {
        if (!MessageDigest.isEqual(signer.publicKey(), binding.publicKey())) {
          throw keyMismatch();
        }
        EcdsaSignature signature = signer.sign(digest);
        return SignResponse.newBuilder()
            .setDigest(ByteString.copyFrom(digest))
            .setR(ByteString.copyFrom(signature.r()))
            .setS(ByteString.copyFrom(signature.s()))
            .setRecoveryId(signature.recoveryId())
            .build();
      }
    }
  }

  private static byte[] digestOf(SignRequest request) throws EnclaveException {
    switch (request.getPayloadCase()) {
      case PERSONAL_MESSAGE:
        return Eip191.personalMessageHash(request.getPersonalMessage().getMessage().toByteArray());
      case DIGEST:
        if (request.getDigest().size() != 32) {
          throw RequestValidation.invalid("digest must be 32 bytes");
        }
        return request.getDigest().toByteArray();
      default:
        throw RequestValidation.invalid("payload is required");
    }
  }

  private SecretBytes newPrivateKey() {
    while (true) {
      SecretBytes candidate = SecretBytes.random(random, 32);
      if (candidate.apply(Secp256k1Signer::isValidPrivateKey)) {
        return candidate;
      }
      candidate.close();
    }
  }

  private static EnclaveException keyMismatch() {
    return new EnclaveException(ErrorCode.KEY_MISMATCH, "key does not match public key");
  }
}
