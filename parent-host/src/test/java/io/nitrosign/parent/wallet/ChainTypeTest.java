package io.nitrosign.parent.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.stellar.StrKey;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.proto.v1.Curve;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Map;
import org.bouncycastle.crypto.asymmetric.ECDomainParameters;
import org.bouncycastle.crypto.asymmetric.ECDomainParametersIndex;
import org.bouncycastle.crypto.fips.FipsEC;
import org.junit.jupiter.api.Test;

/** Wallet addresses per chain type, on published vectors. */
class ChainTypeTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final ECDomainParameters SECP256K1 =
      ECDomainParametersIndex.lookupDomainParameters(FipsEC.DomainParameterID.secp256k1);

  private static byte[] uncompressed(byte[] compressed) {
    return SECP256K1.getCurve().decodePoint(compressed).normalize().getEncoded(false);
  }

  @Test
  void ethereumAddressIsEip55OfThePublicKey() {
    // web3.js documentation (web3.eth.accounts.privateKeyToAccount): this key's address.
    byte[] pub = SECP256K1.getG().multiply(new BigInteger(
        "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", 16))
        .normalize().getEncoded(false);
    assertEquals("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", ChainType.ETHEREUM.address(pub));
    assertNull(ChainType.ETHEREUM.addresses(pub));
    assertTrue(ChainType.ETHEREUM.sameAddress("0x2c7536e3605d9c16a7a3d7b1898e529396a65c23", pub));
    assertEquals(Curve.SECP256K1, ChainType.ETHEREUM.curve());
  }

  @Test
  void bitcoinP2wpkhMatchesBip173AndP2trMatchesBip86() {
    // BIP-173, "Examples": the P2WPKH address of this public key (the generator point).
    byte[] g = uncompressed(HEX.parseHex(
        "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"));
    assertEquals("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", ChainType.BITCOIN.address(g));
    assertEquals("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
        ChainType.BITCOIN_TESTNET.address(g));

    // BIP-86, "Test vectors", account 0, first receiving address (m/86'/0'/0'/0/0): internal key
    // cc8a4b…c115 → bc1p5cyxnu…edrcr. Either Y parity of the wallet key gives the same address.
    for (String prefix : new String[] {"02", "03"}) {
      byte[] key = uncompressed(HEX.parseHex(prefix
          + "cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115"));
      Map<String, String> all = ChainType.BITCOIN.addresses(key);
      assertEquals("bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",
          all.get("p2tr"));
      assertEquals(ChainType.BITCOIN.address(key), all.get("p2wpkh"));
      assertTrue(ChainType.BITCOIN.sameAddress(all.get("p2tr"), key));
      assertFalse(ChainType.BITCOIN.sameAddress(all.get("p2tr").toUpperCase(), key));
    }
  }

  @Test
  void stellarAndSolanaAddressesAreTheEncodedPublicKey() {
    // java-stellar-sdk KeyPairTest: the account id of seed SDJHRQF4…RHBE.
    String account = "GCZHXL5HXQX5ABDM26LHYRCQZ5OJFHLOPLZX47WEBP3V2PF5AVFK2A5D";
    byte[] pub = StrKey.decodeAccountId(account);
    assertEquals(account, ChainType.STELLAR.address(pub));
    assertEquals(Curve.ED25519, ChainType.STELLAR.curve());
    // RFC 8032 section 7.1, TEST 1 public key, as a Solana address (base58 of the 32 bytes).
    byte[] rfc = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    String solana = ChainType.SOLANA.address(rfc);
    assertEquals(rfc.length, io.nitrosign.chains.solana.SolanaAddress.parse(solana, "a").bytes().length);
    assertTrue(ChainType.SOLANA.sameAddress(solana, rfc));
    assertFalse(ChainType.SOLANA.sameAddress(solana.toLowerCase(), rfc));
  }

  @Test
  void unknownChainTypesAreTypedErrors() {
    ApiException e = assertThrows(ApiException.class, () -> ChainType.parse("dogecoin"));
    assertEquals(400, e.status());
    assertEquals("unsupported_chain_type", e.code());
    assertTrue(e.getMessage().contains("bitcoin-testnet"));
    assertEquals(ChainType.BITCOIN_TESTNET, ChainType.parse("bitcoin-testnet"));
  }
}
