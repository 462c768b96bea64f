package io.nitrosign.chains.ethereum;

import java.nio.charset.StandardCharsets;

/**
 * EIP-191 signed data, version 0x45 ({@code personal_sign}, {@code eth_sign}): the digest is
 * {@code keccak256("\x19Ethereum Signed Message:\n" || decimal(len(message)) || message)}.
 */
public final class Eip191 {

  private static final byte[] PREFIX =
      "\u0019Ethereum Signed Message:\n".getBytes(StandardCharsets.US_ASCII);

  private Eip191() {}

  /** Returns the 32-byte personal-message digest of {@code message} (raw bytes, not hex). */
  public static byte[] personalMessageHash(byte[] message) {
    if (message == null) {
      throw new IllegalArgumentException("message is null");
    }
    byte[] length = Integer.toString(message.length).getBytes(StandardCharsets.US_ASCII);
    return Keccak256.hash(PREFIX, length, message);
  }
}
