package io.nitrosign.attestation;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link AttestationDocument#parseUnverified}: anything but an {@link AttestationException}
 * (a RuntimeException, an Error such as StackOverflowError) is a finding. Under plain {@code mvn
 * test} this runs the seed corpus in {@code AttestationDocumentFuzzTestInputs/parse/} (real
 * documents and truncations of them); with {@code JAZZER_FUZZ=1} it fuzzes for 10 s (the suite runs it so).
 */
class AttestationDocumentFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void parse(byte[] input) {
    try {
      AttestationDocument d = AttestationDocument.parseUnverified(input);
      d.pcrs();
      d.isDebug();
      d.cabundle();
    } catch (AttestationException expected) {
      // refusing is fine
    }
  }
}
