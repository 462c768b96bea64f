package io.nitrosign.enclave.crypto;

import java.security.SecureRandom;

/** Entropy from the operating system (the JDK's default {@link SecureRandom}, /dev/urandom). */
public final class OsSeedSource implements SeedSource {

  private final SecureRandom os = new SecureRandom();

  @Override
  public byte[] seed(int length) {
    byte[] b = new byte[length];
    os.nextBytes(b);
    return b;
  }

  @Override
  public String name() {
    return "os";
  }
}
