package io.nitrosign.chains.stellar;

import io.nitrosign.chains.ChainFormatException;
import java.util.Arrays;

/**
 * A strict XDR (RFC 4506) reader over a byte array: every read is bounds-checked, variable-length
 * data is length-bounded and its padding must be zero, booleans and optionals must be 0 or 1.
 * Errors name the field being read.
 */
final class XdrReader {

  private final byte[] data;
  private int pos;

  XdrReader(byte[] data) {
    this.data = data;
  }

  int position() {
    return pos;
  }

  byte[] slice(int from, int to) {
    return Arrays.copyOfRange(data, from, to);
  }

  private void need(int n, String field) {
    if (n < 0 || data.length - pos < n) {
      throw new ChainFormatException(
          field, "truncated: need " + n + " bytes at offset " + pos + ", have " + (data.length - pos));
    }
  }

  int readInt(String field) {
    need(4, field);
    int v = ((data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16)
        | ((data[pos + 2] & 0xff) << 8) | (data[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  long readUnsignedInt(String field) {
    return readInt(field) & 0xffffffffL;
  }

  long readLong(String field) {
    long hi = readInt(field) & 0xffffffffL;
    long lo = readInt(field) & 0xffffffffL;
    return (hi << 32) | lo;
  }

  boolean readBool(String field) {
    int v = readInt(field);
    if (v != 0 && v != 1) {
      throw new ChainFormatException(field, "boolean/optional discriminant " + v + " is not 0 or 1");
    }
    return v == 1;
  }

  /** Fixed-length opaque of {@code n} bytes (n a multiple of 4 in every use here, but padded anyway). */
  byte[] readFixedOpaque(int n, String field) {
    need(n, field);
    byte[] out = Arrays.copyOfRange(data, pos, pos + n);
    pos += n;
    readPadding(n, field);
    return out;
  }

  /** Variable-length opaque/string with at most {@code max} bytes. */
  byte[] readVarOpaque(int max, String field) {
    long len = readUnsignedInt(field + ".length");
    if (len > max) {
      throw new ChainFormatException(field, "length " + len + " exceeds the maximum " + max);
    }
    return readFixedOpaque((int) len, field);
  }

  /** Array length with at most {@code max} elements. */
  int readArrayLength(int max, String field) {
    long len = readUnsignedInt(field + ".length");
    if (len > max) {
      throw new ChainFormatException(field, "array length " + len + " exceeds the maximum " + max);
    }
    return (int) len;
  }

  private void readPadding(int n, String field) {
    int pad = (4 - (n & 3)) & 3;
    need(pad, field + ".padding");
    for (int i = 0; i < pad; i++) {
      if (data[pos + i] != 0) {
        throw new ChainFormatException(field + ".padding", "padding byte is not zero");
      }
    }
    pos += pad;
  }

  void requireEnd(String field) {
    if (pos != data.length) {
      throw new ChainFormatException(field, (data.length - pos) + " trailing bytes");
    }
  }
}
