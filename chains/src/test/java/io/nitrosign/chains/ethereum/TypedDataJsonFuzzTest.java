package io.nitrosign.chains.ethereum;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nitrosign.chains.ChainFormatException;

/**
 * Fuzzes {@link TypedDataJson#hash}, the exact path both the parent and the enclave take from the
 * bytes of {@code eth_signTypedData_v4} to the digest (strict JSON, then EIP-712): anything but a
 * {@link ChainFormatException} is a finding. Under plain {@code mvn test} this runs the seeds in
 * {@code TypedDataJsonFuzzTestInputs/hash/} (the EIP's Mail example, Privy's {@code primary_type}
 * spelling, arrays, recursive types and broken variants); with {@code JAZZER_FUZZ=1} it fuzzes
 * for 10 s.
 */
class TypedDataJsonFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void hash(byte[] input) {
    try {
      Eip712.Digest d = TypedDataJson.hash(input);
      if (d.digest().length != 32) {
        throw new AssertionError("digest is not 32 bytes");
      }
    } catch (ChainFormatException expected) {
      // refusing is fine
    }
  }
}
