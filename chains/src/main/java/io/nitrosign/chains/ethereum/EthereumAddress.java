package io.nitrosign.chains.ethereum;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Ethereum account addresses: derivation from a secp256k1 public key (the last 20 bytes of
 * keccak256 of the 64-byte X || Y) and the EIP-55 mixed-case checksum encoding.
 */
public final class EthereumAddress {

  private static final HexFormat HEX = HexFormat.of();

  private EthereumAddress() {}

  /**
   * Derives the EIP-55 checksummed address of an uncompressed SEC1 public key (65 bytes,
   * {@code 0x04 || X || Y}).
   *
   * @throws IllegalArgumentException if the key is not 65 bytes starting with 0x04
   */
  public static String fromPublicKey(byte[] uncompressed65) {
    if (uncompressed65 == null || uncompressed65.length != 65 || uncompressed65[0] != 0x04) {
      throw new IllegalArgumentException("public key must be 65 bytes, uncompressed (0x04 prefix)");
    }
    byte[] hash = Keccak256.hash(Arrays.copyOfRange(uncompressed65, 1, 65));
    return checksum("0x" + HEX.formatHex(hash, 12, 32));
  }

  /** Returns the 20 address bytes of an uncompressed public key. */
  public static byte[] bytesFromPublicKey(byte[] uncompressed65) {
    return HEX.parseHex(fromPublicKey(uncompressed65).substring(2).toLowerCase(Locale.ROOT));
  }

  /**
   * Returns the EIP-55 checksummed form of a 20-byte hex address given in any case, with or
   * without the {@code 0x} prefix.
   *
   * @throws IllegalArgumentException if the input is not 40 hex digits
   */
  public static String checksum(String address) {
    if (address == null) {
      throw new IllegalArgumentException("address is null");
    }
    String hex = address.startsWith("0x") || address.startsWith("0X") ? address.substring(2) : address;
    if (hex.length() != 40 || !hex.chars().allMatch(EthereumAddress::isHexDigit)) {
      throw new IllegalArgumentException("address must be 40 hex digits");
    }
    String lower = hex.toLowerCase(Locale.ROOT);
    byte[] hash = Keccak256.hash(lower.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder(42).append("0x");
    for (int i = 0; i < 40; i++) {
      char c = lower.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0x0f;
      out.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }

  /** True when {@code address} is exactly its own EIP-55 checksummed form (with 0x prefix). */
  public static boolean isValidChecksum(String address) {
    try {
      return address != null && address.startsWith("0x") && checksum(address).equals(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
