package io.nitrosign.enclave.service;

import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.WalletKey;
import java.util.regex.Pattern;

/** Field checks shared by the request handlers; failures carry fixed details only. */
final class RequestValidation {

  static final int MAX_OWNER_BYTES = 4096;
  static final int PUBLIC_KEY_BYTES = 65;
  static final int ED25519_PUBLIC_KEY_BYTES = 32;
  private static final Pattern WALLET_ID = Pattern.compile("[a-z0-9_-]{1,64}");

  private RequestValidation() {}

  static void walletId(String walletId) throws EnclaveException {
    if (!WALLET_ID.matcher(walletId).matches()) {
      throw invalid("wallet_id must be 1 to 64 characters [a-z0-9_-]");
    }
  }

  /** Unset curve: INVALID_REQUEST; any curve other than secp256k1 and Ed25519: UNSUPPORTED. */
  static void curve(Curve curve) throws EnclaveException {
    if (curve == Curve.CURVE_UNSPECIFIED) {
      throw invalid("curve is required");
    }
    if (curve != Curve.SECP256K1 && curve != Curve.ED25519) {
      throw new EnclaveException(ErrorCode.UNSUPPORTED, "unsupported curve");
    }
  }

  static void owner(int ownerBytes) throws EnclaveException {
    if (ownerBytes > MAX_OWNER_BYTES) {
      throw invalid("owner is larger than 4096 bytes");
    }
  }

  static void walletKey(WalletKey key) throws EnclaveException {
    walletId(key.getWalletId());
    curve(key.getCurve());
    owner(key.getOwner().size());
    if (key.getCurve() == Curve.ED25519) {
      if (key.getPublicKey().size() != ED25519_PUBLIC_KEY_BYTES) {
        throw invalid("public_key must be 32 bytes for Ed25519");
      }
    } else if (key.getPublicKey().size() != PUBLIC_KEY_BYTES
        || key.getPublicKey().byteAt(0) != 0x04) {
      throw invalid("public_key must be 65 bytes, uncompressed");
    }
    if (!key.hasAuthShare() || !key.hasExecShare()) {
      throw invalid("both sealed shares are required");
    }
  }

  static EnclaveException invalid(String fixedDetail) {
    return new EnclaveException(ErrorCode.INVALID_REQUEST, fixedDetail);
  }
}
