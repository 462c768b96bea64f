package io.nitrosign.chains.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class EthereumAddressTest {

  /** The checksummed addresses listed in EIP-55 itself (eips.ethereum.org/EIPS/eip-55). */
  private static final List<String> EIP55_VECTORS = List.of(
      // All caps
      "0x52908400098527886E0F7030069857D2E4169EE7",
      "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
      // All lower
      "0xde709f2102306220921060314715629080e2fb77",
      "0x27b1fdb04752bbc536007a920d24acb045561c26",
      // Normal
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
      "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb");

  @Test
  void eip55Vectors() {
    List<String> failures = new ArrayList<>();
    for (String expected : EIP55_VECTORS) {
      String lower = "0x" + expected.substring(2).toLowerCase(Locale.ROOT);
      String upper = "0x" + expected.substring(2).toUpperCase(Locale.ROOT);
      for (String input : List.of(lower, upper, expected.substring(2))) {
        String got = EthereumAddress.checksum(input);
        if (!got.equals(expected)) {
          failures.add(input + " -> " + got + ", expected " + expected);
        }
      }
      if (!EthereumAddress.isValidChecksum(expected)) {
        failures.add(expected + " not accepted as valid");
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void wrongCaseIsNotAValidChecksum() {
    assertFalse(EthereumAddress.isValidChecksum("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
    assertFalse(EthereumAddress.isValidChecksum("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe"));
  }

  @Test
  void fromGeneratorPoint() {
    // Private key 1: its public key is the secp256k1 generator G (SEC 2, section 2.4.1), and its
    // Ethereum address 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf is widely published (e.g. the
    // ethers.js / web3 test fixtures for private key 0x...01).
    byte[] g = HexFormat.of().parseHex("04"
        + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
    assertEquals("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", EthereumAddress.fromPublicKey(g));
  }

  @Test
  void rejectsMalformed() {
    assertThrows(IllegalArgumentException.class, () -> EthereumAddress.checksum("0x1234"));
    assertThrows(IllegalArgumentException.class,
        () -> EthereumAddress.checksum("0xZZ908400098527886E0F7030069857D2E4169EE7"));
    assertThrows(IllegalArgumentException.class, () -> EthereumAddress.fromPublicKey(new byte[64]));
    byte[] compressedPrefix = new byte[65];
    compressedPrefix[0] = 0x02;
    assertThrows(IllegalArgumentException.class,
        () -> EthereumAddress.fromPublicKey(compressedPrefix));
  }
}
