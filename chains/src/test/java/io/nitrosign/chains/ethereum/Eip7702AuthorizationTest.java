package io.nitrosign.chains.ethereum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Eip7702AuthorizationTest {

  private static final HexFormat HEX = HexFormat.of();

  /**
   * Origin: trustwallet/wallet-core swift/Tests/Eip7702Tests.swift, testAuthorizationHash
   * ("Verified with viem"): chain 1, contract 0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1, nonce 1.
   */
  @Test
  void walletCoreVector() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("chainId", "0x1");
    json.put("contractAddress", "0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1");
    json.put("nonce", "0x1");
    Eip7702Authorization a = Eip7702Authorization.fromJson(json, false, "authorization");
    assertFalse(a.isSigned());
    assertEquals("3ae543b2fa103a39a6985d964a67caed05f6b9bb2430ad6d498cda743fe911d9",
        HEX.formatHex(a.signingHash()));
  }

  @Test
  void badInputNamesTheField() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("chainId", 1);
    json.put("address", "0xd8da6bf26964af9d7eed9e03e53415d37aa96045");
    json.put("nonce", "0x" + "f".repeat(17));
    assertEquals("authorization.nonce", assertThrows(ChainFormatException.class,
        () -> Eip7702Authorization.fromJson(json, false, "authorization")).field());
    json.put("nonce", 0);
    json.put("r", "0x1");
    assertEquals("authorization", assertThrows(ChainFormatException.class,
        () -> Eip7702Authorization.fromJson(json, false, "authorization")).field());
    json.remove("r");
    json.put("to", "0x");
    assertEquals("authorization.to", assertThrows(ChainFormatException.class,
        () -> Eip7702Authorization.fromJson(json, false, "authorization")).field());
  }
}
