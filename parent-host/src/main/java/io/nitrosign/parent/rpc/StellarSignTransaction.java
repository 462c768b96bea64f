package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.stellar.StellarEnvelope;
import io.nitrosign.chains.stellar.StellarModel.DecoratedSignature;
import io.nitrosign.chains.stellar.StellarSigning;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.StellarTransactionPayload;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.StellarTransaction;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Stellar {@code signTransaction}: {@code params: {envelope: "<base64 TransactionEnvelope XDR>",
 * network_passphrase: "…"}} (or {@code network: "public"|"testnet"} instead of the passphrase) →
 * {@code data: {signed_envelope: "<base64>", hash: "<hex>", signature: "<base64>"}}.
 *
 * <p>The envelope (v0, v1 or fee bump) is decoded strictly; the wallet must be a signer it needs
 * ({@link StellarSigning#requireWalletSigns}). The enclave receives the envelope and the
 * passphrase, builds the signature base itself and signs the transaction hash; the parent checks
 * that the hash is the one it computed and that the signature verifies, then appends the
 * {@code DecoratedSignature} (hint = last 4 bytes of the wallet's key) to the envelope's (for a
 * fee bump: the outer) signatures. An envelope that already holds this exact signature is
 * returned unchanged (a retry does not add a duplicate, which the network would refuse).
 */
final class StellarSignTransaction implements RpcMethod {

  /** The {@code network} shorthands. */
  static final Map<String, String> NETWORKS = Map.of(
      "public", StellarEnvelope.PUBLIC_PASSPHRASE,
      "testnet", StellarEnvelope.TESTNET_PASSPHRASE);

  @Override
  public String name() {
    return "signTransaction";
  }

  @Override
  public Set<ChainType> chainTypes() {
    return Set.of(ChainType.STELLAR);
  }

  @Override
  public Prepared prepare(ObjectNode params, Wallet wallet) {
    JsonBodies.onlyFields(params, "params.",
        Set.of("envelope", "encoding", "network_passphrase", "network"));
    Params.encoding(params, "base64");
    String passphrase = passphrase(params);
    String base64 = JsonBodies.requiredText(params, "params.", "envelope");
    if (base64.length() > StellarEnvelope.MAX_BASE64_CHARS) {
      throw ApiException.invalidRequest(
          "params.envelope exceeds " + StellarEnvelope.MAX_ENVELOPE_BYTES + " bytes");
    }
    byte[] xdr = StellarEnvelope.decodeBase64(base64);
    StellarEnvelope envelope = StellarEnvelope.decode(xdr);
    byte[] publicKey = wallet.publicKey();
    StellarSigning.requireWalletSigns(envelope, publicKey);
    byte[] hash = envelope.hash(passphrase);
    StellarTransactionPayload decoded = StellarTransactionPayload.of(envelope, passphrase);
    return new Prepared() {
      @Override
      public void payload(SignRequest.Builder request) {
        request.setStellarTransaction(StellarTransaction.newBuilder()
            .setEnvelopeXdr(ByteString.copyFrom(xdr)).setNetworkPassphrase(passphrase));
      }

      @Override
      public StellarTransactionPayload decoded() {
        return decoded;
      }

      @Override
      public Map<String, Object> result(SignResponse response) {
        byte[] signature = SignatureChecks.ed25519(wallet, hash, hash, response);
        StellarEnvelope signed = alreadyHolds(envelope, publicKey, signature) ? envelope
            : envelope.withSignature(publicKey, signature);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("signed_envelope", signed.toBase64());
        data.put("hash", HexFormat.of().formatHex(hash));
        data.put("signature", Base64.getEncoder().encodeToString(signature));
        return data;
      }
    };
  }

  /**
   * {@code network_passphrase}, or the passphrase of {@code network}: exactly one of the two.
   */
  static String passphrase(ObjectNode params) {
    String passphrase = JsonBodies.optionalText(params, "params.", "network_passphrase");
    String network = JsonBodies.optionalText(params, "params.", "network");
    if (passphrase != null && network != null) {
      throw ApiException.invalidRequest(
          "give params.network_passphrase or params.network, not both");
    }
    if (network != null) {
      String p = NETWORKS.get(network);
      if (p == null) {
        throw ApiException.invalidRequest("params.network must be \"public\" or \"testnet\"");
      }
      return p;
    }
    if (passphrase == null) {
      throw ApiException.invalidRequest("missing field: params.network_passphrase"
          + " (or params.network: \"public\"|\"testnet\")");
    }
    try {
      return StellarSigning.requireNetworkPassphrase(passphrase);
    } catch (io.nitrosign.chains.ChainFormatException e) {
      throw ApiException.invalidRequest("params." + e.field() + " " + e.reason());
    }
  }

  private static boolean alreadyHolds(StellarEnvelope env, byte[] publicKey, byte[] signature) {
    byte[] hint = Arrays.copyOfRange(publicKey, 28, 32);
    for (DecoratedSignature s : env.signatures()) {
      if (Arrays.equals(s.hint(), hint) && Arrays.equals(s.signature(), signature)) {
        return true;
      }
    }
    return false;
  }
}
