package io.nitrosign.chains.bitcoin;

import io.nitrosign.chains.ChainFormatException;
import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** Bech32 (BIP-173) and Bech32m (BIP-350) strings, and segwit addresses built on them. */
public final class Bech32 {

  /** Checksum variant. */
  public enum Variant {
    BECH32(1),
    BECH32M(0x2bc830a3);

    final int constant;

    Variant(int constant) {
      this.constant = constant;
    }
  }

  /** A decoded string: lower-case HRP, 5-bit data without checksum, checksum variant. */
  public record Decoded(String hrp, byte[] data, Variant variant) {}

  /** A decoded segwit address. */
  public record SegwitAddress(String hrp, int version, byte[] program) {
    /** The scriptPubKey: OP_n, push(program). */
    public byte[] scriptPubKey() {
      byte[] s = new byte[program.length + 2];
      s[0] = (byte) (version == 0 ? 0 : 0x50 + version);
      s[1] = (byte) program.length;
      System.arraycopy(program, 0, s, 2, program.length);
      return s;
    }
  }

  public static final String MAINNET = "bc";
  public static final String TESTNET = "tb";
  private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final int MAX_LENGTH = 90;

  private Bech32() {}

  private static int polymod(byte[] values) {
    int[] gen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    int chk = 1;
    for (byte v : values) {
      int b = chk >>> 25;
      chk = (chk & 0x1ffffff) << 5 ^ (v & 0xff);
      for (int i = 0; i < 5; i++) {
        if (((b >>> i) & 1) != 0) {
          chk ^= gen[i];
        }
      }
    }
    return chk;
  }

