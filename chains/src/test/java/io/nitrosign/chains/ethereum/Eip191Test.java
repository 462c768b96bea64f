package io.nitrosign.chains.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Eip191Test {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void helloWorld() {
    // ethers.js documentation, hashMessage("Hello World")
    // (docs.ethers.org, "Signing Messages"; also web3.eth.accounts.hashMessage("Hello World")).
    assertEquals(
        "a1de988600a42c4b4ab089b619297c17d53cffae5d5120d82d8a92d0bb3b78f2",
        HEX.formatHex(Eip191.personalMessageHash("Hello World".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void someData() {
    // web3.js documentation, web3.eth.accounts.sign("Some data", ...) example:
    // messageHash 0x1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655.
    assertEquals(
        "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655",
        HEX.formatHex(Eip191.personalMessageHash("Some data".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void lengthIsDecimalByteCount() {
    byte[] message = new byte[1234];
    byte[] expected = Keccak256.hash(
        "\u0019Ethereum Signed Message:\n1234".getBytes(StandardCharsets.US_ASCII), message);
    assertEquals(HEX.formatHex(expected), HEX.formatHex(Eip191.personalMessageHash(message)));
  }
}
