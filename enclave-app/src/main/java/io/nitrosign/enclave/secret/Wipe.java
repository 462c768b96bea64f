package io.nitrosign.enclave.secret;

import java.util.Arrays;

/** Zeroizes plain arrays the project owns (the {@code clean_up_secure} of this code base). */
public final class Wipe {

  private Wipe() {}

  /** Overwrites every given array with zeros; null entries are skipped. */
  public static void wipe(byte[]... arrays) {
    for (byte[] a : arrays) {
      if (a != null) {
        Arrays.fill(a, (byte) 0);
      }
    }
  }
}
