package io.nitrosign.chains.ethereum;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nitrosign.chains.ChainFormatException;
import java.util.Arrays;

/**
 * Fuzzes {@link EthTransaction#decodeUnsigned}: anything but a {@link ChainFormatException} (a
 * RuntimeException, an Error such as StackOverflowError or OutOfMemoryError) is a finding, and so
 * is accepting input that is not the canonical encoding of what was decoded (strict decoding means
 * re-encoding must give back the input byte for byte). Under plain {@code mvn test} this runs the
 * seed corpus in {@code EthTransactionFuzzTestInputs/decodeUnsigned/} (the EIP-155 example, the
 * go-ethereum EIP-2930 and ethereumjs EIP-1559 payloads, types 3 and 4, and broken variants); with
 * {@code JAZZER_FUZZ=1} it fuzzes for 10 s.
 */
class EthTransactionFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void decodeUnsigned(byte[] input) {
    EthTransaction tx;
    try {
      tx = EthTransaction.decodeUnsigned(input, true);
    } catch (ChainFormatException expected) {
      return; // refusing is fine
    }
    if (!Arrays.equals(input, tx.signingPayload())) {
      throw new AssertionError("accepted a non-canonical encoding");
    }
    tx.signingHash();
    tx.maxFeeWei();
    tx.toAddress();
  }
}
