package io.nitrosign.enclave.service;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.crypto.Secp256k1Signer;
import io.nitrosign.enclave.sealing.KeySplit;
import io.nitrosign.enclave.sealing.ShareSealer;
import io.nitrosign.enclave.sealing.WalletBinding;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.ResealRequest;
import io.nitrosign.proto.v1.ResealResponse;
import io.nitrosign.proto.v1.ShareKind;
import io.nitrosign.proto.v1.WalletKey;
import java.security.MessageDigest;

/**
 * {@code Reseal{key}} (READY): opens both shares under the versions they name, checks that they
 * rebuild the wallet's public key, and seals the same shares again under the current version
 * (fresh nonces). No KMS call; the parent replaces the stored shares with the returned ones.
 */
final class ResealHandler {

  private final ShareSealer sealer;

  ResealHandler(ShareSealer sealer) {
    this.sealer = sealer;
  }

  ResealResponse handle(ResealRequest request) throws EnclaveException {
    if (!request.hasKey()) {
      throw RequestValidation.invalid("key is required");
    }
    WalletKey key = request.getKey();
    RequestValidation.walletKey(key);
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
      }
      return ResealResponse.newBuilder()
          .setKey(key.toBuilder()
              .setAuthShare(sealer.seal(ShareKind.AUTH, binding, auth))
              .setExecShare(sealer.seal(ShareKind.EXEC, binding, exec)))
          .build();
    }
  }

  private static EnclaveException keyMismatch() {
    return new EnclaveException(ErrorCode.KEY_MISMATCH, "key does not match public key");
  }
}
