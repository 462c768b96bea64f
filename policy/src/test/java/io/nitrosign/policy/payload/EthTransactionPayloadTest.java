package io.nitrosign.policy.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ethereum.EthTransaction;
import io.nitrosign.chains.ethereum.EthereumAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ethereum transactions' typed view and audit object, on published transactions. */
class EthTransactionPayloadTest {

  private static final HexFormat HEX = HexFormat.of();

  // Origin: EIP-155 "Example" (ethereum/EIPs EIPS/eip-155.md): nonce 9, 20 gwei, 21000 gas,
  // to 0x3535…35, 1 ether, chain 1 (unsigned, as signed: with chain id, 0, 0).
  static final String EIP155_UNSIGNED =
      "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";

  // Origin: ethereumjs/ethereumjs-monorepo packages/tx/test/json/eip1559.json (commit
  // 052242cc97facfc1e449afbbff8e0efa3ceea964), first vector (also in chains' test resources,
  // ethereumjs-eip1559-vectors.json): chain 7822, nonce 819, value 43203529, gas 35552, tip 75853,
  // max fee 121212, to 0x…aaaa; its signature (y parity 0) and signed transaction.
  static final String EIP1559_SIGNED = "02f870821e8e8203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc980c080a0d067f2167008c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0a01d305af9fe81fdba43f0dfcd400ed24dcace0a7e30d4e85701dcaaf484cd079e";

  private static List<String> keys(Map<String, Object> m) {
    return new ArrayList<>(m.keySet());
  }

  @Test
  void eip155ExampleAsRlp() {
    EthTransaction tx = EthTransaction.decodeUnsigned(HEX.parseHex(EIP155_UNSIGNED), false);
    EthTransactionPayload p = EthTransactionPayload.of(tx, "rlp");
    assertEquals("rlp", p.format());
    assertEquals(0, p.type());
    assertEquals(BigInteger.ONE, p.chainId());
    assertEquals(BigInteger.valueOf(9), p.nonce());
    assertEquals("0x3535353535353535353535353535353535353535", p.to());
    assertEquals(new BigInteger("1000000000000000000"), p.value());
    assertEquals(BigInteger.valueOf(21000), p.gasLimit());
    assertEquals(new BigInteger("20000000000"), p.gasPrice());
    assertNull(p.maxFeePerGas());
    assertNull(p.maxPriorityFeePerGas());
    assertNull(p.maxFeePerBlobGas());
    assertEquals(new BigInteger("420000000000000"), p.maxFeeWei());
    assertEquals(0, p.data().length);
    assertEquals(List.of(), p.authorizations());
    assertTrue(p.signed().isEmpty());

    Map<String, Object> a = p.audit();
    assertEquals(List.of("format", "type", "chain_id", "nonce", "to", "value", "gas_limit",
        "gas_price", "max_fee_wei", "data_length"), keys(a));
    assertEquals(1L, a.get("chain_id"));
    assertEquals("9", a.get("nonce"));
    assertEquals("1000000000000000000", a.get("value"));
    assertEquals("20000000000", a.get("gas_price"));
    assertEquals("420000000000000", a.get("max_fee_wei"));
    assertEquals(0, a.get("data_length"));

    // what the parent adds after signing comes last
    // (the EIP's signing hash and signature)
    assertEquals("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53",
        HEX.formatHex(tx.signingHash()));
    byte[] signed = tx.encodeSigned(
        new BigInteger("28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276", 16),
        new BigInteger("67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83", 16), 0);
    p.signed().put("digest", "0x" + HEX.formatHex(tx.signingHash()));
    p.signed().put("tx_hash", "0x" + HEX.formatHex(EthTransaction.txHash(signed)));
    Map<String, Object> after = p.audit();
    List<String> k = keys(after);
    assertEquals(List.of("digest", "tx_hash"), k.subList(k.size() - 2, k.size()));
    assertEquals("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53",
        after.get("digest"));
  }

