package io.nitrosign.chains.solana;

import io.nitrosign.chains.ChainFormatException;
import java.io.ByteArrayOutputStream;

/**
 * Solana's compact-u16 ("shortvec") length prefix: 7 bits per byte, little-endian, high bit =
 * continuation, at most 3 bytes, value at most 0xffff. Decoding refuses non-canonical encodings
 * (a zero final byte after a continuation, e.g. {@code 80 00}), a third byte above 0x03 (would
 * overflow u16) and a continuation bit on the third byte, as the Solana runtime does.
 */
public final class ShortVec {

  private ShortVec() {}

  /** Encodes 0..65535. */
  public static byte[] encode(int value) {
    if (value < 0 || value > 0xffff) {
      throw new IllegalArgumentException("compact-u16 out of range: " + value);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(3);
    int v = value;
    while (true) {
      int b = v & 0x7f;
      v >>>= 7;
      if (v == 0) {
        out.write(b);
        return out.toByteArray();
      }
      out.write(b | 0x80);
    }
  }

  /** Decodes one compact-u16 from the reader. */
  static int decode(Reader in, String field) {
    int value = 0;
    for (int i = 0; i < 3; i++) {
      int b = in.u8(field);
      if (i == 2 && b > 0x03) {
        throw new ChainFormatException(field, "compact-u16 overflows 16 bits");
      }
      if (i > 0 && b == 0) {
        throw new ChainFormatException(field, "non-canonical compact-u16 (zero continuation byte)");
      }
      value |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new ChainFormatException(field, "compact-u16 longer than 3 bytes");
  }

  /** Decodes a compact-u16 from the start of {@code bytes}, which must hold exactly that. */
  public static int decodeExact(byte[] bytes) {
    Reader r = new Reader(bytes);
    int v = decode(r, "compactU16");
    r.requireEnd("compactU16");
    return v;
  }
}
