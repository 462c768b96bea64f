package io.nitrosign.chains.bitcoin;

import io.nitrosign.chains.ChainFormatException;

/**
 * Segwit addresses for keys and scripts. P2TR takes the already-tweaked 32-byte x-only output key
 * ({@link Taproot#outputKey} or {@link Taproot#bip86OutputKey} computes it).
 */
public final class BitcoinAddress {
  private BitcoinAddress() {}

  /** bech32 P2WPKH address of a 33-byte compressed public key. */
  public static String p2wpkh(String hrp, byte[] compressedPubKey) {
    checkCompressed(compressedPubKey);
    return Bech32.encodeSegwit(hrp, 0, Hashes.hash160(compressedPubKey));
  }

  /** bech32m P2TR address of a 32-byte x-only output key (already tweaked). */
  public static String p2tr(String hrp, byte[] outputKeyX) {
    if (outputKeyX == null || outputKeyX.length != 32) {
      throw new ChainFormatException("output_key", "must be 32 bytes");
    }
    return Bech32.encodeSegwit(hrp, 1, outputKeyX);
  }

  static void checkCompressed(byte[] pub) {
    if (pub == null || pub.length != 33 || (pub[0] != 2 && pub[0] != 3)) {
      throw new ChainFormatException("pubkey", "must be a 33-byte compressed key");
    }
  }

  /**
   * The address of a scriptPubKey when it is a segwit output (v0..v16), else {@code null}
   * (legacy P2PKH/P2SH base58 addresses are not produced here).
   */
  public static String fromScriptPubKey(String hrp, byte[] spk) {
    if (spk.length < 4 || spk.length > 42) {
      return null;
    }
    int op = spk[0] & 0xff;
    int version;
    if (op == 0) {
      version = 0;
    } else if (op >= 0x51 && op <= 0x60) {
      version = op - 0x50;
    } else {
      return null;
    }
    if ((spk[1] & 0xff) != spk.length - 2) {
      return null;
    }
    byte[] prog = java.util.Arrays.copyOfRange(spk, 2, spk.length);
    try {
      return Bech32.encodeSegwit(hrp, version, prog);
    } catch (ChainFormatException e) {
      return null;
    }
  }
}
