package io.nitrosign.enclave.secret;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A secret held in a {@code byte[]} this object owns. {@link #close()} overwrites it with zeros;
 * any later access throws {@link IllegalStateException}. {@code toString()} never shows content,
 * and {@code equals} is identity: compare secrets with {@link #contentEquals(SecretBytes)}, which
 * runs in constant time.
 *
 * <p>Copies that leave this object ({@link #copy()}) and library-internal copies (for example a
 * {@code BigInteger} built from the bytes) are outside its control; keep them short-lived.
 */
public final class SecretBytes implements AutoCloseable {

  private final byte[] bytes;
  private volatile boolean closed;

  /**
   * Copies {@code source} into a new secret. The caller still owns (and should wipe) its own array.
   */
  public SecretBytes(byte[] source) {
    this.bytes = source.clone();
  }

  private SecretBytes(byte[] owned, boolean takeOwnership) {
    this.bytes = owned;
  }

  /** Takes ownership of {@code owned} without copying: it is wiped when this secret closes. */
  public static SecretBytes takeOwnership(byte[] owned) {
    return new SecretBytes(owned, true);
  }

  /** A new secret of {@code length} bytes drawn from {@code random}. */
  public static SecretBytes random(SecureRandom random, int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return new SecretBytes(b, true);
  }

  /** Number of bytes. Allowed after close. */
  public int length() {
    return bytes.length;
  }

  /**
   * Runs {@code reader} over the backing array without copying it. The reader must neither keep
   * nor modify the array.
   */
  public <T> T apply(Function<byte[], T> reader) {
    checkOpen();
    return reader.apply(bytes);
  }

  /** A copy of the content; the caller owns it and must wipe it. */
  public byte[] copy() {
    checkOpen();
    return bytes.clone();
  }

  /** Constant-time content comparison (lengths are not secret). */
  public boolean contentEquals(SecretBytes other) {
    checkOpen();
    other.checkOpen();
    return MessageDigest.isEqual(bytes, other.bytes);
  }

  /** True once {@link #close()} ran. */
  public boolean isClosed() {
    return closed;
  }

  /** Overwrites the content with zeros. Idempotent. */
  @Override
  public void close() {
    closed = true;
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public String toString() {
    return "SecretBytes[<redacted>, " + bytes.length + " bytes]";
  }

  /** For tests: the backing array itself. */
  byte[] backingArray() {
    return bytes;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("secret already closed");
    }
  }
}
