package io.nitrosign.parent;

import java.security.SecureRandom;

/** Random identifiers: 24 characters of lowercase base36 (about 124 bits), Privy-like. */
public final class Ids {
  public static final int LENGTH = 24;
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private Ids() {}

  public static String random(SecureRandom random) {
    char[] out = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  /** True for strings that could be one of our ids (checked before touching the database). */
  public static boolean plausible(String id) {
    if (id == null || id.isEmpty() || id.length() > 64) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
