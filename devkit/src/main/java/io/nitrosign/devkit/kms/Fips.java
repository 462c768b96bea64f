package io.nitrosign.devkit.kms;

import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;

/** The BC-FIPS JCA provider, registered once. */
final class Fips {

  static final String PROVIDER = "BCFIPS";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Fips() {}

  static synchronized Provider provider() {
    Provider p = Security.getProvider(PROVIDER);
    if (p == null) {
      p = new BouncyCastleFipsProvider();
      Security.addProvider(p);
    }
    return p;
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static SecureRandom secureRandom() {
    return RANDOM;
  }
}
