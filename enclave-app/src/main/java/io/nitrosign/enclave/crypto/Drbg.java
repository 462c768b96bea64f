package io.nitrosign.enclave.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.EntropySource;
import org.bouncycastle.crypto.fips.FipsDRBG;

/**
 * The enclave's random bit generator: bc-fips HMAC-DRBG with SHA-512 (SP 800-90A), seeded and
 * reseeded from a pluggable {@link SeedSource}.
 */
public final class Drbg {

  private static final byte[] PERSONALIZATION =
      "nitrosign/enclave/drbg/v1".getBytes(StandardCharsets.US_ASCII);

  private Drbg() {}

  /** Builds a new DRBG instance seeded from {@code source}. Thread-safe. */
  public static SecureRandom create(SeedSource source) {
    byte[] nonce = source.seed(16);
    try {
      return FipsDRBG.SHA512_HMAC
          .fromEntropySource(bitsRequired -> new SeedEntropy(source, (bitsRequired + 7) / 8))
          .setSecurityStrength(256)
          .setEntropyBitsRequired(256)
          .setPersonalizationString(PERSONALIZATION)
          .build(nonce, false);
    } finally {
      java.util.Arrays.fill(nonce, (byte) 0);
    }
  }

  private static final class SeedEntropy implements EntropySource {
    private final SeedSource source;
    private final int bytes;

    SeedEntropy(SeedSource source, int bytes) {
      this.source = source;
      this.bytes = bytes;
    }

    @Override
    public boolean isPredictionResistant() {
      return true;
    }

    @Override
    public byte[] getEntropy() {
      return source.seed(bytes);
    }

    @Override
    public int entropySize() {
      return bytes * 8;
    }
  }
}
