package io.nitrosign.parent.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.attestation.AttestedSignatureException;
import io.nitrosign.attestation.AttestedSignatureVerifier;
import io.nitrosign.attestation.SignedRequest;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.bitcoin.Bip340Verifier;
import io.nitrosign.chains.bitcoin.EcdsaDer;
import io.nitrosign.chains.bitcoin.Psbt;
import io.nitrosign.chains.bitcoin.PsbtWallet;
import io.nitrosign.chains.bitcoin.Sighash;
import io.nitrosign.parent.api.Bodies;
import io.nitrosign.parent.api.JsonBodies;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.policy.payload.PsbtPayload;
import io.nitrosign.proto.v1.BitcoinPsbt;
import io.nitrosign.proto.v1.InputSignature;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code signPsbt} for Bitcoin wallets, in the shape wallets use for it (sats-connect / Leather
 * {@code signPsbt}, Bitcoin Core {@code walletprocesspsbt}): {@code params: {psbt, encoding:
 * "base64"|"hex", allow_witness_utxo_only?: boolean, allowed_sighash_types?: ["SINGLE|ANYONECANPAY",
 * ...]}} (base64 by default) → {@code data: {psbt, encoding, signed_inputs: [...]}}, the PSBT with
 * this wallet's partial_sig / tap_key_sig entries added, in the request's encoding.
 *
 * <p>By default a segwit v0 input to sign needs non_witness_utxo (CVE-2020-14199) and only
 * DEFAULT and ALL are signed; the two optional params accept more, per request
 * ({@link PsbtWallet.SigningRules}, read the same way by {@code RpcPayloads} for owned wallets).
 *
 * <p>Which inputs are the wallet's is {@link PsbtWallet}'s rule, the same one the enclave applies;
 * a PSBT with none to sign is refused here (400 {@code malformed_payload}, audited as rejected)
 * before the enclave is asked. Every returned signature is checked against the parent's own
 * sighash (ECDSA low-S via the attestation module's verifier, BIP-340 via chains'
 * {@link Bip340Verifier}), and exactly the wallet's inputs must have been signed.
 */
final class SignPsbt implements RpcMethod {

  private static final Logger LOG = LoggerFactory.getLogger(SignPsbt.class);
  private static final HexFormat HEX = HexFormat.of();

  @Override
  public String name() {
    return "signPsbt";
  }

  @Override
  public Set<ChainType> chainTypes() {
    return Set.of(ChainType.BITCOIN, ChainType.BITCOIN_TESTNET);
  }

  @Override
  public Prepared prepare(ObjectNode params, Wallet wallet) {
    JsonBodies.onlyFields(params, "params.",
        Set.of("psbt", "encoding", "allow_witness_utxo_only", "allowed_sighash_types"));
    PsbtWallet.SigningRules rules = rules(params);
    String encoding = Params.encoding(params, "base64", "hex");
    Psbt psbt = encoding.equals("base64")
        ? Psbt.fromBase64(JsonBodies.requiredText(params, "params.", "psbt"))
        : Psbt.parse(Params.hex(params, "psbt", Bodies.MAX_BODY_BYTES));
    PsbtWallet owner = PsbtWallet.of(wallet.publicKey());
    List<PsbtWallet.InputView> inputs = owner.inputs(psbt);
    List<Psbt.InputSighash> toSign = owner.toSign(psbt, rules);
    return new PsbtPrepared(wallet, encoding, psbt, rules, owner, inputs, toSign);
  }

  /** The request's {@link PsbtWallet.SigningRules}, from the JSON params. */
  static PsbtWallet.SigningRules rules(ObjectNode params) {
    JsonNode allow = params.get("allow_witness_utxo_only");
    JsonNode names = params.get("allowed_sighash_types");
    List<Object> list = null;
    if (names != null && !names.isNull()) {
      if (!names.isArray()) {
        throw new ChainFormatException("params.allowed_sighash_types", "must be a list");
      }
      list = new ArrayList<>();
      for (JsonNode n : names) {
        list.add(n.isTextual() ? n.textValue() : n.toString());
      }
    }
    Object allowValue = allow == null || allow.isNull() ? null
        : allow.isBoolean() ? (Object) allow.booleanValue() : allow.toString();
    return PsbtWallet.SigningRules.fromParams(allowValue, list);
  }

  /** A PSBT decoded for policy, with the digests the parent expects the enclave to sign. */
  static final class PsbtPrepared implements Prepared {
    private final Wallet wallet;
    private final String encoding;
    private final Psbt psbt;
    private final PsbtWallet.SigningRules rules;
    private final PsbtWallet owner;
    private final List<Psbt.InputSighash> toSign;
    private final PsbtPayload decoded;

    PsbtPrepared(Wallet wallet, String encoding, Psbt psbt, PsbtWallet.SigningRules rules,
        PsbtWallet owner, List<PsbtWallet.InputView> inputs, List<Psbt.InputSighash> toSign) {
      this.wallet = wallet;
      this.encoding = encoding;
      this.psbt = psbt;
      this.rules = rules;
      this.owner = owner;
      this.toSign = toSign;
      this.decoded = PsbtPayload.of(wallet.chain().wireName(), wallet.chain().bech32Hrp(), psbt,
          owner, inputs, toSign);
    }

