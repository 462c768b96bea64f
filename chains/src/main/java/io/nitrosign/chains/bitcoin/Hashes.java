package io.nitrosign.chains.bitcoin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, double SHA-256, HASH160 and BIP-340 tagged hashes (JDK SHA-256). */
public final class Hashes {
  private Hashes() {}

  public static byte[] sha256(byte[]... parts) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (byte[] p : parts) {
      md.update(p);
    }
    return md.digest();
  }

  public static byte[] sha256d(byte[] data) {
    return sha256(sha256(data));
  }

  /** RIPEMD-160(SHA-256(data)). */
  public static byte[] hash160(byte[] data) {
    return Ripemd160.digest(sha256(data));
  }

  /** BIP-340 tagged hash: SHA-256(SHA-256(tag) || SHA-256(tag) || parts...). */
  public static byte[] tagged(String tag, byte[]... parts) {
    byte[] t = sha256(tag.getBytes(StandardCharsets.UTF_8));
    byte[][] all = new byte[parts.length + 2][];
    all[0] = t;
    all[1] = t;
    System.arraycopy(parts, 0, all, 2, parts.length);
    return sha256(all);
  }
}
