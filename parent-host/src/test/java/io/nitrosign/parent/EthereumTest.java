package io.nitrosign.parent;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nitrosign.parent.wallet.Ethereum;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class EthereumTest {

  @Test
  void addressOfTheGeneratorPoint() {
    // Public key of private key 1 (the secp256k1 generator G).
    byte[] g = HexFormat.of().parseHex("04"
        + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
    assertEquals("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", Ethereum.address(g));
  }

  @Test
  void eip55ChecksumVectors() throws Exception {
    List<String> vectors = List.of(
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb");
    java.lang.reflect.Method checksum = Ethereum.class.getDeclaredMethod("checksum", String.class);
    checksum.setAccessible(true);
    List<Executable> checks = new ArrayList<>();
    for (String v : vectors) {
      String lower = v.substring(2).toLowerCase(java.util.Locale.ROOT);
      checks.add(() -> assertEquals(v, checksum.invoke(null, lower)));
    }
    assertAll(checks);
  }

  @Test
  void personalMessageDigestOfHello() {
    assertEquals("50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750",
        HexFormat.of().formatHex(Ethereum.personalMessageDigest("hello".getBytes(StandardCharsets.UTF_8))));
  }
}