  private static byte[] hrpExpand(String hrp) {
    int n = hrp.length();
    byte[] r = new byte[2 * n + 1];
    for (int i = 0; i < n; i++) {
      r[i] = (byte) (hrp.charAt(i) >> 5);
      r[n + 1 + i] = (byte) (hrp.charAt(i) & 31);
    }
    return r;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** Encodes lower-case {@code hrp} and 5-bit {@code data} with a checksum of {@code variant}. */
  public static String encode(String hrp, byte[] data, Variant variant) {
    checkHrp(hrp);
    if (!hrp.equals(hrp.toLowerCase(Locale.ROOT))) {
      throw new ChainFormatException("hrp", "must be lower case");
    }
    if (hrp.length() + 1 + data.length + 6 > MAX_LENGTH) {
      throw new ChainFormatException("bech32", "too long");
    }
    byte[] values = concat(concat(hrpExpand(hrp), data), new byte[6]);
    int mod = polymod(values) ^ variant.constant;
    StringBuilder sb = new StringBuilder(hrp).append('1');
    for (byte d : data) {
      if ((d & 0xff) > 31) {
        throw new ChainFormatException("data", "not 5-bit");
      }
      sb.append(CHARSET.charAt(d));
    }
    for (int i = 0; i < 6; i++) {
      sb.append(CHARSET.charAt((mod >>> (5 * (5 - i))) & 31));
    }
    return sb.toString();
  }

  private static void checkHrp(String hrp) {
    if (hrp.isEmpty() || hrp.length() > 83) {
      throw new ChainFormatException("hrp", "length out of range");
    }
    for (int i = 0; i < hrp.length(); i++) {
      char c = hrp.charAt(i);
      if (c < 33 || c > 126) {
        throw new ChainFormatException("hrp", "character out of range");
      }
    }
  }

  /** Decodes a Bech32 or Bech32m string (either checksum accepted; the variant is reported). */
  public static Decoded decode(String s) {
    if (s == null || s.length() > MAX_LENGTH) {
      throw new ChainFormatException("bech32", "too long");
    }
    boolean lower = false;
    boolean upper = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 33 || c > 126) {
        throw new ChainFormatException("bech32", "character out of range");
      }
      lower |= c >= 'a' && c <= 'z';
      upper |= c >= 'A' && c <= 'Z';
    }
    if (lower && upper) {
      throw new ChainFormatException("bech32", "mixed case");
    }
    String str = s.toLowerCase(Locale.ROOT);
    int pos = str.lastIndexOf('1');
    if (pos < 1) {
      throw new ChainFormatException("hrp", "missing separator or empty");
    }
    if (pos + 7 > str.length()) {
      throw new ChainFormatException("checksum", "too short");
    }
    String hrp = str.substring(0, pos);
    checkHrp(hrp);
    byte[] data = new byte[str.length() - pos - 1];
    for (int i = 0; i < data.length; i++) {
      int v = CHARSET.indexOf(str.charAt(pos + 1 + i));
      if (v < 0) {
        throw new ChainFormatException("data", "invalid character");
      }
      data[i] = (byte) v;
    }
    int mod = polymod(concat(hrpExpand(hrp), data));
    Variant variant;
    if (mod == Variant.BECH32.constant) {
      variant = Variant.BECH32;
    } else if (mod == Variant.BECH32M.constant) {
      variant = Variant.BECH32M;
    } else {
      throw new ChainFormatException("checksum", "invalid");
    }
    byte[] payload = new byte[data.length - 6];
    System.arraycopy(data, 0, payload, 0, payload.length);
    return new Decoded(hrp, payload, variant);
  }

  /** General power-of-two base conversion (BIP-173). */
  static byte[] convertBits(byte[] in, int from, int to, boolean pad, String field) {
    int acc = 0;
    int bits = 0;
    int maxv = (1 << to) - 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : in) {
      int v = b & 0xff;
      if (v >>> from != 0) {
        throw new ChainFormatException(field, "value out of range");
      }
      acc = (acc << from) | v;
      bits += from;
      while (bits >= to) {
        bits -= to;
        out.write((acc >>> bits) & maxv);
      }
    }
    if (pad) {
      if (bits > 0) {
        out.write((acc << (to - bits)) & maxv);
      }
    } else if (bits >= from) {
      throw new ChainFormatException(field, "excess padding");
    } else if (((acc << (to - bits)) & maxv) != 0) {
      throw new ChainFormatException(field, "non-zero padding");
    }
    return out.toByteArray();
  }

  /** Encodes a segwit address: version 0 with Bech32, versions 1..16 with Bech32m. */
  public static String encodeSegwit(String hrp, int version, byte[] program) {
    checkProgram(version, program);
    byte[] conv = convertBits(program, 8, 5, true, "program");
    byte[] data = new byte[conv.length + 1];
    data[0] = (byte) version;
    System.arraycopy(conv, 0, data, 1, conv.length);
    String s = encode(hrp, data, version == 0 ? Variant.BECH32 : Variant.BECH32M);
    decodeSegwit(hrp, s);
    return s;
  }

  /** Decodes a segwit address whose HRP must equal {@code expectedHrp}. */
  public static SegwitAddress decodeSegwit(String expectedHrp, String address) {
    Decoded d = decode(address);
    if (!d.hrp().equals(expectedHrp)) {
      throw new ChainFormatException("hrp", "unexpected human-readable part");
    }
    if (d.data().length < 1) {
      throw new ChainFormatException("data", "empty");
    }
    int version = d.data()[0];
    if (version > 16) {
      throw new ChainFormatException("version", "witness version out of range");
    }
    Variant want = version == 0 ? Variant.BECH32 : Variant.BECH32M;
    if (d.variant() != want) {
      throw new ChainFormatException("checksum", "wrong variant for witness version");
    }
    byte[] rest = new byte[d.data().length - 1];
    System.arraycopy(d.data(), 1, rest, 0, rest.length);
    byte[] program = convertBits(rest, 5, 8, false, "program");
    checkProgram(version, program);
    return new SegwitAddress(d.hrp(), version, program);
  }

  private static void checkProgram(int version, byte[] program) {
    if (version < 0 || version > 16) {
      throw new ChainFormatException("version", "witness version out of range");
    }
    if (program.length < 2 || program.length > 40) {
      throw new ChainFormatException("program", "length out of range");
    }
    if (version == 0 && program.length != 20 && program.length != 32) {
      throw new ChainFormatException("program", "invalid length for witness version 0");
    }
  }
}
