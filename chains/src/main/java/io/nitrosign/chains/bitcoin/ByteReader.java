package io.nitrosign.chains.bitcoin;

import io.nitrosign.chains.ChainFormatException;
import java.util.Arrays;

/** Bounded little-endian reader; every failure is a {@link ChainFormatException} naming the field. */
final class ByteReader {
  private final byte[] buf;
  private int pos;
  private final int end;

  ByteReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  ByteReader(byte[] buf, int off, int end) {
    this.buf = buf;
    this.pos = off;
    this.end = end;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return end - pos;
  }

  boolean atEnd() {
    return pos == end;
  }

  int u8(String field) {
    need(1, field);
    return buf[pos++] & 0xff;
  }

  int peek(String field) {
    need(1, field);
    return buf[pos] & 0xff;
  }

  long u32(String field) {
    need(4, field);
    long v = 0;
    for (int i = 3; i >= 0; i--) {
      v = v << 8 | (buf[pos + i] & 0xff);
    }
    pos += 4;
    return v;
  }

  long i64(String field) {
    need(8, field);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (buf[pos + i] & 0xff);
    }
    pos += 8;
    return v;
  }

  byte[] bytes(int n, String field) {
    need(n, field);
    byte[] r = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return r;
  }

  /** Canonical (shortest-form) CompactSize, at most {@code max}. */
  long compactSize(String field, long max) {
    int b = u8(field);
    long v;
    if (b < 0xfd) {
      v = b;
    } else if (b == 0xfd) {
      need(2, field);
      v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8;
      pos += 2;
      if (v < 0xfd) {
        throw new ChainFormatException(field, "non-canonical compact size");
      }
    } else if (b == 0xfe) {
      v = u32(field);
      if (v <= 0xffff) {
        throw new ChainFormatException(field, "non-canonical compact size");
      }
    } else {
      v = i64(field);
      if (v >= 0 && v <= 0xffffffffL) {
        throw new ChainFormatException(field, "non-canonical compact size");
      }
    }
    if (v < 0 || v > max) {
      throw new ChainFormatException(field, "too large");
    }
    return v;
  }

  /** A CompactSize-prefixed byte string of at most {@code max} bytes. */
  byte[] varBytes(String field, int max) {
    int n = (int) compactSize(field + ".length", max);
    return bytes(n, field);
  }

  private void need(int n, String field) {
    if (n < 0 || end - pos < n) {
      throw new ChainFormatException(field, "truncated");
    }
  }
}
