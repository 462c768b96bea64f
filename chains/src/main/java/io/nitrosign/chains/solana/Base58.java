package io.nitrosign.chains.solana;

import io.nitrosign.chains.ChainFormatException;
import java.util.Arrays;

/**
 * Base58 with the Bitcoin alphabet (no checksum), as used for Solana addresses, blockhashes and
 * signatures. Decoding is strict: null, characters outside the alphabet (including whitespace) and
 * inputs longer than {@link #MAX_ENCODED_LENGTH} are refused. Base58 without checksum is a
 * bijection between strings and byte strings (leading '1's are leading zero bytes), so every
 * accepted string is the canonical encoding of what it decodes to.
 */
public final class Base58 {

  /** Longest accepted text: a 1232-byte serialized transaction fits (1232 * 1.37 < 1700). */
  public static final int MAX_ENCODED_LENGTH = 1700;

  static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final int[] INDEXES = new int[128];

  static {
    Arrays.fill(INDEXES, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      INDEXES[ALPHABET.charAt(i)] = i;
    }
  }

  private Base58() {}

  /** Encodes bytes (any length, including empty) as base58 text. */
  public static String encode(byte[] input) {
    if (input == null) {
      throw new ChainFormatException("base58", "input is null");
    }
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) {
      zeros++;
    }
    // big-endian base-58 digits of the number, computed by repeated division (quadratic, inputs are small)
    byte[] number = Arrays.copyOfRange(input, zeros, input.length);
    char[] out = new char[input.length * 2];
    int pos = out.length;
    int start = 0;
    while (start < number.length) {
      int remainder = 0;
      for (int i = start; i < number.length; i++) {
        int acc = (remainder << 8) | (number[i] & 0xff);
        number[i] = (byte) (acc / 58);
        remainder = acc % 58;
      }
      out[--pos] = ALPHABET.charAt(remainder);
      while (start < number.length && number[start] == 0) {
        start++;
      }
    }
    for (int i = 0; i < zeros; i++) {
      out[--pos] = '1';
    }
    return new String(out, pos, out.length - pos);
  }

  /**
   * Decodes base58 text.
   *
   * @param field the field name to report in a refusal
   * @throws ChainFormatException if the text is null, too long or has a character outside the
   *     alphabet
   */
  public static byte[] decode(String text, String field) {
    if (text == null) {
      throw new ChainFormatException(field, "is null");
    }
    if (text.length() > MAX_ENCODED_LENGTH) {
      throw new ChainFormatException(field, "longer than " + MAX_ENCODED_LENGTH + " characters");
    }
    int n = text.length();
    byte[] digits = new byte[n];
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      int d = c < 128 ? INDEXES[c] : -1;
      if (d < 0) {
        throw new ChainFormatException(field, "character " + i + " is not in the base58 alphabet");
      }
      digits[i] = (byte) d;
    }
    int zeros = 0;
    while (zeros < n && digits[zeros] == 0) {
      zeros++;
    }
    // base-256 digits, little-endian in a scratch buffer large enough for n base-58 digits
    byte[] b256 = new byte[n]; // log(58)/log(256) < 1
    int len = 0;
    for (int i = zeros; i < n; i++) {
      int carry = digits[i];
      for (int j = 0; j < len; j++) {
        carry += (b256[j] & 0xff) * 58;
        b256[j] = (byte) carry;
        carry >>>= 8;
      }
      while (carry > 0) {
        b256[len++] = (byte) carry;
        carry >>>= 8;
      }
    }
    byte[] out = new byte[zeros + len];
    for (int j = 0; j < len; j++) {
      out[zeros + j] = b256[len - 1 - j];
    }
    return out;
  }

  /** Decodes base58 text that must be exactly {@code length} bytes. */
  public static byte[] decodeExact(String text, int length, String field) {
    byte[] out = decode(text, field);
    if (out.length != length) {
      throw new ChainFormatException(field, "decodes to " + out.length + " bytes, expected " + length);
    }
    return out;
  }
}
