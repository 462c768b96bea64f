package io.nitrosign.chains.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Keccak256Test {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void emptyInput() {
    // keccak256("") — the well-known Ethereum empty-hash constant (KECCAK_EMPTY in go-ethereum,
    // ethers.js and the Yellow Paper's empty code hash).
    assertEquals(
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
        HEX.formatHex(Keccak256.hash(new byte[0])));
  }

  @Test
  void transferSignatureSelector() {
    // keccak256("transfer(address,uint256)") starts with the ERC-20 selector a9059cbb (EIP-20).
    byte[] h = Keccak256.hash("transfer(address,uint256)".getBytes(StandardCharsets.US_ASCII));
    assertEquals("a9059cbb", HEX.formatHex(h, 0, 4));
  }

  @Test
  void multiPartEqualsConcatenation() {
    byte[] a = "hello ".getBytes(StandardCharsets.US_ASCII);
    byte[] b = "world".getBytes(StandardCharsets.US_ASCII);
    assertEquals(
        HEX.formatHex(Keccak256.hash("hello world".getBytes(StandardCharsets.US_ASCII))),
        HEX.formatHex(Keccak256.hash(a, b)));
  }
}
