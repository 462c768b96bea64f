package io.nitrosign.parent.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.solana.Base58;
import io.nitrosign.chains.stellar.StellarEnvelope;
import io.nitrosign.chains.stellar.StrKey;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parent's Solana and Stellar methods on their own: params, the decoded view for policy, what
 * goes to the enclave, and the checks of the enclave's answer (signed here with the JDK's own
 * Ed25519 and the published keys, so the published outputs must come out byte for byte).
 */
class Ed25519MethodsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final Base64.Encoder B64 = Base64.getEncoder();

  /** wallet-core tests/chains/Solana/SignerTests.cpp, TEST(SolanaSigner, SignRawMessage). */
  static final byte[] WC_RAW_KEY = Base58.decode("GjXseuD8JavBjKMdd6GEsPYZPV7tMMa46GS2JRS5tHRq", "k");
  static final byte[] WC_RAW_SIGNED_TX = HEX.parseHex(
      "016e7f8349977b482bccf0bfc202ad917295803831e59ccb865b97d657464791ebfe3336879b84b9f165e464a3"
          + "4751fe30d54b01f3c9f33f969aafe1e85951b10901000203207be13c43c4528592eaf3fd34e064c641c5be3cb6"
          + "691877d7ade94dff36734108eaea30723c33b52507bc54024910612f885e4c80c10b99a047fd42c0acbace0000"
          + "000000000000000000000000000000000000000000000000000000000000040404040404040404040404040404"
          + "040404040404040404040404040404040401020200010c020000002a00000000000000");

  /** wallet-core SignerTests.cpp, TEST(SolanaSigner, SignTransferToken_3vZ67C) (mainnet tx 3vZ67C…). */
  static final byte[] WC_TOKEN_KEY = Base58.decode("9YtuoD4sH4h88CVM8DSnkfoAaLY7YeGC2TarDJ8eyMS5", "k");
  static final byte[] WC_TOKEN_SIGNED_TX = Base58.decode(
      "PGfKqEaH2zZXDMZLcU6LUKdBSzU1GJWJ1CJXtRYCxaCH7k8uok38WSadZfrZw3TGejiau7nSpan2GvbK26hQim24jR"
          + "e2AupmcYJFrgsdaCt1Aqs5kpGjPqzgj9krgxTZwwob3xgC1NdHK5BcNwhxwRtrCphGEH7zUFpGFrFrHzgpf2KY8FvP"
          + "iPELQyxzTBuyNtjLjMMreehSKShEjD9Xzp1QeC1pEF8JL6vUKzxMXuveoEYem8q8JiWszYzmTMfDk13JPgv7pXFGMq"
          + "DV3yNGCLsWccBeSFKN4UKECre6x2QbUEiKGkHkMc4zQwwyD8tGmEMBAGm339qdANssEMNpDeJp2LxLDStSoWShHnot"
          + "crH7pUa94xCVvCPPaomF", "tx");

  /**
   * Unsigned v0 Jupiter swap with three address lookup tables. Origin: trustwallet/wallet-core
   * rust/tw_tests/tests/chains/solana/, fn test_solana_decode_transaction, encoded_tx (also in
   * chains' SolanaVectors.V0_JUPITER_TX).
   */
  static final byte[] V0_JUPITER_TX = Base64.getDecoder().decode(
      "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACAAQAHEIoR5xuWyrvjIW4xU7CWlPOfyFAiy8B295hGo6tNjBmRCgUkQaFYTleMcAX2p74eBXQZd1dwDyQZAPJfSv2KGc5kcFLJj5qd2BVMaSNGVPfVBm74GbLwUq5/U1Ccdqc2gokZQxRDpMq7aeToP3nRaWIP4RXMxN+LJetccXMPq/QumgOqt7kkqk07cyPCKgYoQ4fQtOqqZn5sEqjWHYj3CDS5ha48uggePWu090s1ff4yoCjAvULeZ+cqYFn+Adk5Teyfw71W3u/F6VTnLQEPW96gJr5Kcm3bGi08n224JyF++PTko52VL0CIM2xtl0WkvNslD6Wawxr7yd9HYllN4Lz8lFwXilWGgyJdOq1qqBuZbE49glHeCO/sJHNnIHC0BgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwZGb+UhFzL/7K26csOb57yM5bvF9xJrLEObOkAAAAAEedVb8jHAbu50xW7OaBUH/bGy3qP0jlECsc2iVrwTjwbd9uHXZaGT2cvhRs7reawctIXtX1s3kTqM9YV+/wCpjJclj04kifG7PRApFI4NgwtaE5na/xCEBI572Nvp+Fm0P/on9df2SnTAmx8pWHneSwmrNt/J3VFLMhqns4zl6OL4d+g9rsaIj0Orta57MRu3jDSWCJf85ae4LBbiD/GXvOojZjsHekJrpRUuPggLJr943hDVD5UareeEucjCvaoHCgAFAsBcFQAKAAkDBBcBAAAAAAANBgAGACMJDAEBCQIABgwCAAAAAMqaOwAAAAAMAQYBEQs1DA8ABgEFAiMhCwsOCx0MDxoBGQcYBAgDJBscDB4PBwUQEhEfFR8UFwcFISITHw8MDCAfFgstwSCbM0HWnIEAAwAAABEBZAABCh0BAyZHAQMAypo7AAAAAJaWFAYAAAAAMgAADAMGAAABCQPZoILFk7gfE2y5bt3AC+g/4OwNzdiHKBhIbdeYvYFEjQPKyMkExMUkx0R25UNa/g5KsG0vfUwdUJ8e8HecK/Jkd3qm9XefBOB0BaD1+J+dBJz09vfyGuRYZH09HfdE/kL8v6Ql+H03+tO+9lMmmVg8O1c6gAN6eX0Cbn4=");

  /**
   * StellarCN/py-stellar-base tests/test_fee_bump_transaction.py, test_to_xdr (Testnet): a fee bump
   * and the seed of its fee source.
   */
  static final String PY_FEE_BUMP =
      "AAAABQAAAADgSJG2GOUMy/H9lHyjYZOwyuyytH8y0wWaoc596L+bEgAAAAAAAAGQAAAAAgAAAAAcVPE+R/n1VnbIrAK3tu5yVfTkhkqVz04ShWk2SrF3wAAAAMgAAAAAAAAACAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAQAAAADgSJG2GOUMy/H9lHyjYZOwyuyytH8y0wWaoc596L+bEgAAAAAAAAAEqBfIAAAAAAAAAAABSrF3wAAAAEAordQh63kT50muRLVYaWW7Pgtt8i1tc4t9Bv9MWFWFN3WfTHSU2Jxv7hedjZEyfBPvaS/XnwvYJFcHgPDd1JkNAAAAAAAAAAHov5sSAAAAQKu/RuArXn/P13IIJ8WlnVDStwOquXM0CsWzA4ooZY6gqJ3k1EfmMVIJ0cir0bMTJD9r+g2IUZCANU7wdC38PA0=";
  static final byte[] PY_FEE_SOURCE_SEED =
      StrKey.decodeSeed("SB7ZMPZB3YMMK5CUWENXVLZWBK4KYX4YU5JBXQNZSK2DP2Q7V3LVTO5V");
  private static final byte[] PY_INNER_SEED =
      StrKey.decodeSeed("SBKTIFHJSS3JJWEZO2W74DZSA45WZU56LOL3AY7GAW63BXPEJQFYV53E");

  // ---------------------------------------------------------------------------------- helpers

  private static byte[] sign(byte[] seed, byte[] message) throws Exception {
    Signature s = Signature.getInstance("Ed25519", "SunEC");
    s.initSign(KeyFactory.getInstance("Ed25519", "SunEC")
        .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
    s.update(message);
    return s.sign();
  }

  /** The Ed25519 public key of a seed: SunEC's key generator fed the seed as its randomness. */
  static byte[] publicKey(byte[] seed) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("Ed25519", "SunEC");
    g.initialize(NamedParameterSpec.ED25519, new java.security.SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        System.arraycopy(seed, 0, bytes, 0, bytes.length);
      }
    });
    byte[] spki = g.generateKeyPair().getPublic().getEncoded();
    return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }

  static Wallet wallet(ChainType chain, byte[] publicKey) {
    return new Wallet("w1", "app", chain.wireName(), Wallet.CURVE_ED25519, publicKey,
        chain.address(publicKey), new byte[0], 1, Instant.now());
  }

  private static Wallet solanaWallet(byte[] seed) throws Exception {
    return wallet(ChainType.SOLANA, publicKey(seed));
  }


  private static Wallet stellarWallet(byte[] seed) throws Exception {
    return wallet(ChainType.STELLAR, publicKey(seed));
  }

  private static ObjectNode params(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  private static SignRequest payloadOf(RpcMethod.Prepared p) {
    SignRequest.Builder b = SignRequest.newBuilder();
    p.payload(b);
    return b.build();
  }

  private static SignResponse ed25519Answer(byte[] signature, byte[] digest) {
    SignResponse.Builder b = SignResponse.newBuilder().setSignature(ByteString.copyFrom(signature));
    if (digest != null) {
      b.setDigest(ByteString.copyFrom(digest));
    }
    return b.build();
  }

  static byte[] unsignedSolana(byte[] signed) {
    byte[] out = signed.clone();
    Arrays.fill(out, 1, 1 + 64 * out[0], (byte) 0);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return (List<Object>) o;
  }

  // ----------------------------------------------------------------------------------- solana

  @Test
  void publishedSeedsHaveTheirPublishedAddresses() throws Exception {
    assertEquals("3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY", solanaWallet(WC_RAW_KEY).address());
    assertEquals("B1iGmDJdvmxyUiYM8UEo2Uw2D58EmUrw4KyLYMmrhf8V", solanaWallet(WC_TOKEN_KEY).address());
    assertEquals("GDQERENWDDSQZS7R7WKHZI3BSOYMV3FSWR7TFUYFTKQ447PIX6NREOJM",
        stellarWallet(PY_FEE_SOURCE_SEED).address());
  }

  @Test
  void solanaSignTransactionFillsTheWalletsSlotLikeWalletCore() throws Exception {
    Wallet w = solanaWallet(WC_RAW_KEY);
    RpcMethod m = RpcMethods.of("signTransaction", ChainType.SOLANA);
    RpcMethod.Prepared p = m.prepare(params("{\"transaction\":\""
        + B64.encodeToString(unsignedSolana(WC_RAW_SIGNED_TX)) + "\",\"encoding\":\"base64\"}"), w);

    byte[] message = Arrays.copyOfRange(WC_RAW_SIGNED_TX, 65, WC_RAW_SIGNED_TX.length);
    SignRequest sent = payloadOf(p);
    assertArrayEquals(message, sent.getSolanaTransaction().getMessage().toByteArray(),
        "exactly the message goes to the enclave");

    Map<String, Object> d = p.decoded().audit();
    assertEquals("legacy", d.get("version"));
    assertEquals("3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY", d.get("fee_payer"));
    assertEquals(List.of("3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY"), d.get("required_signers"));
    assertEquals(0, d.get("signer_index"));
    assertEquals(List.of("11111111111111111111111111111111"), d.get("program_ids"));
    Map<String, Object> ix = map(list(d.get("instructions")).get(0));
    assertEquals("system_transfer", ix.get("type"));
    assertEquals("system", ix.get("program"));
    assertEquals("3BocAWPm1oNXN5qkAV4QeDUmAPpkTcN1rrmCMWAfsXJY", ix.get("from"));
    assertEquals("42", ix.get("lamports"));

    Map<String, Object> data = p.result(ed25519Answer(sign(WC_RAW_KEY, message), null));
    assertEquals(B64.encodeToString(WC_RAW_SIGNED_TX), data.get("signed_transaction"));
    assertEquals("base64", data.get("encoding"));
    assertEquals(Base58.encode(Arrays.copyOfRange(WC_RAW_SIGNED_TX, 1, 65)), p.decoded().audit().get("signature"));
  }

  @Test
  void solanaTokenTransferCheckedIsDecodedForPolicy() throws Exception {
    Wallet w = solanaWallet(WC_TOKEN_KEY);
    RpcMethod.Prepared p = RpcMethods.of("signTransaction", ChainType.SOLANA).prepare(params(
        "{\"transaction\":\"" + B64.encodeToString(unsignedSolana(WC_TOKEN_SIGNED_TX)) + "\"}"), w);
    Map<String, Object> ix = map(list(p.decoded().audit().get("instructions")).get(0));
    assertEquals("token_transfer_checked", ix.get("type"));
    assertEquals("spl_token", ix.get("program"));
    assertEquals("EDNd1ycsydWYwVmrYZvqYazFqwk1QjBgAUKFjBoz1jKP", ix.get("source"));
    assertEquals("SRMuApVNdxXokk5GT7XD5cUUgXMBCoAz2LHeuAoKWRt", ix.get("mint"));
    assertEquals("3WUX9wASxyScbA7brDipioKfXS1XEYkQ4vo3Kej9bKei", ix.get("destination"));
    assertEquals("B1iGmDJdvmxyUiYM8UEo2Uw2D58EmUrw4KyLYMmrhf8V", ix.get("authority"));
    assertEquals("4000", ix.get("amount"));
    assertEquals(6, ix.get("decimals"));
    byte[] message = Arrays.copyOfRange(WC_TOKEN_SIGNED_TX, 65, WC_TOKEN_SIGNED_TX.length);
    assertEquals(B64.encodeToString(WC_TOKEN_SIGNED_TX),
        p.result(ed25519Answer(sign(WC_TOKEN_KEY, message), null)).get("signed_transaction"));
  }

  @Test
  void solanaV0LookupAccountsAreShownAsTableEntries() throws Exception {
    Wallet w = wallet(ChainType.SOLANA, io.nitrosign.chains.solana.SolanaAddress
        .parse("AHy6YZA8BsHgQfVkk7MbwpAN94iyN7Nf1zN4nPqUN32Q", "a").bytes());
    RpcMethod.Prepared p = RpcMethods.of("signTransaction", ChainType.SOLANA)
        .prepare(params("{\"transaction\":\"" + B64.encodeToString(V0_JUPITER_TX) + "\"}"), w);
    Map<String, Object> d = p.decoded().audit();
    assertEquals("v0", d.get("version"));
    List<Object> lookups = list(d.get("address_table_lookups"));
    assertEquals(3, lookups.size());
    assertEquals("FeXRmSWmwChZbB2EC7Qjw9XKk28yBrPj3k3nzT1DKfak", map(lookups.get(0)).get("account_key"));
    assertEquals(List.of(202, 200, 201), map(lookups.get(0)).get("writable_indexes"));
    assertTrue(list(d.get("program_ids")).contains("JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4"));
    List<Object> ixs = list(d.get("instructions"));
    assertEquals(7, ixs.size());
    assertEquals("compute_budget", map(ixs.get(0)).get("program"));
    Map<String, Object> wrap = map(ixs.get(3));
    assertEquals("system_transfer", wrap.get("type"));
    assertEquals("1000000000", wrap.get("lamports"));
    assertEquals("token_close_account", map(ixs.get(6)).get("type"));
    Map<String, Object> swap = map(ixs.get(5));
    assertEquals("other", swap.get("type"));
    assertTrue(list(swap.get("accounts")).stream().anyMatch(a -> a instanceof Map<?, ?> m
        && m.containsKey("lookup_table") && m.containsKey("table_index")), swap.toString());
  }

  @Test
  void solanaSignTransactionRefusesBadInput() throws Exception {
    RpcMethod m = RpcMethods.of("signTransaction", ChainType.SOLANA);
    String tx = B64.encodeToString(unsignedSolana(WC_RAW_SIGNED_TX));
    // not a signer
    ChainFormatException notSigner = assertThrows(ChainFormatException.class,
        () -> m.prepare(params("{\"transaction\":\"" + tx + "\"}"), solanaWallet(WC_TOKEN_KEY)));
    assertTrue(notSigner.getMessage().contains("not one of the message's required signers"));
    Wallet w = solanaWallet(WC_RAW_KEY);
    // truncated
    byte[] cut = Arrays.copyOf(unsignedSolana(WC_RAW_SIGNED_TX), WC_RAW_SIGNED_TX.length - 1);
    assertThrows(ChainFormatException.class,
        () -> m.prepare(params("{\"transaction\":\"" + B64.encodeToString(cut) + "\"}"), w));
    // not base64, another encoding, unknown fields, too large
    assertEquals("invalid_request", assertThrows(ApiException.class,
        () -> m.prepare(params("{\"transaction\":\"%%%\"}"), w)).code());
    assertEquals("invalid_request", assertThrows(ApiException.class,
        () -> m.prepare(params("{\"transaction\":\"" + tx + "\",\"encoding\":\"base58\"}"), w)).code());
    assertEquals("invalid_request", assertThrows(ApiException.class,
        () -> m.prepare(params("{\"transaction\":\"" + tx + "\",\"extra\":1}"), w)).code());
    assertEquals("invalid_request", assertThrows(ApiException.class, () -> m.prepare(params(
        "{\"transaction\":\"" + B64.encodeToString(new byte[1300]) + "\"}"), w)).code());
  }

  @Test
  void solanaAnswersThatDoNotVerifyAreNotReleased() throws Exception {
    Wallet w = solanaWallet(WC_RAW_KEY);
    RpcMethod.Prepared p = RpcMethods.of("signTransaction", ChainType.SOLANA).prepare(params(
        "{\"transaction\":\"" + B64.encodeToString(unsignedSolana(WC_RAW_SIGNED_TX)) + "\"}"), w);
    byte[] other = sign(WC_RAW_KEY, "something else".getBytes(StandardCharsets.UTF_8));
    assertEquals(EnclaveCallException.Kind.PROTOCOL, assertThrows(EnclaveCallException.class,
        () -> p.result(ed25519Answer(other, null))).kind());
    assertEquals(EnclaveCallException.Kind.PROTOCOL, assertThrows(EnclaveCallException.class,
        () -> p.result(ed25519Answer(new byte[63], null))).kind());
  }

  @Test
  void solanaSignMessageSignsTheBytesAndRefusesTransactions() throws Exception {
    // wallet-core tests/chains/Solana/SolanaMessageSigner.cpp, TEST(SolanaMessageSigner, Sign/Verify)
    byte[] key = HEX.parseHex("44f480ca27711895586074a14c552e58cc52e66a58edb6c58cf9b9b7295d4a2d");
    Wallet w = wallet(ChainType.SOLANA,
        HEX.parseHex("ee6d61a89fc8f9909585a996bb0d2b2ac69ae23b5acf39a19f32631239ba06f9"));
    RpcMethod m = RpcMethods.of("signMessage", ChainType.SOLANA);
    byte[] hello = "Hello world".getBytes(StandardCharsets.UTF_8);
    RpcMethod.Prepared p = m.prepare(params("{\"message\":\"" + B64.encodeToString(hello)
        + "\",\"encoding\":\"base64\"}"), w);
    assertArrayEquals(hello, payloadOf(p).getSolanaMessage().getMessage().toByteArray());
    assertEquals(11, p.decoded().audit().get("length"));
    Map<String, Object> data = p.result(ed25519Answer(sign(key, hello), null));
    assertEquals("2iBZ6zrQRKHcbD8NWmm552gU5vGvh1dk3XV4jxnyEdRKm8up8AeQk1GFr9pJokSmchw7i9gMtNyFBdDt8tBxM1cG",
        Base58.encode(Base64.getDecoder().decode((String) data.get("signature"))));
    assertEquals("base64", data.get("encoding"));

    ChainFormatException tx = assertThrows(ChainFormatException.class, () -> m.prepare(params(
        "{\"message\":\"" + B64.encodeToString(unsignedSolana(WC_RAW_SIGNED_TX)) + "\"}"), w));
    assertEquals("message", tx.field());
    assertThrows(ChainFormatException.class, () -> m.prepare(params("{\"message\":\"\"}"), w));
  }

  // ---------------------------------------------------------------------------------- stellar

  static byte[] withoutLastSignature(byte[] xdr) {
    byte[] out = Arrays.copyOf(xdr, xdr.length - 72);
    Arrays.fill(out, out.length - 4, out.length, (byte) 0);
    return out;
  }

  @Test
  void stellarFeeBumpIsDecodedSignedAndRebuiltLikePyStellarBase() throws Exception {
    byte[] published = Base64.getDecoder().decode(PY_FEE_BUMP);
    String unsigned = B64.encodeToString(withoutLastSignature(published));
    Wallet w = stellarWallet(PY_FEE_SOURCE_SEED);
    RpcMethod m = RpcMethods.of("signTransaction", ChainType.STELLAR);
    RpcMethod.Prepared p = m.prepare(params("{\"envelope\":\"" + unsigned
        + "\",\"network\":\"testnet\"}"), w);

    SignRequest sent = payloadOf(p);
    assertEquals(StellarEnvelope.TESTNET_PASSPHRASE, sent.getStellarTransaction().getNetworkPassphrase());
    assertEquals(unsigned, B64.encodeToString(sent.getStellarTransaction().getEnvelopeXdr().toByteArray()));

    Map<String, Object> d = p.decoded().audit();
    assertEquals("tx_fee_bump", d.get("envelope_type"));
    assertEquals("GDQERENWDDSQZS7R7WKHZI3BSOYMV3FSWR7TFUYFTKQ447PIX6NREOJM", d.get("fee_source"));
    assertEquals("400", d.get("fee"));
    assertEquals("200", d.get("inner_fee"));
    assertEquals("GAOFJ4J6I747KVTWZCWAFN5W5ZZFL5HEQZFJLT2OCKCWSNSKWF34BJQN", d.get("source_account"));
    assertEquals("8", d.get("seq_num"));
    assertEquals(Map.of("type", "none"), d.get("memo"));
    Map<String, Object> pre = map(d.get("preconditions"));
    assertEquals("time", pre.get("type"));
    assertEquals(Map.of("min_time", "0", "max_time", "0"), pre.get("time_bounds"));
    Map<String, Object> op = map(list(d.get("operations")).get(0));
    assertEquals("payment", op.get("type"));
    assertEquals("GDQERENWDDSQZS7R7WKHZI3BSOYMV3FSWR7TFUYFTKQ447PIX6NREOJM", op.get("destination"));
    assertEquals("native", op.get("asset"));
    assertEquals("20000000000", op.get("amount"));

    byte[] hash = StellarEnvelope.decode(published).hash(StellarEnvelope.TESTNET_PASSPHRASE);
    assertEquals(HEX.formatHex(hash), d.get("hash"));
    byte[] signature = sign(PY_FEE_SOURCE_SEED, hash);
    Map<String, Object> data = p.result(ed25519Answer(signature, hash));
    assertEquals(PY_FEE_BUMP, data.get("signed_envelope"));
    assertEquals(HEX.formatHex(hash), data.get("hash"));
    assertEquals(B64.encodeToString(signature), data.get("signature"));

    // a retry on the already signed envelope does not add the signature twice
    RpcMethod.Prepared again = m.prepare(params("{\"envelope\":\"" + PY_FEE_BUMP
        + "\",\"network_passphrase\":\"" + StellarEnvelope.TESTNET_PASSPHRASE + "\"}"), w);
    assertEquals(PY_FEE_BUMP, again.result(ed25519Answer(signature, hash)).get("signed_envelope"));
  }

  @Test
  void stellarAnswersMustCarryTheHashTheParentComputed() throws Exception {
    byte[] published = Base64.getDecoder().decode(PY_FEE_BUMP);
    Wallet w = stellarWallet(PY_FEE_SOURCE_SEED);
    RpcMethod.Prepared p = RpcMethods.of("signTransaction", ChainType.STELLAR).prepare(params(
        "{\"envelope\":\"" + B64.encodeToString(withoutLastSignature(published))
            + "\",\"network\":\"testnet\"}"), w);
    byte[] publicHash = StellarEnvelope.decode(published).hash(StellarEnvelope.PUBLIC_PASSPHRASE);
    assertEquals(EnclaveCallException.Kind.PROTOCOL, assertThrows(EnclaveCallException.class,
        () -> p.result(ed25519Answer(sign(PY_FEE_SOURCE_SEED, publicHash), publicHash))).kind());
  }

  @Test
  void stellarRefusesBadParamsAndEnvelopes() throws Exception {
    byte[] published = Base64.getDecoder().decode(PY_FEE_BUMP);
    String unsigned = B64.encodeToString(withoutLastSignature(published));
    RpcMethod m = RpcMethods.of("signTransaction", ChainType.STELLAR);
    Wallet w = stellarWallet(PY_FEE_SOURCE_SEED);
    for (String bad : new String[] {
        "{\"envelope\":\"" + unsigned + "\"}",
        "{\"envelope\":\"" + unsigned + "\",\"network\":\"futurenet\"}",
        "{\"envelope\":\"" + unsigned + "\",\"network\":\"testnet\",\"network_passphrase\":\"x\"}",
        "{\"envelope\":\"" + unsigned + "\",\"network_passphrase\":\"\"}",
        "{\"envelope\":\"" + unsigned + "\",\"network_passphrase\":\"a\\u0000b\"}",
        "{\"network\":\"testnet\"}"}) {
      assertEquals("invalid_request", assertThrows(ApiException.class, () -> m.prepare(params(bad), w),
          bad).code(), bad);
    }
    // malformed XDR and base64: the decoder names the field
    byte[] cut = Arrays.copyOf(published, published.length - 3);
    assertThrows(ChainFormatException.class, () -> m.prepare(params("{\"envelope\":\""
        + B64.encodeToString(cut) + "\",\"network\":\"testnet\"}"), w));
    assertEquals("envelope", assertThrows(ChainFormatException.class, () -> m.prepare(params(
        "{\"envelope\":\"AAAA BQ==\",\"network\":\"testnet\"}"), w)).field());
    // the inner source is not the fee source of the fee bump
    ChainFormatException notSigner = assertThrows(ChainFormatException.class, () -> m.prepare(params(
        "{\"envelope\":\"" + unsigned + "\",\"network\":\"testnet\"}"), stellarWallet(PY_INNER_SEED)));
    assertEquals("feeBump.tx.feeSource", notSigner.field());
  }

  @Test
  void methodsAreRegisteredPerChain() {
    assertInstanceOf(SolanaSignTransaction.class, RpcMethods.of("signTransaction", ChainType.SOLANA));
    assertInstanceOf(StellarSignTransaction.class, RpcMethods.of("signTransaction", ChainType.STELLAR));
    assertInstanceOf(SolanaSignMessageMethod.class, RpcMethods.of("signMessage", ChainType.SOLANA));
    assertEquals("unsupported_method",
        assertThrows(ApiException.class, () -> RpcMethods.of("signMessage", ChainType.STELLAR)).code());
    assertEquals("unsupported_method",
        assertThrows(ApiException.class, () -> RpcMethods.of("signTransaction", ChainType.ETHEREUM)).code());
  }
}
