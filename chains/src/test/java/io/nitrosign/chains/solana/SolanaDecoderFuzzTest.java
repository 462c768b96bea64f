package io.nitrosign.chains.solana;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nitrosign.chains.ChainFormatException;

/**
 * Fuzzes the Solana decoders: the bytes are read as a serialized transaction, as a bare message
 * (with every instruction decoded and every account resolved) and as a signMessage payload.
 * Anything but a {@link ChainFormatException} escaping is a finding. Under plain {@code mvn test}
 * this runs the seed corpus in {@code SolanaDecoderFuzzTestInputs/decode/} (the published vectors
 * of {@link SolanaVectors} and damaged variants); with {@code JAZZER_FUZZ=1} it fuzzes for 10 s.
 */
class SolanaDecoderFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void decode(byte[] input) {
    try {
      SolanaTransaction tx = SolanaTransaction.decode(input);
      tx.messageBytes();
      tx.serialize();
      exercise(tx.message());
    } catch (ChainFormatException expected) {
      // refusing is fine
    }
    try {
      exercise(SolanaMessage.decode(input));
    } catch (ChainFormatException expected) {
      // refusing is fine
    }
    try {
      SolanaSignMessage.bytesToSign(input);
    } catch (ChainFormatException expected) {
      // refusing is fine
    }
  }

  private static void exercise(SolanaMessage m) {
    m.accounts().forEach(Object::toString);
    m.recentBlockhashBase58();
    m.requiredSigners();
    SolanaInstruction.decodeAll(m).forEach(Object::toString);
  }
}
