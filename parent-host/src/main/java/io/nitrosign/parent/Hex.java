package io.nitrosign.parent;

import java.util.HexFormat;

/** Lowercase hex with an optional {@code 0x} prefix. */
public final class Hex {
  private static final HexFormat HEX = HexFormat.of();

  private Hex() {}

  public static String prefixed(byte[] bytes) {
    return "0x" + HEX.formatHex(bytes);
  }

  /**
   * Decodes hex with or without a {@code 0x} prefix; throws {@link IllegalArgumentException}
   * (with a message that never quotes the input) for odd length or non-hex characters.
   */
  public static byte[] decode(String text) {
    String s = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    if ((s.length() & 1) != 0) {
      throw new IllegalArgumentException("hex must have an even number of digits");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) > 0x7f) {
        throw new IllegalArgumentException("not valid hex");
      }
    }
    return HEX.parseHex(s);
  }
}
