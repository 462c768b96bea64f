package io.nitrosign.chains.bitcoin;

import java.io.ByteArrayOutputStream;

/** Little-endian writer for Bitcoin serializations. */
final class ByteWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ByteWriter u8(int v) {
    out.write(v);
    return this;
  }

  ByteWriter u32(long v) {
    for (int i = 0; i < 4; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  ByteWriter i64(long v) {
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  ByteWriter bytes(byte[] b) {
    out.write(b, 0, b.length);
    return this;
  }

  ByteWriter compactSize(long v) {
    if (v < 0xfd) {
      out.write((int) v);
    } else if (v <= 0xffff) {
      out.write(0xfd);
      out.write((int) v);
      out.write((int) (v >>> 8));
    } else if (v <= 0xffffffffL) {
      out.write(0xfe);
      u32(v);
    } else {
      out.write(0xff);
      i64(v);
    }
    return this;
  }

  ByteWriter varBytes(byte[] b) {
    compactSize(b.length);
    return bytes(b);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
