package io.nitrosign.chains.stellar;

import io.nitrosign.chains.ChainFormatException;
import java.util.Arrays;

/**
 * Stellar strkeys (SEP-23): {@code base32(versionByte || payload || crc16xmodem_le(versionByte ||
 * payload))}, RFC 4648 alphabet, upper case, no padding. Decoding is strict: exact length, no
 * {@code =}, no lower case, unused trailing bits zero, checksum correct.
 */
public final class StrKey {

  /** Version byte of an account id ({@code G...}): 6 &lt;&lt; 3. */
  public static final int VERSION_ACCOUNT_ID = 6 << 3;
  /** Version byte of a muxed account ({@code M...}): 12 &lt;&lt; 3. */
  public static final int VERSION_MUXED_ACCOUNT = 12 << 3;
  /** Version byte of an Ed25519 secret seed ({@code S...}): 18 &lt;&lt; 3. */
  public static final int VERSION_SEED = 18 << 3;

  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final int[] DECODE = new int[128];

  static {
    Arrays.fill(DECODE, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      DECODE[ALPHABET[i]] = i;
    }
  }

  /** A decoded {@code M...} address: the Ed25519 key and the 64-bit (unsigned) id. */
  public record Muxed(byte[] ed25519, long id) {
    public Muxed {
      ed25519 = ed25519.clone();
    }

    @Override
    public byte[] ed25519() {
      return ed25519.clone();
    }
  }

  private StrKey() {}

  /** {@code G...} for a 32-byte Ed25519 public key. */
  public static String encodeAccountId(byte[] ed25519PublicKey) {
    requireLength(ed25519PublicKey, 32, "publicKey");
    return encode(VERSION_ACCOUNT_ID, ed25519PublicKey);
  }

  /** {@code M...} for a 32-byte Ed25519 public key and a 64-bit id (SEP-23 order: key, then id). */
  public static String encodeMuxedAccount(byte[] ed25519PublicKey, long id) {
    requireLength(ed25519PublicKey, 32, "publicKey");
    byte[] payload = Arrays.copyOf(ed25519PublicKey, 40);
    for (int i = 0; i < 8; i++) {
      payload[32 + i] = (byte) (id >>> (56 - 8 * i));
    }
    return encode(VERSION_MUXED_ACCOUNT, payload);
  }

  /** The 32-byte Ed25519 public key of a {@code G...} account id. */
  public static byte[] decodeAccountId(String strKey) {
    return decode(strKey, VERSION_ACCOUNT_ID, 32, "accountId");
  }

  /** The key and id of an {@code M...} muxed account. */
  public static Muxed decodeMuxedAccount(String strKey) {
    byte[] payload = decode(strKey, VERSION_MUXED_ACCOUNT, 40, "muxedAccount");
    long id = 0;
    for (int i = 0; i < 8; i++) {
      id = (id << 8) | (payload[32 + i] & 0xff);
    }
    return new Muxed(Arrays.copyOf(payload, 32), id);
  }

  /** The 32-byte Ed25519 seed of an {@code S...} secret (decode only; for tests and imports). */
  public static byte[] decodeSeed(String strKey) {
    return decode(strKey, VERSION_SEED, 32, "seed");
  }

  static String encode(int version, byte[] payload) {
    byte[] data = new byte[payload.length + 3];
    data[0] = (byte) version;
    System.arraycopy(payload, 0, data, 1, payload.length);
    int crc = crc16Xmodem(data, 0, payload.length + 1);
    data[payload.length + 1] = (byte) crc;
    data[payload.length + 2] = (byte) (crc >>> 8);
    return base32(data);
  }

  static byte[] decode(String strKey, int version, int payloadLength, String field) {
    if (strKey == null) {
      throw new ChainFormatException(field, "null");
    }
    int byteLength = payloadLength + 3;
    int charLength = (byteLength * 8 + 4) / 5;
    if (strKey.length() != charLength) {
      throw new ChainFormatException(
          field, "length " + strKey.length() + ", expected " + charLength + " characters");
    }
    byte[] data = new byte[byteLength];
    long buffer = 0;
    int bits = 0;
    int out = 0;
    for (int i = 0; i < charLength; i++) {
      char c = strKey.charAt(i);
      int v = c < 128 ? DECODE[c] : -1;
      if (v < 0) {
        throw new ChainFormatException(field, "character " + i + " is not in the base32 alphabet");
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        data[out++] = (byte) (buffer >>> bits);
        buffer &= (1L << bits) - 1;
      }
    }
    if (buffer != 0) {
      throw new ChainFormatException(field, "non-canonical base32: unused trailing bits are not zero");
    }
    if ((data[0] & 0xff) != version) {
      throw new ChainFormatException(
          field, "version byte " + (data[0] & 0xff) + ", expected " + version);
    }
    int crc = crc16Xmodem(data, 0, payloadLength + 1);
    int stored = (data[payloadLength + 1] & 0xff) | ((data[payloadLength + 2] & 0xff) << 8);
    if (crc != stored) {
      throw new ChainFormatException(field, "checksum mismatch");
    }
    return Arrays.copyOfRange(data, 1, payloadLength + 1);
  }

  /** CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final xor. */
  static int crc16Xmodem(byte[] data, int offset, int length) {
    int crc = 0;
    for (int i = offset; i < offset + length; i++) {
      crc ^= (data[i] & 0xff) << 8;
      for (int b = 0; b < 8; b++) {
        crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) : (crc << 1);
        crc &= 0xffff;
      }
    }
    return crc;
  }

  private static String base32(byte[] data) {
    StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        sb.append(ALPHABET[(buffer >>> bits) & 31]);
      }
      buffer &= (1 << bits) - 1;
    }
    if (bits > 0) {
      sb.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    return sb.toString();
  }

  private static void requireLength(byte[] b, int n, String field) {
    if (b == null || b.length != n) {
      throw new ChainFormatException(field, "must be " + n + " bytes");
    }
  }
}
