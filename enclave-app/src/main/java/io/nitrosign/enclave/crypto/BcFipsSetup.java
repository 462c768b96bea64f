package io.nitrosign.enclave.crypto;

/**
 * Process-wide BC-FIPS settings, applied before any BC-FIPS class is loaded.
 *
 * <p>BC-FIPS 2.1 uses native (JNI) digests when it finds a suitable CPU. For the enclave's
 * workload, many HMAC-SHA-256 computations over a few dozen bytes (RFC 6979 needs five per
 * signature), the per-object native set-up and disposal bookkeeping cost more than the digest:
 * measured with {@code bench/} on 2 cores, our signer did 9,900 signatures/s with the native
 * variant and 28,600/s with the Java one (p99 1.17 ms vs 0.10 ms). So the enclave asks for the
 * Java implementation ({@code org.bouncycastle.native.cpu_variant=java}); an explicit
 * {@code -D} on the command line still wins.
 */
public final class BcFipsSetup {

  static final String CPU_VARIANT = "org.bouncycastle.native.cpu_variant";

  private BcFipsSetup() {}

  /** Call first thing in {@code main}, before anything touches BC-FIPS. */
  public static void preferJavaImplementation() {
    if (System.getProperty(CPU_VARIANT) == null) {
      System.setProperty(CPU_VARIANT, "java");
    }
  }
}
