package io.nitrosign.enclave.signing;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.bitcoin.Psbt;
import io.nitrosign.chains.bitcoin.PsbtWallet;
import io.nitrosign.enclave.crypto.Bip340Signer;
import io.nitrosign.enclave.crypto.EcdsaSignature;
import io.nitrosign.enclave.crypto.TaprootTweak;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.BitcoinPsbt;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.InputSignature;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.util.Arrays;
import java.util.List;

/**
 * bitcoin_psbt: signs every input of a BIP-174 PSBT that belongs to the wallet's key
 * ({@link PsbtWallet}: P2WPKH and P2SH-P2WPKH with ECDSA over the BIP-143 sighash, RFC 6979 and
 * low-S; P2TR key path of the BIP-86 output key with BIP-340 Schnorr over the BIP-341 sighash).
 *
 * <p>Before anything is unsealed, {@link #prepare} parses the PSBT strictly, decides which inputs
 * are the wallet's from the wallet's public key (bound into its sealed shares) and computes every
 * digest itself, and applies the request's {@link PsbtWallet.SigningRules} (segwit v0 inputs need
 * non_witness_utxo unless {@code allow_witness_utxo_only}; sighash types other than DEFAULT and
 * ALL only when listed in {@code allowed_sighash_types}). A PSBT with no input to sign, or with an
 * input the rules refuse, is MALFORMED_PAYLOAD naming the input.
 *
 * <p>Taproot: the secret key is tweaked as BIP-341's taproot_tweak_seckey (no merkle root), used
 * for this request only and wiped. The BIP-340 auxiliary randomness is 32 fresh bytes per
 * signature from the {@link Bip340Signer.AuxSource} (the enclave's DRBG), as BIP-340 recommends
 * against side channels and faults: taproot signatures are not deterministic (the ECDSA ones,
 * RFC 6979, still are).
 */
final class BitcoinPsbtSigner implements PayloadSigner {

  private final Bip340Signer.AuxSource aux;

  BitcoinPsbtSigner(Bip340Signer.AuxSource aux) {
    if (aux == null) {
      throw new IllegalArgumentException("aux source required");
    }
    this.aux = aux;
  }

  @Override
  public Curve curve() {
    return Curve.SECP256K1;
  }

  @Override
  public Prepared prepare(SignRequest request) {
    byte[] publicKey = request.getKey().getPublicKey().toByteArray();
    BitcoinPsbt payload = request.getBitcoinPsbt();
    Psbt psbt = Psbt.parse(payload.getPsbt().toByteArray());
    PsbtWallet.SigningRules rules = new PsbtWallet.SigningRules(
        payload.getAllowWitnessUtxoOnly(), payload.getAllowedSighashTypesList());
    PsbtWallet wallet = PsbtWallet.of(publicKey);
    List<Psbt.InputSighash> toSign = wallet.toSign(psbt, rules);
    boolean taproot = toSign.stream().anyMatch(s -> s.kind() == Psbt.InputKind.P2TR_KEY_PATH);
    // The output key costs a point multiplication: only for PSBTs with a taproot input to sign.
    byte[] outputKey = taproot ? wallet.taprootOutputKey() : null;
    return key -> {
      if (!Arrays.equals(key.publicKey(), publicKey)) {
        throw new IllegalStateException("unsealed key does not match the request's key");
      }
      SignResponse.Builder out = SignResponse.newBuilder();
      if (!taproot) {
        for (Psbt.InputSighash s : toSign) {
          out.addInputSignatures(ecdsa(key, s));
        }
        return out.build();
      }
      try (SecretBytes tweaked = TaprootTweak.tweakSecretKey(key.privateKey(), null);
          Bip340Signer schnorr = Bip340Signer.create(tweaked, aux)) {
        if (!Arrays.equals(schnorr.publicKey(), outputKey)) {
          throw new IllegalStateException("tweaked key does not match the BIP-86 output key");
        }
        for (Psbt.InputSighash s : toSign) {
          if (s.kind() == Psbt.InputKind.P2TR_KEY_PATH) {
            out.addInputSignatures(entry(s, schnorr.sign(s.digest()), true));
          } else {
            out.addInputSignatures(ecdsa(key, s));
          }
        }
      }
      return out.build();
    };
  }

  private static InputSignature ecdsa(UnsealedKey key, Psbt.InputSighash s) {
    EcdsaSignature sig = key.secp256k1().sign(s.digest());
    byte[] rs = new byte[64];
    System.arraycopy(sig.r(), 0, rs, 0, 32);
    System.arraycopy(sig.s(), 0, rs, 32, 32);
    return entry(s, rs, false);
  }

  private static InputSignature entry(Psbt.InputSighash s, byte[] signature, boolean schnorr) {
    return InputSignature.newBuilder()
        .setInputIndex(s.index())
        .setDigest(ByteString.copyFrom(s.digest()))
        .setSighashType(s.hashType())
        .setSignature(ByteString.copyFrom(signature))
        .setSchnorr(schnorr)
        .build();
  }
}
