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
import io.nitrosign.proto.v1.Curve;
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
 * check, sign. The split-and-seal step ({@link #sealWallet}) and the unseal-rebuild-check step
 * ({@link #withUnsealedKey}) are shared with key import and export. Every secret buffer is wiped
 * before returning.
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
    try (SecretBytes key = newPrivateKey()) {
      SealedWallet wallet =
          sealWallet(request.getWalletId(), request.getCurve(), request.getOwner(), key);
      return GenerateKeyResponse.newBuilder()
          .setKey(wallet.key())
          .setAddress(wallet.address())
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
    return withUnsealedKey(key, (privateKey, signer) -> {
      EcdsaSignature signature = signer.sign(digest);
      return SignResponse.newBuilder()
          .setDigest(ByteString.copyFrom(digest))
          .setR(ByteString.copyFrom(signature.r()))
          .setS(ByteString.copyFrom(signature.s()))
          .setRecoveryId(signature.recoveryId())
          .build();
    });
  }

  /** A wallet key as sealed for the parent, with its EIP-55 address. */
  record SealedWallet(WalletKey key, String address) {}

  /**
   * Derives the public key and address of {@code privateKey}, splits it 2-of-2 and seals each
   * share under the current key version, bound to wallet id, curve, public key and owner. Shared
   * by GenerateKey and ImportKey. The caller keeps (and closes) {@code privateKey}, which must
   * be a valid secp256k1 key; both plaintext shares are wiped here.
   */
  SealedWallet sealWallet(String walletId, Curve curve, ByteString owner, SecretBytes privateKey)
      throws EnclaveException {
    try (Secp256k1Signer signer = Secp256k1Signer.create(privateKey);
        KeySplit.Shares shares = KeySplit.split(privateKey, random)) {
      byte[] publicKey = signer.publicKey();
      WalletBinding binding = new WalletBinding(walletId, curve, publicKey, owner.toByteArray());
      SealedShare auth = sealer.seal(ShareKind.AUTH, binding, shares.auth());
      SealedShare exec = sealer.seal(ShareKind.EXEC, binding, shares.exec());
      WalletKey walletKey = WalletKey.newBuilder()
          .setWalletId(walletId)
          .setCurve(curve)
          .setPublicKey(ByteString.copyFrom(publicKey))
          .setOwner(owner)
          .setAuthShare(auth)
          .setExecShare(exec)
          .build();
      return new SealedWallet(walletKey, EthereumAddress.fromPublicKey(publicKey));
    }
  }

  /** What to do with a rebuilt key; it must neither keep nor leak {@code privateKey}. */
  @FunctionalInterface
  interface UnsealedKeyUse<T> {
    T apply(SecretBytes privateKey, Secp256k1Signer signer) throws EnclaveException;
  }

  /**
   * Opens both shares of {@code key} (already validated), rebuilds the private key, checks that
   * it derives the stated public key, runs {@code use}, and wipes the key and both shares on every
   * path. Shared by Sign and ExportKey.
   *
   * @throws EnclaveException SEAL_INTEGRITY / UNKNOWN_KEY_VERSION from the sealer, KEY_MISMATCH
   */
  <T> T withUnsealedKey(WalletKey key, UnsealedKeyUse<T> use) throws EnclaveException {
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
        return use.apply(privateKey, signer);
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
