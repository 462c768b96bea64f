package io.nitrosign.parent.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.bitcoin.Secp256k1Points;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bitcoin wallet addresses (now from chains' shared key math) against published vectors. */
class ChainTypeBitcoinTest {
  static final HexFormat HEX = HexFormat.of();

  @Test
  void p2wpkhAddressesOfBip84() {
    // BIP-84 test vectors (bitcoin/bips bip-0084.mediawiki): m/84'/0'/0'/0/0, /0/1, /1/0 pubkey -> address
    String[][] v = {
      {"0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"},
      {"03e775fd51f0dfb8cd865d9ff1cca2a158cf651fe997fdc9fee9c1d3b5e995ea77", "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"},
      {"03025324888e429ab8e3dbaf1f7802648b9cd01e9b418485c5fa4c1b9b5700e1a6", "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"}};
    for (String[] row : v) {
      byte[] pub = Secp256k1Points.decompress(HEX.parseHex(row[0]));
      assertEquals(row[1], ChainType.BITCOIN.address(pub));
      assertEquals(row[1], ChainType.BITCOIN.addresses(pub).get("p2wpkh"));
      assertTrue(ChainType.BITCOIN_TESTNET.address(pub).startsWith("tb1q"));
    }
  }

  @Test
  void p2trAddressesOfBip86AndBip341() {
    // BIP-86 test vectors (bitcoin/bips bip-0086.mediawiki) internal_key -> address, and BIP-341
    // wallet-test-vectors.json scriptPubKey[0] (no script tree) internalPubkey -> bip350Address.
    // The P2TR output key does not depend on the full key's Y parity (lift_x), so 02||x is used.
    String[][] v = {
      {"cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115", "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"},
      {"83dfe85a3151d2517290da461fe2815591ef69f2b18a2ce63f01697a8b313145", "bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh"},
      {"399f1b2f4393f29a18c937859c5dd8a77350103157eb880f02e8c08214277cef", "bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7"},
      {"d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d", "bc1p2wsldez5mud2yam29q22wgfh9439spgduvct83k3pm50fcxa5dps59h4z5"}};
    for (String[] row : v) {
      for (String prefix : new String[] {"02", "03"}) {
        byte[] pub = Secp256k1Points.decompress(HEX.parseHex(prefix + row[0]));
        Map<String, String> all = ChainType.BITCOIN.addresses(pub);
        assertEquals(row[1], all.get("p2tr"));
        assertTrue(ChainType.BITCOIN.sameAddress(row[1], pub));
        assertTrue(ChainType.BITCOIN_TESTNET.addresses(pub).get("p2tr").startsWith("tb1p"));
      }
    }
  }
}
