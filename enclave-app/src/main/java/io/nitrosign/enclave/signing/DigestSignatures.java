package io.nitrosign.enclave.signing;

import com.google.protobuf.ByteString;
import io.nitrosign.enclave.crypto.EcdsaSignature;
import io.nitrosign.proto.v1.SignResponse;

/** The response for a payload answered with one secp256k1 signature over a 32-byte digest. */
final class DigestSignatures {

  private DigestSignatures() {}

  /** Signs {@code digest} (32 bytes) with the wallet's secp256k1 key: digest, r, s, recovery id. */
  static SignResponse sign(UnsealedKey key, byte[] digest) {
    EcdsaSignature signature = key.secp256k1().sign(digest);
    return SignResponse.newBuilder()
        .setDigest(ByteString.copyFrom(digest))
        .setR(ByteString.copyFrom(signature.r()))
        .setS(ByteString.copyFrom(signature.s()))
        .setRecoveryId(signature.recoveryId())
        .build();
  }
}
