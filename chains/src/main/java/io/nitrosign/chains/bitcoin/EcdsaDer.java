package io.nitrosign.chains.bitcoin;

import io.nitrosign.chains.ChainFormatException;
import java.math.BigInteger;

/** Strict DER (BIP-66) ECDSA signatures with low-S (BIP-62/146) for segwit v0 partial sigs. */
public final class EcdsaDer {
  /** secp256k1 group order n (SEC 2). */
  static final BigInteger N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
  static final BigInteger HALF_N = N.shiftRight(1);

  private EcdsaDer() {}

  /** DER-encodes (r, s), each 32 bytes big-endian; rejects r or s outside [1, n) and high S. */
  public static byte[] encode(byte[] r32, byte[] s32) {
    if (r32.length != 32 || s32.length != 32) {
      throw new ChainFormatException("signature", "r and s must be 32 bytes");
    }
    BigInteger r = new BigInteger(1, r32);
    BigInteger s = new BigInteger(1, s32);
    if (r.signum() == 0 || r.compareTo(N) >= 0 || s.signum() == 0 || s.compareTo(N) >= 0) {
      throw new ChainFormatException("signature", "r or s out of range");
    }
    if (s.compareTo(HALF_N) > 0) {
      throw new ChainFormatException("signature", "high S");
    }
    byte[] rb = r.toByteArray();
    byte[] sb = s.toByteArray();
    return new ByteWriter().u8(0x30).u8(4 + rb.length + sb.length)
        .u8(0x02).u8(rb.length).bytes(rb).u8(0x02).u8(sb.length).bytes(sb).toByteArray();
  }

  /**
   * Checks a signature-with-hashtype as found in a PSBT partial_sig or a witness: strict DER
   * (BIP-66), low S, and a segwit v0 sighash type.
   */
  public static void checkSignatureWithHashType(byte[] sig, String field) {
    if (sig.length < 9 || sig.length > 73) {
      throw new ChainFormatException(field, "bad signature length");
    }
    int len = sig.length - 1;
    if ((sig[0] & 0xff) != 0x30 || (sig[1] & 0xff) != len - 2) {
      throw new ChainFormatException(field, "not DER");
    }
    int lenR = sig[3] & 0xff;
    if (5 + lenR >= len) {
      throw new ChainFormatException(field, "not DER");
    }
    int lenS = sig[5 + lenR] & 0xff;
    if (lenR + lenS + 7 != sig.length) {
      throw new ChainFormatException(field, "not DER");
    }
    if (sig[2] != 0x02 || lenR == 0 || (sig[4] & 0x80) != 0
        || (lenR > 1 && sig[4] == 0 && (sig[5] & 0x80) == 0)) {
      throw new ChainFormatException(field, "bad DER integer r");
    }
    int sOff = 6 + lenR;
    if (sig[4 + lenR] != 0x02 || lenS == 0 || (sig[sOff] & 0x80) != 0
        || (lenS > 1 && sig[sOff] == 0 && (sig[sOff + 1] & 0x80) == 0)) {
      throw new ChainFormatException(field, "bad DER integer s");
    }
    BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 4, 4 + lenR));
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, sOff, sOff + lenS));
    if (r.signum() == 0 || r.compareTo(N) >= 0 || s.signum() == 0 || s.compareTo(HALF_N) > 0) {
      throw new ChainFormatException(field, "r or s out of range (or high S)");
    }
    Sighash.checkSegwitV0Type(sig[sig.length - 1] & 0xff);
  }
}
