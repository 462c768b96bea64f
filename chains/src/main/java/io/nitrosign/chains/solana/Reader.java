package io.nitrosign.chains.solana;

import io.nitrosign.chains.ChainFormatException;

/** Bounded cursor over a byte array; every read past the end is a {@link ChainFormatException}. */
final class Reader {

  private final byte[] buf;
  private int pos;

  Reader(byte[] buf) {
    this.buf = buf;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return buf.length - pos;
  }

  int u8(String field) {
    if (pos >= buf.length) {
      throw new ChainFormatException(field, "truncated");
    }
    return buf[pos++] & 0xff;
  }

  int peek(String field) {
    if (pos >= buf.length) {
      throw new ChainFormatException(field, "truncated");
    }
    return buf[pos] & 0xff;
  }

  byte[] bytes(int n, String field) {
    if (n < 0 || n > remaining()) {
      throw new ChainFormatException(field, "truncated (needs " + n + " bytes, " + remaining() + " left)");
    }
    byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  SolanaAddress address(String field) {
    if (remaining() < SolanaAddress.LENGTH) {
      throw new ChainFormatException(field, "truncated (needs 32 bytes, " + remaining() + " left)");
    }
    SolanaAddress a = SolanaAddress.wrapUnsafe(buf, pos);
    pos += SolanaAddress.LENGTH;
    return a;
  }

  long u64le(String field) {
    byte[] b = bytes(8, field);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  long u32le(String field) {
    byte[] b = bytes(4, field);
    return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
  }

  void requireEnd(String field) {
    if (pos != buf.length) {
      throw new ChainFormatException(field, (buf.length - pos) + " trailing bytes");
    }
  }
}