    @Override
    public void payload(SignRequest.Builder request) {
      request.setBitcoinPsbt(BitcoinPsbt.newBuilder()
          .setPsbt(ByteString.copyFrom(psbt.serialize()))
          .setAllowWitnessUtxoOnly(rules.allowWitnessUtxoOnly())
          .addAllAllowedSighashTypes(rules.allowedSighashTypes()));
    }

    @Override
    public PsbtPayload decoded() {
      return decoded;
    }

    @Override
    public Map<String, Object> result(SignResponse response) {
      if (!response.getDigest().isEmpty() || !response.getR().isEmpty() || !response.getS().isEmpty()
          || response.getRecoveryId() != 0 || !response.getSignature().isEmpty()
          || response.getInputSignaturesCount() != toSign.size()) {
        throw SignatureChecks.protocol("malformed bitcoin_psbt Sign response");
      }
      Psbt signed = psbt;
      List<Map<String, Object>> signedInputs = new ArrayList<>();
      for (int k = 0; k < toSign.size(); k++) {
        Psbt.InputSighash expected = toSign.get(k);
        InputSignature got = response.getInputSignatures(k);
        boolean taproot = expected.kind() == Psbt.InputKind.P2TR_KEY_PATH;
        byte[] signature = got.getSignature().toByteArray();
        if (got.getInputIndex() != expected.index() || got.getSighashType() != expected.hashType()
            || got.getSchnorr() != taproot || signature.length != 64
            || !Arrays.equals(got.getDigest().toByteArray(), expected.digest())) {
          throw SignatureChecks.protocol("bitcoin_psbt Sign response does not match input "
              + expected.index());
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("index", expected.index());
        entry.put("kind", PsbtPayload.inputKind(expected.kind()));
        entry.put("sighash_type", expected.hashType());
        entry.put("digest", HEX.formatHex(expected.digest()));
        try {
          if (taproot) {
            if (!Bip340Verifier.verify(owner.taprootOutputKey(), expected.digest(), signature)) {
              throw doesNotVerify(expected.index());
            }
            signed = signed.withTapKeySig(expected.index(), signature, expected.hashType());
            entry.put("public_key", HEX.formatHex(owner.taprootOutputKey()));
            entry.put("signature", HEX.formatHex(tapKeySig(signature, expected.hashType())));
          } else {
            byte[] r = Arrays.copyOfRange(signature, 0, 32);
            byte[] s = Arrays.copyOfRange(signature, 32, 64);
            verifyEcdsa(expected, signature);
            signed = signed.withPartialSig(expected.index(), owner.compressedKey(), r, s,
                expected.hashType());
            entry.put("public_key", HEX.formatHex(owner.compressedKey()));
            entry.put("signature", HEX.formatHex(partialSig(r, s, expected.hashType())));
          }
        } catch (ChainFormatException e) {
          throw SignatureChecks.protocol("bitcoin_psbt signature for input " + expected.index()
              + " could not be added: " + e.getMessage());
        }
        signedInputs.add(entry);
      }
      byte[] out = signed.serialize();
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("psbt", encoding.equals("base64") ? Base64.getEncoder().encodeToString(out)
          : HEX.formatHex(out));
      data.put("encoding", encoding);
      data.put("signed_inputs", signedInputs);
      return data;
    }

    private void verifyEcdsa(Psbt.InputSighash expected, byte[] rs) {
      // The enclave returns r || s without a recovery id; R's parity is one of the two.
      for (int v = 27; v <= 28; v++) {
        byte[] withV = Arrays.copyOf(rs, 65);
        withV[64] = (byte) v;
        try {
          AttestedSignatureVerifier.verifyWalletSignature(new SignedRequest(wallet.id(),
              expected.digest(), withV, wallet.publicKey(), new byte[0]));
          return;
        } catch (AttestedSignatureException | IllegalArgumentException e) {
          // try the other parity
        }
      }
      throw doesNotVerify(expected.index());
    }

    private RuntimeException doesNotVerify(int index) {
      LOG.error("the enclave returned a signature that does not verify for wallet {} input {}",
          wallet.id(), index);
      return SignatureChecks.protocol("signature does not verify");
    }
  }

  /** The partial_sig value: DER(r, s) || sighash type. */
  static byte[] partialSig(byte[] r, byte[] s, int hashType) {
    byte[] der = EcdsaDer.encode(r, s);
    byte[] v = Arrays.copyOf(der, der.length + 1);
    v[der.length] = (byte) hashType;
    return v;
  }

  /** The tap_key_sig value: the 64-byte signature, plus the type byte unless DEFAULT. */
  static byte[] tapKeySig(byte[] sig64, int hashType) {
    if (hashType == Sighash.DEFAULT) {
      return sig64.clone();
    }
    byte[] v = Arrays.copyOf(sig64, 65);
    v[64] = (byte) hashType;
    return v;
  }
}
