package io.nitrosign.chains.solana;

import io.nitrosign.chains.ChainFormatException;
import java.util.Arrays;

/**
 * A Solana account address: 32 bytes (an Ed25519 public key, or a program-derived address that is
 * deliberately off the curve), shown as base58. Immutable value type.
 *
 * <p>{@link #parse} checks only the encoding and the length: whether 32 bytes are a point on the
 * curve is not checked (program-derived addresses are valid addresses and are not points).
 */
public final class SolanaAddress {

  public static final int LENGTH = 32;

  private final byte[] bytes;

  private SolanaAddress(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The address of a 32-byte Ed25519 public key (RFC 8032 encoding); the address is its base58. */
  public static String fromPublicKey(byte[] ed25519PublicKey) {
    return of(ed25519PublicKey, "publicKey").toBase58();
  }

  /** Wraps 32 bytes (copied). */
  public static SolanaAddress of(byte[] bytes, String field) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new ChainFormatException(field, "must be " + LENGTH + " bytes");
    }
    return new SolanaAddress(bytes.clone());
  }

  /** Parses a base58 address that must decode to exactly 32 bytes. */
  public static SolanaAddress parse(String base58, String field) {
    if (base58 != null && base58.length() > 44) {
      throw new ChainFormatException(field, "longer than 44 characters");
    }
    return new SolanaAddress(Base58.decodeExact(base58, LENGTH, field));
  }

  /** Whether the text is a well-formed address (base58 of exactly 32 bytes). */
  public static boolean isValid(String base58) {
    try {
      parse(base58, "address");
      return true;
    } catch (ChainFormatException e) {
      return false;
    }
  }

  static SolanaAddress wrapUnsafe(byte[] source, int offset) {
    return new SolanaAddress(Arrays.copyOfRange(source, offset, offset + LENGTH));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String toBase58() {
    return Base58.encode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SolanaAddress a && Arrays.equals(bytes, a.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return toBase58();
  }
}
