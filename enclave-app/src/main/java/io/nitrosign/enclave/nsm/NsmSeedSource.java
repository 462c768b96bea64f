package io.nitrosign.enclave.nsm;

import io.nitrosign.enclave.crypto.SeedSource;
import java.util.Arrays;

/**
 * Seed material from the NSM's hardware random source: as many {@code GetRandom} calls as the
 * requested length needs, concatenated. Meant to be mixed with the OS source
 * ({@code SeedSource.mix(new NsmSeedSource(nsm), new OsSeedSource())}). An NSM failure is an
 * {@link IllegalStateException} with a fixed text: a DRBG must not be seeded with less than asked.
 */
public final class NsmSeedSource implements SeedSource {

  private final NsmDevice nsm;

  public NsmSeedSource(NsmDevice nsm) {
    this.nsm = nsm;
  }

  @Override
  public byte[] seed(int length) {
    byte[] out = new byte[length];
    int filled = 0;
    while (filled < length) {
      byte[] r;
      try {
        r = nsm.getRandom();
      } catch (NsmException e) {
        Arrays.fill(out, (byte) 0);
        throw new IllegalStateException("NSM GetRandom failed: " + e.code());
      }
      if (r.length == 0) {
        Arrays.fill(out, (byte) 0);
        throw new IllegalStateException("NSM GetRandom returned no bytes");
      }
      int n = Math.min(r.length, length - filled);
      System.arraycopy(r, 0, out, filled, n);
      Arrays.fill(r, (byte) 0);
      filled += n;
    }
    return out;
  }

  @Override
  public String name() {
    return "nsm-" + nsm.kind();
  }
}
