package io.nitrosign.parent.rpc;

import com.google.protobuf.ByteString;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.RawPayload;
import io.nitrosign.proto.v1.SignRequest;

/**
 * {@code POST /v1/wallets/{id}/raw_sign} (Privy's raw sign) once its body has been read into the
 * enclave payload by {@link io.nitrosign.authz.RpcPayloads#deriveRawSign}, the function the
 * enclave uses on an owned wallet's signed body: a secp256k1 wallet signs the 32-byte digest, an
 * Ed25519 wallet the message bytes as they are. The answer is checked as the rpc methods' are
 * (the recoverable signature under the wallet's key; the Ed25519 signature of exactly those
 * bytes) and returned as Privy returns it: {@code {signature: "0x…", encoding: "hex"}}; a
 * secp256k1 signature is 65 bytes {@code r ‖ s ‖ v} as {@code secp256k1_sign}'s. Raw signing:
 * allowed only for apps that enabled it; policy sees the payload as raw bytes (length and
 * SHA-256) under the method {@code raw_sign}.
 */
public final class RawSignEndpoint {

  /** The method name of the response and of policy rules and audit rows. */
  public static final String METHOD = "raw_sign";

  private RawSignEndpoint() {}

  /**
   * The prepared request for {@code derived} (a SignRequest holding only a {@code DIGEST} or
   * {@code RAW_MESSAGE} payload).
   */
  public static RpcMethod.Prepared prepare(SignRequest derived, Wallet wallet) {
    if (derived.getPayloadCase() == SignRequest.PayloadCase.DIGEST) {
      byte[] digest = derived.getDigest().toByteArray();
      return new PersonalSign.DigestPrepared(wallet, digest, RawPayload.of(digest),
          b -> b.setDigest(ByteString.copyFrom(digest)));
    }
    if (derived.getPayloadCase() == SignRequest.PayloadCase.RAW_MESSAGE) {
      byte[] message = derived.getRawMessage().toByteArray();
      return new RawSign.BytesPrepared(wallet, message, "hex", RawPayload.of(message),
          b -> b.setRawMessage(ByteString.copyFrom(message)));
    }
    throw new IllegalArgumentException("not a raw_sign payload: " + derived.getPayloadCase());
  }
}
