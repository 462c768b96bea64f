package io.nitrosign.chains.solana;

import io.nitrosign.chains.ChainFormatException;

/**
 * {@code signMessage}: the bytes to sign for an off-chain message.
 *
 * <p>Format chosen: the plain message bytes, signed as they are with Ed25519 (no prefix, no hash),
 * which is what Phantom's, Solana wallet-adapter's and Privy's {@code signMessage} do and what
 * verifiers of those signatures ({@code nacl.sign.detached.verify(message, signature, publicKey)})
 * expect. The Solana "off-chain message" format with the {@code "\xffsolana offchain"} signing domain
 * is not used: wallets in practice do not apply it.
 *
 * <p>Since nothing separates these bytes from a transaction message, a plain signMessage could be
 * abused to obtain a transaction signature. So bytes that decode as a Solana message (legacy or
 * v0) or as a serialized transaction are refused here; transactions go through
 * {@code signTransaction}, where they are decoded for policy. Because a future message version
 * (v1, ...) would not decode here yet still be a transaction to the cluster, bytes whose first
 * byte is a versioned-message prefix {@code 0x80..0xBF} (versions 0 to 63) are refused as well; no
 * UTF-8 text starts with such a byte, so text messages are unaffected. Also refused: empty messages
 * and messages over {@link #MAX_LENGTH} bytes.
 */
public final class SolanaSignMessage {

  /** Longest message accepted. */
  public static final int MAX_LENGTH = 65_536;

  private SolanaSignMessage() {}

  /**
   * Returns the exact bytes to sign for {@code message} (a copy of it).
   *
   * @throws ChainFormatException (field {@code "message"}) if the message is null, empty, too long,
   *     or is a Solana transaction or transaction message
   */
  public static byte[] bytesToSign(byte[] message) {
    if (message == null || message.length == 0) {
      throw new ChainFormatException("message", "is empty");
    }
    if (message.length > MAX_LENGTH) {
      throw new ChainFormatException("message", "longer than " + MAX_LENGTH + " bytes");
    }
    int first = message[0] & 0xff;
    if (first >= 0x80 && first <= 0xbf) {
      throw new ChainFormatException("message",
          "starts with a versioned transaction message prefix (0x" + Integer.toHexString(first) + ")");
    }
    if (parses(message)) {
      throw new ChainFormatException("message",
          "is a Solana transaction or transaction message; sign it with signTransaction");
    }
    return message.clone();
  }

  private static boolean parses(byte[] m) {
    if (m.length > SolanaMessage.MAX_SIZE) {
      return false;
    }
    try {
      SolanaMessage.decode(m);
      return true;
    } catch (ChainFormatException notAMessage) {
      // fall through
    }
    try {
      SolanaTransaction.decode(m);
      return true;
    } catch (ChainFormatException notATransaction) {
      return false;
    }
  }
}
