package io.nitrosign.policy.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nitrosign.chains.ethereum.Eip7702Authorization;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EIP-7702 authorizations. Origin of the vector: trustwallet/wallet-core
 * rust/tw_evm/tests/eip7702.rs (commit bda7c1e7ad61802a6442e53fee7617d554169ddd),
 * test_sign_authorization: chain 1, contract 0xB91aaa96…, nonce 1, signing hash 0x3ae543b2….
 */
class Eip7702AuthorizationPayloadTest {

  private static Eip7702Authorization authorization(Object chainId) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("contract", "0xb91aaa96b138a1b1d94c9df4628187132c5f2bf1");
    json.put("chain_id", chainId);
    json.put("nonce", "0x1");
    return Eip7702Authorization.fromJson(json, false, "authorization");
  }

  @Test
  void walletCoreVector() {
    Eip7702Authorization a = authorization(BigInteger.ONE);
    assertEquals("3ae543b2fa103a39a6985d964a67caed05f6b9bb2430ad6d498cda743fe911d9",
        HexFormat.of().formatHex(a.signingHash()));
    Eip7702AuthorizationPayload p = Eip7702AuthorizationPayload.of(a);
    assertEquals("0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1", p.contract());
    assertEquals(BigInteger.ONE, p.chainId());
    assertEquals(BigInteger.ONE, p.nonce());
    assertEquals(Map.of("contract", "0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1",
        "chain_id", "1", "nonce", "1"), p.audit());
    assertEquals(List.of("contract", "chain_id", "nonce"), List.copyOf(p.audit().keySet()));

    p.signed().put("digest", "0x3ae543b2fa103a39a6985d964a67caed05f6b9bb2430ad6d498cda743fe911d9");
    assertEquals(List.of("contract", "chain_id", "nonce", "digest"),
        List.copyOf(p.audit().keySet()));
  }

  @Test
  void chainZeroMeansEveryChain() {
    Map<String, Object> a = Eip7702AuthorizationPayload.of(authorization(BigInteger.ZERO)).audit();
    assertEquals(List.of("contract", "chain_id", "all_chains", "nonce"), List.copyOf(a.keySet()));
    assertEquals("0", a.get("chain_id"));
    assertEquals(true, a.get("all_chains"));
  }
}
