package io.nitrosign.enclave.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/** Ed25519 signature verification (RFC 8032) through BC-FIPS; false for anything malformed. */
public final class Ed25519Verifier {

  /** RFC 8410: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (32 bytes) }. */
  private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
      0x03, 0x21, 0x00};

  private Ed25519Verifier() {}

  public static boolean verify(byte[] publicKey32, byte[] message, byte[] signature64) {
    if (publicKey32 == null || publicKey32.length != Ed25519Signer.PUBLIC_KEY_BYTES
        || signature64 == null || signature64.length != Ed25519Signer.SIGNATURE_BYTES
        || message == null) {
      return false;
    }
    byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + publicKey32.length);
    System.arraycopy(publicKey32, 0, spki, SPKI_PREFIX.length, publicKey32.length);
    try {
      PublicKey key = KeyFactory.getInstance("Ed25519", Ed25519Signer.PROVIDER)
          .generatePublic(new X509EncodedKeySpec(spki));
      Signature s = Signature.getInstance("Ed25519", Ed25519Signer.PROVIDER);
      s.initVerify(key);
      s.update(message);
      return s.verify(signature64);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
