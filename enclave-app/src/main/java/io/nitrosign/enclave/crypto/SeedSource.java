package io.nitrosign.enclave.crypto;

/**
 * A source of entropy for seeding the {@link Drbg}. Today the OS ({@link OsSeedSource}); in the
 * enclave an NSM GetRandom source will be mixed in with {@link #mix(SeedSource, SeedSource)}.
 */
public interface SeedSource {

  /** Returns {@code length} fresh bytes of full entropy. */
  byte[] seed(int length);

  /** Short name for logs. */
  String name();

  /** A source whose output is the XOR of both: as strong as the stronger of the two. */
  static SeedSource mix(SeedSource a, SeedSource b) {
    return new SeedSource() {
      @Override
      public byte[] seed(int length) {
        byte[] x = a.seed(length);
        byte[] y = b.seed(length);
        for (int i = 0; i < length; i++) {
          x[i] ^= y[i];
        }
        java.util.Arrays.fill(y, (byte) 0);
        return x;
      }

      @Override
      public String name() {
        return a.name() + "^" + b.name();
      }
    };
  }
}
