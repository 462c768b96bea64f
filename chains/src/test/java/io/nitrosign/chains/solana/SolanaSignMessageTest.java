package io.nitrosign.chains.solana;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SolanaSignMessageTest {

  @Test
  void plainBytesAreSignedAsTheyAre() {
    byte[] m = "Sign in to example.com\nNonce: 42".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(m, SolanaSignMessage.bytesToSign(m));
    byte[] bin = {(byte) 0xff, 's', 'o', 'l'};
    assertArrayEquals(bin, SolanaSignMessage.bytesToSign(bin));
  }

  @Test
  void transactionsAndTransactionMessagesAreRefused() {
    for (byte[] b : new byte[][] {SolanaVectors.LEGACY_TRANSFER_MESSAGE, SolanaVectors.V0_JUPITER_TX,
        Base58.decode(SolanaVectors.TOKEN_TRANSFER_CHECKED_TX_BASE58, "t"),
        SolanaTransaction.decode(SolanaVectors.V0_JUPITER_TX).messageBytes()}) {
      ChainFormatException e = assertThrows(ChainFormatException.class, () -> SolanaSignMessage.bytesToSign(b));
      assertEquals("message", e.field());
    }
  }

  @Test
  void versionedPrefixesAreRefusedButUtf8TextIsNot() {
    for (int b = 0x80; b <= 0xbf; b++) {
      byte[] m = {(byte) b, 'h', 'i'};
      assertThrows(ChainFormatException.class, () -> SolanaSignMessage.bytesToSign(m));
    }
    byte[] text = "\u00c9t\u00e9 \u65e5\u672c".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(text, SolanaSignMessage.bytesToSign(text));
  }

  @Test
  void emptyNullAndOversizeAreRefused() {
    assertThrows(ChainFormatException.class, () -> SolanaSignMessage.bytesToSign(null));
    assertThrows(ChainFormatException.class, () -> SolanaSignMessage.bytesToSign(new byte[0]));
    assertThrows(ChainFormatException.class,
        () -> SolanaSignMessage.bytesToSign(new byte[SolanaSignMessage.MAX_LENGTH + 1]));
  }
}
