package io.nitrosign.chains.stellar;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nitrosign.chains.ChainFormatException;
import java.util.Arrays;

/**
 * Fuzzes {@link StellarEnvelope#decode}: only a {@link ChainFormatException} may escape. Whatever
 * decodes must re-encode to exactly the input (the decoder accepts only canonical XDR), must hash
 * under a passphrase, and must accept one more signature unless it already holds the maximum.
 * Under plain {@code mvn test} this runs the seed corpus in {@code
 * StellarEnvelopeFuzzTestInputs/decode/} (the published vectors of StellarEnvelopeTest, a
 * truncation and a trailing-byte variant); with {@code JAZZER_FUZZ=1} it fuzzes for 10 s.
 */
class StellarEnvelopeFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void decode(byte[] input) {
    StellarEnvelope env;
    try {
      env = StellarEnvelope.decode(input);
    } catch (ChainFormatException refused) {
      return;
    }
    if (!Arrays.equals(input, env.toXdr())) {
      throw new AssertionError("decoded envelope does not re-encode to its input");
    }
    if (env.hash(StellarEnvelope.TESTNET_PASSPHRASE).length != 32) {
      throw new AssertionError("hash is not 32 bytes");
    }
    env.transaction().operations().forEach(op -> op.type());
    try {
      byte[] signed = env.withSignature(new byte[32], new byte[64]).toXdr();
      StellarEnvelope again = StellarEnvelope.decode(signed);
      if (again.signatures().size() != env.signatures().size() + 1) {
        throw new AssertionError("signature not appended");
      }
    } catch (ChainFormatException full) {
      if (env.signatures().size() < StellarEnvelope.MAX_SIGNATURES) {
        throw new AssertionError("appending a signature failed", full);
      }
    }
  }
}
