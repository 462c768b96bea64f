package io.nitrosign.chains.bitcoin;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nitrosign.chains.ChainFormatException;

/**
 * Fuzzes {@link Psbt#parse} and the accessors the signer and the policy use on a parsed PSBT
 * (serialize, decoded outputs, per-input kind/value/sighash, {@link PsbtWallet}'s choice of
 * inputs for a fixed key). Anything but a
 * {@link ChainFormatException} escaping is a finding, as is a parsed PSBT that does not serialize
 * back to its input. Under plain {@code mvn test} this runs the seed corpus in
 * {@code PsbtFuzzTestInputs/parse/} (BIP-174's valid and invalid vectors and truncations of them);
 * with {@code JAZZER_FUZZ=1} it fuzzes for 10 s.
 */
class PsbtFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void parse(byte[] input) {
    Psbt p;
    try {
      p = Psbt.parse(input);
    } catch (ChainFormatException expected) {
      return;
    }
    if (!java.util.Arrays.equals(input, p.serialize())) {
      throw new IllegalStateException("round trip changed the bytes");
    }
    p.decodedOutputs("bc");
    p.unsignedTx().txid();
    for (int i = 0; i < p.inputCount(); i++) {
      try {
        p.kind(i);
        p.inputValue(i);
        p.sighash(i);
      } catch (ChainFormatException expected) {
        // refusing is fine
      }
    }
    try {
      p.fee();
    } catch (ChainFormatException expected) {
      // missing UTXO or outputs exceeding inputs
    }
    try {
      WALLET.inputs(p);
      WALLET.toSign(p, new PsbtWallet.SigningRules(true, Sighash.PARTIAL_TYPES));
    } catch (ChainFormatException expected) {
      // nothing to sign, or the wallet's input cannot be signed
    }
    try {
      WALLET.toSign(p, PsbtWallet.SigningRules.STRICT);
    } catch (ChainFormatException expected) {
      // also refused under the default rules
    }
  }

  /** BIP-143's "Native P2WPKH" example key (bitcoin/bips bip-0143.mediawiki). */
  private static final PsbtWallet WALLET = PsbtWallet.of(java.util.HexFormat.of().parseHex(
      "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357"));
}
