package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.chains.bitcoin.Bip340Verifier;
import io.nitrosign.chains.bitcoin.BitcoinAddress;
import io.nitrosign.chains.bitcoin.Hashes;
import io.nitrosign.chains.bitcoin.Psbt;
import io.nitrosign.chains.bitcoin.Secp256k1Points;
import io.nitrosign.chains.bitcoin.Sighash;
import io.nitrosign.chains.bitcoin.Taproot;
import io.nitrosign.chains.bitcoin.Transaction;
import io.nitrosign.chains.solana.Base58;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bitcoin through the running system ({@link LocalStack}: PostgreSQL, the enclave JVM, the parent
 * host): known keys imported with {@link WalletImportCli} {@code --chain-type bitcoin}, PSBTs built
 * from the BIPs' worked examples signed through {@code POST /v1/wallets/{id}/rpc}
 * ({@code signPsbt}), and the published signatures, witnesses and addresses asserted byte for byte.
 *
 * <p>Vectors and their origins:
 * <ul>
 *   <li>BIP-143 (bitcoin/bips bip-0143.mediawiki, commit 0402dd2b846e962125db4150d9c20ec43bb171dc),
 *       section "Example": "Native P2WPKH" and "P2SH-P2WPKH" (unsigned transaction, spent
 *       outputs, private keys, sigHash, signature, serialized signed transaction);
 *   <li>BIP-341 wallet-test-vectors.json (bitcoin/bips bip-0341, as bitcoin/bitcoin
 *       src/test/data/bip341_wallet_vectors.json), keyPathSpending[0] (rawUnsignedTx, utxosSpent,
 *       inputSpending[0]: internalPrivkey, hashType 3, sigHash, witness) and scriptPubKey[0]
 *       (bip350Address);
 *   <li>BIP-84 (bip-0084.mediawiki) m/84'/0'/0'/0/0: privkey (WIF) and address;
 *   <li>BIP-86 (bip-0086.mediawiki) m/86'/0'/0'/0/0: xprv and address.
 * </ul>
 *
 * <p>BIP-143 does not publish its examples' previous transactions, so those PSBTs carry witness_utxo
 * only and are sent with {@code allow_witness_utxo_only: true}; BIP-341's input 0 uses SIGHASH_SINGLE
 * and is sent with {@code allowed_sighash_types: ["SINGLE"]}. Taproot signatures take fresh BIP-340
 * aux randomness from the enclave's DRBG, so the published witness (made with zero aux_rand) is not
 * reproduced here: the signature is verified instead (the enclave's BitcoinPsbtSignerTest
 * reproduces it byte for byte with the zero aux injected).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BitcoinEndToEndTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();

  // BIP-143 Native P2WPKH
  static final String P2WPKH_UNSIGNED = "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac11000000";
  static final String P2WPKH_KEY = "619c335025c7f4012e556c2a58b2506e30b8511b53ade95ea316fd8c3286feb9";
  static final String P2WPKH_PUBKEY = "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357";
  static final String P2WPKH_SPK = "00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1";
  static final String P2WPKH_SIGHASH = "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670";
  static final String P2WPKH_SIG = "304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee";
  static final String P2WPKH_SIGNED = "01000000000102fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f00000000494830450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3f9281a99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed01eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac000247304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee0121025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee635711000000";
  // BIP-143 P2SH-P2WPKH
  static final String P2SH_UNSIGNED = "0100000001db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a54770100000000feffffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac92040000";
  static final String P2SH_KEY = "eb696a065ef48a2192da5b28b694f87544b30fae8327c4510137a922f32c6dcf";
  static final String P2SH_SPK = "a9144733f37cf4db86fbc2efed2500b4f4e49f31202387";
  static final String P2SH_REDEEM = "001479091972186c449eb1ded22b78e40d009bdf0089";
  static final String P2SH_SIGHASH = "64f3b0f4dd2bb3aa1ce8566d220cc74dda9df97d8490cc81d89d735c92e59fb6";
  static final String P2SH_SIG = "3044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb";
  static final String P2SH_SIGNED = "01000000000101db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a5477010000001716001479091972186c449eb1ded22b78e40d009bdf0089feffffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac02473044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb012103ad1d8e89212f0b92c74d23bb710c00662ad1470198ac48c43f7d6f93a2a2687392040000";
  // BIP-341 wallet-test-vectors.json keyPathSpending[0]
  static final String KP_TX = "02000000097de20cbff686da83a54981d2b9bab3586f4ca7e48f57f5b55963115f3b334e9c010000000000000000d7b7cab57b1393ace2d064f4d4a2cb8af6def61273e127517d44759b6dafdd990000000000fffffffff8e1f583384333689228c5d28eac13366be082dc57441760d957275419a418420000000000fffffffff0689180aa63b30cb162a73c6d2a38b7eeda2a83ece74310fda0843ad604853b0100000000feffffffaa5202bdf6d8ccd2ee0f0202afbbb7461d9264a25e5bfd3c5a52ee1239e0ba6c0000000000feffffff956149bdc66faa968eb2be2d2faa29718acbfe3941215893a2a3446d32acd050000000000000000000e664b9773b88c09c32cb70a2a3e4da0ced63b7ba3b22f848531bbb1d5d5f4c94010000000000000000e9aa6b8e6c9de67619e6a3924ae25696bb7b694bb677a632a74ef7eadfd4eabf0000000000ffffffffa778eb6a263dc090464cd125c466b5a99667720b1c110468831d058aa1b82af10100000000ffffffff0200ca9a3b000000001976a91406afd46bcdfd22ef94ac122aa11f241244a37ecc88ac807840cb0000000020ac9a87f5594be208f8532db38cff670c450ed2fea8fcdefcc9a663f78bab962b0065cd1d";
  static final String[][] KP_UTXOS = {
    {"512053a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343", "420000000"},
    {"5120147c9c57132f6e7ecddba9800bb0c4449251c92a1e60371ee77557b6620f3ea3", "462000000"},
    {"76a914751e76e8199196d454941c45d1b3a323f1433bd688ac", "294000000"},
    {"5120e4d810fd50586274face62b8a807eb9719cef49c04177cc6b76a9a4251d5450e", "504000000"},
    {"512091b64d5324723a985170e4dc5a0f84c041804f2cd12660fa5dec09fc21783605", "630000000"},
    {"00147dd65592d0ab2fe0d0257d571abf032cd9db93dc", "378000000"},
    {"512075169f4001aa68f15bbed28b218df1d0a62cbbcf1188c6665110c293c907b831", "672000000"},
    {"5120712447206d7a5238acc7ff53fbe94a3b64539ad291c7cdbc490b7577e4b17df5", "546000000"},
    {"512077e30a5522dd9f894c3f8b8bd4c4b2cf82ca7da8a3ea6a239655c39c050ab220", "588000000"}};
  static final String KP_KEY = "6b973d88838f27366ed61c9ad6367663045cb456e28335c109e30717ae0c6baa";
  static final int KP_HASH_TYPE = 3;
  static final String KP_SIGHASH = "2514a6272f85cfa0f45eb907fcb0d121b808ed37c6ea160a5a9046ed5526d555";
  static final String KP_WITNESS = "ed7c1647cb97379e76892be0cacff57ec4a7102aa24296ca39af7541246d8ff14d38958d4cc1e2e478e4d4a764bbfd835b16d4e314b72937b29833060b87276c03";
  static final String KP_ADDRESS = "bc1p2wsldez5mud2yam29q22wgfh9439spgduvct83k3pm50fcxa5dps59h4z5";
  // BIP-84 m/84'/0'/0'/0/0 and BIP-86 m/86'/0'/0'/0/0
  static final String BIP84_WIF = "KyZpNDKnfs94vbrwhJneDi77V6jF64PWPF8x5cdJb8ifgg2DUc9d";
  static final String BIP84_ADDRESS = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu";
  static final String BIP86_XPRV = "xprvA449goEeU9okwCzzZaxiy475EQGQzBkc65su82nXEvcwzfSskb2hAt2WymrjyRL6kpbVTGL3cKtp9herYXSjjQ1j4stsXXiRF7kXkCacK3T";
  static final String BIP86_ADDRESS = "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr";

  private static Path home;
  private static LocalStack stack;
  private static Http http;
  private static String auth;
  private static String p2wpkhWallet;
  private static String keyPathWallet;
  private static final List<String> REJECTED = new ArrayList<>();

  @BeforeAll
  static void up() throws Exception {
    SharedStack shared = SharedStack.get();
    home = shared.home();
    stack = shared.stack();
    auth = shared.auth();
    http = shared.http();
  }

  @Test
  @Order(10)
  void createdWalletsHaveBothAddressesOfTheirKey() throws Exception {
    for (String[] chain : new String[][] {{"bitcoin", "bc"}, {"bitcoin-testnet", "tb"}}) {
      Http.Reply r = http.post("/v1/wallets", auth, "{\"chain_type\":\"" + chain[0] + "\"}");
      assertEquals(200, r.status(), () -> r.raw().body());
      JsonNode w = r.body();
      assertEquals(chain[0], w.get("chain_type").asText());
      byte[] pub = HEX.parseHex(w.get("public_key").asText().substring(2));
      assertEquals(33, pub.length, w.toString()); // Privy's encoding: compressed SEC1
      String p2wpkh = BitcoinAddress.p2wpkh(chain[1], Secp256k1Points.compress(pub));
      assertEquals(p2wpkh, w.get("address").asText());
      assertEquals(p2wpkh, w.get("addresses").get("p2wpkh").asText());
      assertEquals(BitcoinAddress.p2tr(chain[1], Taproot.bip86OutputKey(pub)),
          w.get("addresses").get("p2tr").asText());
      assertTrue(w.get("addresses").get("p2tr").asText().startsWith(chain[1] + "1p"));
    }
  }

  @Test
  @Order(20)
  void importedKeysHaveThePublishedAddresses() throws Exception {
    // BIP-84: WIF = base58check(0x80 || key || 0x01)
    byte[] wif = base58check(BIP84_WIF);
    assertEquals(34, wif.length);
    assertEquals((byte) 0x80, wif[0]);
    assertEquals(1, wif[33]);
    JsonNode bip84 = importKey(HEX.formatHex(Arrays.copyOfRange(wif, 1, 33)), "bitcoin");
    assertEquals(BIP84_ADDRESS, bip84.get("address").asText());
    assertEquals(BIP84_ADDRESS, bip84.get("addresses").get("p2wpkh").asText());
    // BIP-86: xprv = base58check(78-byte extended key), the key is its last 32 bytes (after 0x00)
    byte[] xprv = base58check(BIP86_XPRV);
    assertEquals(78, xprv.length);
    assertEquals(0, xprv[45]);
    JsonNode bip86 = importKey(HEX.formatHex(Arrays.copyOfRange(xprv, 46, 78)), "bitcoin");
    assertEquals(BIP86_ADDRESS, bip86.get("addresses").get("p2tr").asText());
    // BIP-341 scriptPubKey[0]: the key-path-only output of keyPathSpending[0]'s first key
    JsonNode kp = importKey(KP_KEY, "bitcoin");
    assertEquals(KP_ADDRESS, kp.get("addresses").get("p2tr").asText());
    keyPathWallet = kp.get("id").asText();
  }

  @Test
  @Order(30)
  void signsBip143NativeP2wpkhExample() throws Exception {
    JsonNode wallet = importKey(P2WPKH_KEY, "bitcoin");
    p2wpkhWallet = wallet.get("id").asText();
    assertEquals(BitcoinAddress.p2wpkh("bc", HEX.parseHex(P2WPKH_PUBKEY)), wallet.get("address").asText());
    byte[] psbt = psbt(P2WPKH_UNSIGNED, List.of(List.of(), List.of(new byte[] {1}, txOut(600_000_000L, P2WPKH_SPK))), 2);
    JsonNode data = signPsbt(p2wpkhWallet, Base64.getEncoder().encodeToString(psbt), null, true);
    assertEquals("base64", data.get("encoding").asText());
    JsonNode s = only(data.get("signed_inputs"));
    assertEquals(1, s.get("index").asInt());
    assertEquals("p2wpkh", s.get("kind").asText());
    assertEquals(1, s.get("sighash_type").asInt());
    assertEquals(P2WPKH_SIGHASH, s.get("digest").asText());
    assertEquals(P2WPKH_SIG + "01", s.get("signature").asText(), "BIP-143's published signature");
    assertEquals(P2WPKH_PUBKEY, s.get("public_key").asText());
    // The returned PSBT is the request's with exactly one partial_sig added.
    Psbt signed = Psbt.fromBase64(data.get("psbt").asText());
    Psbt.Entry sig = signed.inputEntries(1).get(1);
    assertEquals("02" + P2WPKH_PUBKEY, HEX.formatHex(sig.key()));
    assertEquals(P2WPKH_SIG + "01", HEX.formatHex(sig.value()));
    assertArrayEquals(psbt, Psbt.parse(psbt).serialize());
    assertEquals(psbt.length + 1 + 34 + 1 + sig.value().length, signed.serialize().length);
    // Its witness, [signature, public key], is the one in BIP-143's serialized signed transaction.
    Transaction published = Transaction.parse(HEX.parseHex(P2WPKH_SIGNED));
    List<byte[]> witness = published.inputs().get(1).witness();
    assertEquals(HEX.formatHex(witness.get(0)), s.get("signature").asText());
    assertEquals(HEX.formatHex(witness.get(1)), s.get("public_key").asText());
  }

  @Test
  @Order(40)
  void signsBip143P2shP2wpkhExampleAndTheSignedTransactionIsThePublishedOne() throws Exception {
    String walletId = importKey(P2SH_KEY, "bitcoin").get("id").asText();
    byte[] psbt = psbt(P2SH_UNSIGNED, List.of(List.of(new byte[] {1}, txOut(1_000_000_000L, P2SH_SPK),
        new byte[] {4}, HEX.parseHex(P2SH_REDEEM))), 2);
    JsonNode data = signPsbt(walletId, HEX.formatHex(psbt), "hex", true);
    assertEquals("hex", data.get("encoding").asText());
    JsonNode s = only(data.get("signed_inputs"));
    assertEquals("p2sh-p2wpkh", s.get("kind").asText());
    assertEquals(P2SH_SIGHASH, s.get("digest").asText());
    assertEquals(P2SH_SIG + "01", s.get("signature").asText(), "BIP-143's published signature");
    Psbt.parse(HEX.parseHex(data.get("psbt").asText()));
    // Finalize as a P2SH-P2WPKH spend (scriptSig = push(redeem script), witness = [sig, key]):
    // the result is BIP-143's serialized signed transaction, byte for byte.
    Transaction unsigned = Transaction.parse(HEX.parseHex(P2SH_UNSIGNED));
    byte[] redeem = HEX.parseHex(P2SH_REDEEM);
    byte[] scriptSig = new byte[redeem.length + 1];
    scriptSig[0] = (byte) redeem.length;
    System.arraycopy(redeem, 0, scriptSig, 1, redeem.length);
    Transaction.Input in = unsigned.inputs().get(0).withScriptSigAndWitness(scriptSig,
        List.of(HEX.parseHex(s.get("signature").asText()), HEX.parseHex(s.get("public_key").asText())));
    Transaction finalTx = new Transaction(unsigned.version(), List.of(in), unsigned.outputs(), unsigned.lockTime());
    assertEquals(P2SH_SIGNED, HEX.formatHex(finalTx.serialize()));
  }

  @Test
  @Order(50)
  void signsBip341KeyPathVectorWithFreshAuxRandomness() throws Exception {
    byte[] psbt = keyPathPsbt();
    JsonNode data = signPsbt(keyPathWallet, Base64.getEncoder().encodeToString(psbt), null, false, "SINGLE");
    JsonNode s = only(data.get("signed_inputs"));
    assertEquals(0, s.get("index").asInt(), "only input 0 spends this key's BIP-86 output");
    assertEquals("p2tr", s.get("kind").asText());
    assertEquals(KP_HASH_TYPE, s.get("sighash_type").asInt());
    assertEquals(KP_SIGHASH, s.get("digest").asText());
    byte[] witness0 = HEX.parseHex(s.get("signature").asText());
    assertEquals(65, witness0.length);
    assertEquals(KP_HASH_TYPE, witness0[64]);
    byte[] outputKey = HEX.parseHex(KP_UTXOS[0][0].substring(4));
    assertEquals(HEX.formatHex(outputKey), s.get("public_key").asText());
    assertTrue(Bip340Verifier.verify(outputKey, HEX.parseHex(KP_SIGHASH), Arrays.copyOf(witness0, 64)));
    Psbt signed = Psbt.fromBase64(data.get("psbt").asText());
    List<Psbt.Entry> in0 = signed.inputEntries(0);
    Psbt.Entry tapKeySig = in0.get(in0.size() - 1);
    assertEquals("13", HEX.formatHex(tapKeySig.key()));
    assertArrayEquals(witness0, tapKeySig.value());
    // fresh aux randomness: the same request gives another valid signature
    byte[] again = HEX.parseHex(only(signPsbt(keyPathWallet, Base64.getEncoder().encodeToString(psbt),
        null, false, "SINGLE").get("signed_inputs")).get("signature").asText());
    assertFalse(Arrays.equals(witness0, again));
    assertTrue(Bip340Verifier.verify(outputKey, HEX.parseHex(KP_SIGHASH), Arrays.copyOf(again, 64)));
    // SINGLE without allowed_sighash_types: refused
    ObjectNode single = JSON.createObjectNode().put("psbt", Base64.getEncoder().encodeToString(psbt));
    Http.Reply r = http.post("/v1/wallets/" + keyPathWallet + "/rpc", auth,
        rpcBody(single).toString());
    assertEquals(400, r.status(), () -> r.raw().body());
    assertEquals("malformed_payload", r.body().get("code").asText());
    assertTrue(r.raw().body().contains("inputs[0].sighash_type"), r.raw().body());
  }

  @Test
  @Order(60)
  void badPsbtsAre400WithTypedCodesAndAuditedAsRejected() throws Exception {
    byte[] good = psbt(P2WPKH_UNSIGNED, List.of(List.of(), List.of(new byte[] {1}, txOut(600_000_000L, P2WPKH_SPK))), 2);
    String b64 = Base64.getEncoder().encodeToString(good);
    // not a PSBT
    expect400(p2wpkhWallet, Base64.getEncoder().encodeToString("hello, bitcoin".getBytes(StandardCharsets.UTF_8)),
        "malformed_payload", "psbt.magic");
    // truncated
    expect400(p2wpkhWallet, Base64.getEncoder().encodeToString(Arrays.copyOf(good, good.length - 7)),
        "malformed_payload", "truncated");
    // trailing garbage
    expect400(p2wpkhWallet, Base64.getEncoder().encodeToString(Arrays.copyOf(good, good.length + 1)),
        "malformed_payload", "trailing");
    // not base64
    expect400(p2wpkhWallet, "cHNidP8!!!", "malformed_payload", "base64");
    // no input of this wallet: the P2SH-P2WPKH example's PSBT for the P2WPKH key
    byte[] foreign = psbt(P2SH_UNSIGNED, List.of(List.of(new byte[] {1}, txOut(1_000_000_000L, P2SH_SPK),
        new byte[] {4}, HEX.parseHex(P2SH_REDEEM))), 2);
    expect400(p2wpkhWallet, Base64.getEncoder().encodeToString(foreign), "malformed_payload",
        "no input of this wallet");
    // an unsupported sighash type on the wallet's input
    byte[] badType = psbt(P2WPKH_UNSIGNED, List.of(List.of(), List.of(new byte[] {1}, txOut(600_000_000L, P2WPKH_SPK),
        new byte[] {3}, new byte[] {0x41, 0, 0, 0})), 2);
    expect400(p2wpkhWallet, Base64.getEncoder().encodeToString(badType), "malformed_payload", "sighash");
    // the wallet's segwit v0 input with witness_utxo only, and no allow_witness_utxo_only
    expect400(p2wpkhWallet, b64, "malformed_payload", "inputs[1].non_witness_utxo");
    // the amount lie (CVE-2020-14199): witness_utxo claims more than the previous output holds
    Transaction prev = previous(50_000);
    expect400(p2wpkhWallet, spending(prev, new byte[] {0}, prev.serialize(), new byte[] {1},
        txOut(80_000, P2WPKH_SPK)), "malformed_payload", "inputs[0].witness_utxo");
    // SIGHASH_NONE, not listed in allowed_sighash_types
    expect400(p2wpkhWallet, spending(prev, new byte[] {0}, prev.serialize(), new byte[] {3},
        new byte[] {2, 0, 0, 0}), "malformed_payload", "inputs[0].sighash_type");
    // an unknown parameter
    ObjectNode body = JSON.createObjectNode().put("method", "signPsbt");
    body.putObject("params").put("psbt", b64).put("broadcast", true);
    Http.Reply r = http.post("/v1/wallets/" + p2wpkhWallet + "/rpc", auth, body.toString());
    assertEquals(400, r.status(), () -> r.raw().body());
    assertEquals("invalid_request", r.body().get("code").asText());
    assertFalse(r.raw().body().contains("Exception"), r.raw().body());
    REJECTED.add("invalid_request");

    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        PreparedStatement ps = c.prepareStatement("SELECT outcome, error_code, detail FROM audit_log "
            + "WHERE wallet_id = ? AND action = 'wallet.sign' ORDER BY id")) {
      ps.setString(1, p2wpkhWallet);
      List<String> rejected = new ArrayList<>();
      int succeeded = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(1).equals("rejected")) {
            rejected.add(rs.getString(2));
            assertTrue(rs.getString(3).contains("signPsbt"), rs.getString(3));
            assertFalse(rs.getString(3).contains(b64), "the request body is never audited");
          } else if (rs.getString(1).equals("succeeded")) {
            succeeded++;
            assertTrue(rs.getString(3).contains("\"sighash_types\":[\"ALL\"]"), rs.getString(3));
            assertTrue(rs.getString(3).contains(P2WPKH_SIGHASH), rs.getString(3));
          }
        }
      }
      assertEquals(REJECTED, rejected);
      assertEquals(1, succeeded);
    }
  }

  @Test
  @Order(65)
  void signsWithThePreviousTransactionAndListedPartialSighashTypes() throws Exception {
    Transaction prev = previous(50_000);
    JsonNode data = signPsbt(p2wpkhWallet, spending(prev, new byte[] {0}, prev.serialize(),
        new byte[] {1}, txOut(50_000, P2WPKH_SPK)), null, false);
    JsonNode s = only(data.get("signed_inputs"));
    assertEquals(Sighash.ALL, s.get("sighash_type").asInt());
    Transaction tx = Psbt.fromBase64(data.get("psbt").asText()).unsignedTx();
    assertEquals(HEX.formatHex(Sighash.bip143(tx, 0,
        Sighash.p2wpkhScriptCode(Hashes.hash160(HEX.parseHex(P2WPKH_PUBKEY))), 50_000, Sighash.ALL)),
        s.get("digest").asText());
    JsonNode partial = signPsbt(p2wpkhWallet, spending(prev, new byte[] {0}, prev.serialize(),
        new byte[] {3}, new byte[] {(byte) 0x83, 0, 0, 0}), null, false, "SINGLE|ANYONECANPAY");
    assertEquals(0x83, only(partial.get("signed_inputs")).get("sighash_type").asInt());
  }

  @Test
  @Order(70)
  void rawSecp256k1SignIsOffByDefaultAndSignsTheSighashWhenEnabled() throws Exception {
    Http.Reply refused = http.post("/v1/wallets/" + p2wpkhWallet + "/rpc", auth,
        "{\"method\":\"secp256k1_sign\",\"params\":{\"hash\":\"0x" + P2WPKH_SIGHASH + "\"}}");
    assertEquals(403, refused.status(), () -> refused.raw().body());
    assertEquals("method_not_allowed_for_app", refused.body().get("code").asText());

    JsonNode raw = stack.createApp("raw-bitcoin", "--allow-raw-sign");
    Path env = home.resolve("raw-BitcoinEndToEndTest.env");
    Files.writeString(env, "BASE_URL=" + stack.baseUrl() + "\nAPP_ID=" + raw.get("app_id").asText()
        + "\nAPP_SECRET=" + raw.get("app_secret").asText() + "\n");
    JsonNode wallet = importKey(P2WPKH_KEY, "bitcoin", "--stack-env", env.toString());
    Http.Reply r = http.post("/v1/wallets/" + wallet.get("id").asText() + "/rpc",
        Http.basic(raw.get("app_id").asText(), raw.get("app_secret").asText()),
        "{\"method\":\"secp256k1_sign\",\"params\":{\"hash\":\"0x" + P2WPKH_SIGHASH + "\"}}");
    assertEquals(200, r.status(), () -> r.raw().body());
    String sig = r.body().get("data").get("signature").asText();
    byte[] der = HEX.parseHex(P2WPKH_SIG);
    // r || s of BIP-143's signature over the same sighash (RFC 6979), then v
    assertEquals("0x" + HEX.formatHex(der, 4, 36) + HEX.formatHex(der, 38, 70), sig.substring(0, 130));
  }

  // ------------------------------------------------------------------------------- helpers

  private static void expect400(String walletId, String psbtBase64, String code, String detail)
      throws Exception {
    ObjectNode body = JSON.createObjectNode().put("method", "signPsbt");
    body.putObject("params").put("psbt", psbtBase64);
    Http.Reply r = http.post("/v1/wallets/" + walletId + "/rpc", auth, body.toString());
    assertEquals(400, r.status(), () -> r.raw().body());
    assertEquals(code, r.body().get("code").asText(), r.raw().body());
    assertTrue(r.raw().body().contains(detail), r.raw().body());
    assertFalse(r.raw().body().contains("Exception"), r.raw().body());
    REJECTED.add(code);
  }

  /** A previous transaction paying {@code value} to BIP-143's P2WPKH key at output 0. */
  static Transaction previous(long value) {
    return new Transaction(2,
        List.of(new Transaction.Input(new byte[32], 4, new byte[0], 0xffffffffL, List.of())),
        List.of(new Transaction.Output(value, HEX.parseHex(P2WPKH_SPK))), 0);
  }

  /** A base64 PSBT spending output 0 of {@code prev}, input entries as (key, value, ...). */
  static String spending(Transaction prev, byte[]... entries) {
    Transaction tx = new Transaction(2,
        List.of(new Transaction.Input(prev.txid(), 0, new byte[0], 0xfffffffdL, List.of())),
        List.of(new Transaction.Output(40_000, HEX.parseHex(P2WPKH_SPK))), 0);
    return Base64.getEncoder().encodeToString(
        psbt(HEX.formatHex(tx.serializeNoWitness()), List.of(List.of(entries)), 1));
  }

  private static ObjectNode rpcBody(ObjectNode params) {
    ObjectNode body = JSON.createObjectNode().put("method", "signPsbt");
    body.set("params", params);
    return body;
  }

  /**
   * signPsbt with {@code allow_witness_utxo_only} (sent only when true) and the listed
   * {@code allowed_sighash_types} (sent only when some are given).
   */
  private static JsonNode signPsbt(String walletId, String psbt, String encoding,
      boolean allowWitnessUtxoOnly, String... allowedSighashTypes) throws Exception {
    ObjectNode params = JSON.createObjectNode().put("psbt", psbt);
    if (encoding != null) {
      params.put("encoding", encoding);
    }
    if (allowWitnessUtxoOnly) {
      params.put("allow_witness_utxo_only", true);
    }
    if (allowedSighashTypes.length > 0) {
      params.putArray("allowed_sighash_types").addAll(
          Arrays.stream(allowedSighashTypes).map(JSON.getNodeFactory()::textNode).toList());
    }
    Http.Reply r = http.post("/v1/wallets/" + walletId + "/rpc", auth, rpcBody(params).toString());
    assertEquals(200, r.status(), () -> r.raw().body());
    assertEquals("signPsbt", r.body().get("method").asText());
    return r.body().get("data");
  }

  private static JsonNode only(JsonNode array) {
    assertEquals(1, array.size(), array::toString);
    return array.get(0);
  }

  private static JsonNode importKey(String hexKey, String chainType, String... extra) throws Exception {
    Path keyFile = home.resolve("key-" + hexKey.substring(0, 8));
    Files.writeString(keyFile, hexKey);
    List<String> args = new ArrayList<>(List.of("--key-file", keyFile.toString(), "--chain-type", chainType));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = WalletImportCli.run(args.toArray(new String[0]), home, java.io.InputStream.nullInputStream(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    Files.delete(keyFile);
    assertEquals(0, code, err::toString);
    JsonNode wallet = JSON.readTree(out.toString(StandardCharsets.UTF_8));
    assertEquals(chainType, wallet.get("chain_type").asText());
    return wallet;
  }

  /** Base58Check decoding (payload without the 4-byte double-SHA-256 checksum). */
  private static byte[] base58check(String text) {
    byte[] all = Base58.decode(text, "key");
    byte[] payload = Arrays.copyOf(all, all.length - 4);
    assertArrayEquals(Arrays.copyOf(Hashes.sha256d(payload), 4), Arrays.copyOfRange(all, all.length - 4, all.length),
        "base58check checksum");
    return payload;
  }

  static byte[] keyPathPsbt() {
    List<List<byte[]>> maps = new ArrayList<>();
    for (int i = 0; i < KP_UTXOS.length; i++) {
      maps.add(i == 0
          ? List.of(new byte[] {1}, txOut(Long.parseLong(KP_UTXOS[i][1]), KP_UTXOS[i][0]),
              new byte[] {3}, new byte[] {KP_HASH_TYPE, 0, 0, 0})
          : List.of(new byte[] {1}, txOut(Long.parseLong(KP_UTXOS[i][1]), KP_UTXOS[i][0])));
    }
    return psbt(KP_TX, maps, 2);
  }

  /**
   * A BIP-174 PSBT of the unsigned transaction with these input maps (key, value, key, value, ...)
   * and empty output maps, built by {@link Psbt#create}; {@code outputs} is the transaction's
   * output count.
   */
  static byte[] psbt(String unsignedTxHex, List<List<byte[]>> inputs, int outputs) {
    List<List<Psbt.Entry>> maps = new java.util.ArrayList<>();
    for (List<byte[]> m : inputs) {
      List<Psbt.Entry> entries = new java.util.ArrayList<>();
      for (int k = 0; k + 1 < m.size(); k += 2) {
        entries.add(new Psbt.Entry(m.get(k), m.get(k + 1)));
      }
      maps.add(entries);
    }
    Psbt psbt = Psbt.create(io.nitrosign.chains.bitcoin.Transaction.parse(HEX.parseHex(unsignedTxHex)), maps);
    if (psbt.outputCount() != outputs) {
      throw new IllegalArgumentException("the transaction has " + psbt.outputCount() + " outputs");
    }
    return psbt.serialize();
  }

  /** A witness_utxo value: the spent output's amount and script. */
  static byte[] txOut(long value, String spk) {
    return Psbt.witnessUtxoEntry(value, HEX.parseHex(spk)).value();
  }

}
