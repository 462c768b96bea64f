package io.nitrosign.parent.quorum;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Fresh EC public keys as base64 DER SubjectPublicKeyInfo. */
public final class TestKeys {
  private TestKeys() {}

  public static byte[] spki(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair().getPublic().getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String p256() {
    return Base64.getEncoder().encodeToString(spki("secp256r1"));
  }

  /** As Privy's SDK examples write them: the PEM body, with a line break after 64 characters. */
  public static String p256WithLineBreak() {
    String b = p256();
    return b.substring(0, 64) + "\n" + b.substring(64);
  }
}
