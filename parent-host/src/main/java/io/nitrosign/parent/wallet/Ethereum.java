package io.nitrosign.parent.wallet;

import com.joemelsha.crypto.hash.Keccak;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The parent's independent checks of what the enclave returns for Ethereum wallets: the address
 * belongs to the public key (EIP-55), and a personal_sign digest is the EIP-191 hash of the
 * message the parent sent.
 */
public final class Ethereum {
  private Ethereum() {}

  public static byte[] keccak256(byte[] data) {
    return new Keccak(256).digest(data);
  }

  /** EIP-55 checksummed address of an uncompressed SEC1 secp256k1 public key (65 bytes). */
  public static String address(byte[] uncompressedPublicKey) {
    if (uncompressedPublicKey.length != 65 || uncompressedPublicKey[0] != 0x04) {
      throw new IllegalArgumentException("expected a 65-byte uncompressed public key");
    }
    byte[] hash = keccak256(Arrays.copyOfRange(uncompressedPublicKey, 1, 65));
    return checksum(HexFormat.of().formatHex(hash, 12, 32));
  }

  /** EIP-55 checksum casing of 40 lowercase hex digits, with the 0x prefix. */
  static String checksum(String lowerHex40) {
    byte[] h = keccak256(lowerHex40.getBytes(StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder("0x");
    for (int i = 0; i < 40; i++) {
      char c = lowerHex40.charAt(i);
      int nibble = (h[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }

  /** EIP-191 version 0x45: keccak256("\x19Ethereum Signed Message:\n" || len || message). */
  public static byte[] personalMessageDigest(byte[] message) {
    byte[] prefix = ("\u0019Ethereum Signed Message:\n" + message.length).getBytes(StandardCharsets.US_ASCII);
    Keccak k = new Keccak(256);
    k.update(prefix);
    k.update(message);
    return k.digest();
  }
}
