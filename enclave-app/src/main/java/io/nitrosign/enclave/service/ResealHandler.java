package io.nitrosign.enclave.service;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.ResealRequest;
import io.nitrosign.proto.v1.ResealResponse;
import io.nitrosign.proto.v1.WalletKey;

/**
 * {@code Reseal{key}} (READY): opens both shares under the versions they name, checks that they
 * rebuild the wallet's public key, and seals a fresh 2-of-2 split of the key under the current
 * version. No KMS call; the parent replaces the stored shares with the returned ones.
 */
final class ResealHandler {

  private final WalletOperations operations;

  ResealHandler(WalletOperations operations) {
    this.operations = operations;
  }

  ResealResponse handle(ResealRequest request) throws EnclaveException {
    if (!request.hasKey()) {
      throw RequestValidation.invalid("key is required");
    }
    WalletKey key = request.getKey();
    RequestValidation.walletKey(key);
    return ResealResponse.newBuilder().setKey(operations.resealed(key, key.getOwner())).build();
  }
}