  @Test
  void preEip155AndContractCreationAreMarked() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("nonce", BigInteger.valueOf(9));
    json.put("gas_price", "20000000000");
    json.put("gas_limit", BigInteger.valueOf(53000));
    json.put("value", "0");
    json.put("data", "0x6080604052");
    EthTransactionPayload p = EthTransactionPayload.of(EthTransaction.fromJson(json, true), "json");
    assertNull(p.chainId());
    assertNull(p.to());
    Map<String, Object> a = p.audit();
    assertTrue(a.containsKey("chain_id"));
    assertNull(a.get("chain_id"));
    assertEquals(true, a.get("pre_eip155"));
    assertNull(a.get("to"));
    assertEquals(true, a.get("contract_creation"));
    assertEquals("0x60806040", a.get("selector"));
    assertEquals(5, a.get("data_length"));
  }

  @Test
  void eip1559EthereumjsVector() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("chain_id", BigInteger.valueOf(7822));
    json.put("nonce", BigInteger.valueOf(819));
    json.put("value", BigInteger.valueOf(43203529));
    json.put("gas_limit", BigInteger.valueOf(35552));
    json.put("max_priority_fee_per_gas", BigInteger.valueOf(75853));
    json.put("max_fee_per_gas", BigInteger.valueOf(121212));
    json.put("to", "0x000000000000000000000000000000000000aaaa");
    EthTransaction tx = EthTransaction.fromJson(json, false);
    // it is the vector's transaction: with the vector's signature it encodes as published
    assertEquals(EIP1559_SIGNED, HEX.formatHex(tx.encodeSigned(
        new BigInteger("d067f2167008c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0", 16),
        new BigInteger("1d305af9fe81fdba43f0dfcd400ed24dcace0a7e30d4e85701dcaaf484cd079e", 16), 0)));

    EthTransactionPayload p = EthTransactionPayload.of(tx, "json");
    assertEquals(2, p.type());
    assertEquals(BigInteger.valueOf(7822), p.chainId());
    assertEquals(EthereumAddress.checksum("0x000000000000000000000000000000000000aaaa"), p.to());
    assertEquals(BigInteger.valueOf(43203529), p.value());
    assertNull(p.gasPrice());
    assertEquals(BigInteger.valueOf(121212), p.maxFeePerGas());
    assertEquals(BigInteger.valueOf(75853), p.maxPriorityFeePerGas());
    assertEquals(BigInteger.valueOf(35552L * 121212L), p.maxFeeWei());
    assertEquals(0, p.accessListEntries());

    Map<String, Object> a = p.audit();
    assertEquals(List.of("format", "type", "chain_id", "nonce", "to", "value", "gas_limit",
        "max_fee_per_gas", "max_priority_fee_per_gas", "max_fee_wei", "data_length",
        "access_list_entries"), keys(a));
    assertEquals(7822L, a.get("chain_id"));
    assertEquals("121212", a.get("max_fee_per_gas"));
    assertEquals("75853", a.get("max_priority_fee_per_gas"));
    assertEquals(0, a.get("access_list_entries"));
  }

  @Test
  void setCodeTransactionListsItsAuthorizations() {
    // the authorization is trustwallet/wallet-core's EIP-7702 vector (rust/tw_evm/tests/eip7702.rs,
    // test_sign_authorization), signed
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("chain_id", BigInteger.ONE);
    auth.put("contract", "0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1");
    auth.put("nonce", BigInteger.ONE);
    auth.put("y_parity", BigInteger.ONE);
    auth.put("r", "0x2c39f2f64441dd38c364ee175dc6b9a87f34ca330bce968f6c8e22811e3bb710");
    auth.put("s", "0x5f1bcde93dee4b214e60bc0e63babcc13e4fecb8a23c4098fd89844762aa012c");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("chain_id", BigInteger.ONE);
    json.put("nonce", BigInteger.ZERO);
    json.put("to", "0x000000000000000000000000000000000000aaaa");
    json.put("gas_limit", BigInteger.valueOf(100000));
    json.put("max_fee_per_gas", BigInteger.TEN);
    json.put("max_priority_fee_per_gas", BigInteger.ONE);
    json.put("data", "0xa9059cbb00");
    json.put("authorization_list", List.of(auth));
    EthTransactionPayload p = EthTransactionPayload.of(EthTransaction.fromJson(json, false), "json");
    assertEquals(4, p.type());
    assertEquals(1, p.authorizations().size());
    Eip7702AuthorizationPayload a0 = p.authorizations().get(0);
    assertEquals("0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1", a0.contract());
    assertEquals(BigInteger.ONE, a0.chainId());
    assertEquals(BigInteger.ONE, a0.nonce());
    assertEquals("a9059cbb00", HEX.formatHex(p.data()));

    Map<String, Object> a = p.audit();
    assertEquals("0xa9059cbb", a.get("selector"));
    assertEquals(5, a.get("data_length"));
    assertEquals(1, a.get("authorization_count"));
    assertEquals(List.of(Map.of("chain_id", "1",
        "address", "0xB91aaa96B138A1B1D94c9df4628187132c5F2bf1", "nonce", "1")),
        a.get("authorizations"));
  }
}
