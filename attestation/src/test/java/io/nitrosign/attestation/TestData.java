package io.nitrosign.attestation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/** The real AWS-signed documents (see src/test/resources/attestation/README.md). */
final class TestData {
  static final String EVERVAULT_DEBUG = "attestation/evervault_ga_2023-09-18_debug.cbor";
  static final String BLOCKY_PROD = "attestation/blocky_nitrite_2024-09-07_prod_maxfields.cbor";
  /** Times at which the chains are valid, from the testdata README. */
  static final Instant EVERVAULT_AT = Instant.ofEpochSecond(1695050165);
  static final Instant BLOCKY_AT = Instant.ofEpochSecond(1725719859);

  static byte[] resource(String name) {
    try (InputStream in = TestData.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private TestData() {}
}
