package io.nitrosign.parent.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.bitcoin.Psbt;
import io.nitrosign.chains.bitcoin.Sighash;
import io.nitrosign.chains.bitcoin.Transaction;
import io.nitrosign.chains.bitcoin.Secp256k1Points;
import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.wallet.ChainType;
import io.nitrosign.parent.wallet.Wallet;
import io.nitrosign.proto.v1.InputSignature;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parent's side of {@code signPsbt}: decoding for policy, and checking an enclave answer made
 * of the published signatures of BIP-143's "Native P2WPKH" example (bitcoin/bips
 * bip-0143.mediawiki, commit 0402dd2b846e962125db4150d9c20ec43bb171dc) and BIP-341's
 * keyPathSpending[0] input 0 (bitcoin/bips bip-0341/wallet-test-vectors.json, as in
 * bitcoin/bitcoin src/test/data/bip341_wallet_vectors.json), plus tampered answers.
 */
class SignPsbtTest {
  static final HexFormat HEX = HexFormat.of();
  static final ObjectMapper JSON = new ObjectMapper();

  // BIP-143 Native P2WPKH
  static final String P2WPKH_UNSIGNED = "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac11000000";
  static final String P2WPKH_PUBKEY = "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357";
  static final String P2WPKH_SPK = "00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1";
  static final String P2WPKH_SIGHASH = "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670";
  static final String P2WPKH_SIG = "304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee";

  // BIP-341 keyPathSpending[0]: the transaction, the nine spent outputs, and input 0
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
  static final String KP_INTERNAL_PUBKEY = "d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d";
  static final String KP_SIGHASH = "2514a6272f85cfa0f45eb907fcb0d121b808ed37c6ea160a5a9046ed5526d555";
  static final String KP_WITNESS = "ed7c1647cb97379e76892be0cacff57ec4a7102aa24296ca39af7541246d8ff14d38958d4cc1e2e478e4d4a764bbfd835b16d4e314b72937b29833060b87276c03";

  static Wallet wallet(ChainType chain, String compressedHex) {
    byte[] pub = Secp256k1Points.decompress(HEX.parseHex(compressedHex));
    return new Wallet("w1", "app", chain.wireName(), "secp256k1", pub, chain.address(pub), null, 1,
        Instant.EPOCH);
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

  static byte[] p2wpkhPsbt() {
    return psbt(P2WPKH_UNSIGNED, List.of(List.of(), List.of(new byte[] {1}, txOut(600_000_000L, P2WPKH_SPK))), 2);
  }

  static byte[] keyPathPsbt() {
    List<List<byte[]>> maps = new java.util.ArrayList<>();
    for (int i = 0; i < KP_UTXOS.length; i++) {
      maps.add(i == 0
          ? List.of(new byte[] {1}, txOut(Long.parseLong(KP_UTXOS[i][1]), KP_UTXOS[i][0]), new byte[] {3}, new byte[] {3, 0, 0, 0})
          : List.of(new byte[] {1}, txOut(Long.parseLong(KP_UTXOS[i][1]), KP_UTXOS[i][0])));
    }
    return psbt(KP_TX, maps, 2);
  }

  static ObjectNode params(String psbt, String encoding) {
    ObjectNode p = JSON.createObjectNode().put("psbt", psbt);
    if (encoding != null) {
      p.put("encoding", encoding);
    }
    return p;
  }

  /**
   * Params accepting witness_utxo alone: BIP-143 does not publish its examples' previous
   * transactions, so their PSBTs cannot carry non_witness_utxo.
   */
  static ObjectNode witnessUtxoOnly(String psbt, String encoding) {
    return params(psbt, encoding).put("allow_witness_utxo_only", true);
  }

  /** Params allowing SIGHASH_SINGLE: BIP-341's key-path input 0 uses it. */
  static ObjectNode singleAllowed(String psbt) {
    ObjectNode p = params(psbt, null);
    p.putArray("allowed_sighash_types").add("SINGLE");
    return p;
  }

  static byte[] rs(String der) {
    byte[] d = HEX.parseHex(der);
    byte[] out = new byte[64];
    System.arraycopy(d, 4, out, 0, 32);
    System.arraycopy(d, 38, out, 32, 32);
    return out;
  }

  static SignResponse answer(int index, String digest, int type, byte[] sig, boolean schnorr) {
    return SignResponse.newBuilder().addInputSignatures(InputSignature.newBuilder()
        .setInputIndex(index).setDigest(ByteString.copyFrom(HEX.parseHex(digest))).setSighashType(type)
        .setSignature(ByteString.copyFrom(sig)).setSchnorr(schnorr)).build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void bip143P2wpkhDecodedAndPublishedSignatureAccepted() {
    Wallet w = wallet(ChainType.BITCOIN, P2WPKH_PUBKEY);
    RpcMethod m = RpcMethods.of("signPsbt", ChainType.BITCOIN);
    RpcMethod.Prepared p = m.prepare(witnessUtxoOnly(Base64.getEncoder().encodeToString(p2wpkhPsbt()), null), w);
    SignRequest.Builder b = SignRequest.newBuilder();
    p.payload(b);
    assertEquals(HEX.formatHex(p2wpkhPsbt()), HEX.formatHex(b.getBitcoinPsbt().getPsbt().toByteArray()));
    assertTrue(b.getBitcoinPsbt().getAllowWitnessUtxoOnly());
    assertEquals(List.of(), b.getBitcoinPsbt().getAllowedSighashTypesList());

    Map<String, Object> d = p.decoded().audit();
    assertEquals("bitcoin", d.get("network"));
    List<Map<String, Object>> ins = (List<Map<String, Object>>) d.get("inputs");
    assertEquals(false, ins.get(0).get("wallet"));
    assertNull(ins.get(0).get("value"));
    assertEquals(true, ins.get(1).get("sign"));
    assertEquals("p2wpkh", ins.get(1).get("kind"));
    assertEquals(600_000_000L, ins.get(1).get("value"));
    assertEquals(P2WPKH_SIGHASH, ins.get(1).get("digest"));
    assertNull(d.get("fee")); // input 0 has no UTXO in this PSBT
    List<Map<String, Object>> outs = (List<Map<String, Object>>) d.get("outputs");
    assertEquals(112_340_000L, outs.get(0).get("value"));
    assertEquals("76a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac", outs.get(0).get("script"));
    assertEquals(List.of("ALL"), d.get("sighash_types"));

    Map<String, Object> data = p.result(answer(1, P2WPKH_SIGHASH, 1, rs(P2WPKH_SIG), false));
    assertEquals("base64", data.get("encoding"));
    Psbt signed = Psbt.fromBase64((String) data.get("psbt"));
    Psbt.Entry sig = signed.inputEntries(1).get(1);
    assertEquals("02" + P2WPKH_PUBKEY, HEX.formatHex(sig.key()));
    assertEquals(P2WPKH_SIG + "01", HEX.formatHex(sig.value()));
    Map<String, Object> entry = ((List<Map<String, Object>>) data.get("signed_inputs")).get(0);
    assertEquals(P2WPKH_SIG + "01", entry.get("signature"));
    assertEquals(P2WPKH_PUBKEY, entry.get("public_key"));
  }

  @Test
  void tamperedAnswersAreProtocolErrors() {
    Wallet w = wallet(ChainType.BITCOIN, P2WPKH_PUBKEY);
    RpcMethod.Prepared p = new SignPsbt().prepare(witnessUtxoOnly(HEX.formatHex(p2wpkhPsbt()), "hex"), w);
    byte[] good = rs(P2WPKH_SIG);
    byte[] flipped = good.clone();
    flipped[63] ^= 1;
    byte[] highS = good.clone();
    java.math.BigInteger n = Secp256k1Points.N;
    byte[] s = Secp256k1Points.toBytes32(n.subtract(new java.math.BigInteger(1, Arrays.copyOfRange(good, 32, 64))));
    System.arraycopy(s, 0, highS, 32, 32);
    List<SignResponse> bad = List.of(
        answer(1, P2WPKH_SIGHASH, 1, flipped, false),
        answer(1, P2WPKH_SIGHASH, 1, highS, false), // verifies, but is not low-S
        answer(0, P2WPKH_SIGHASH, 1, good, false),
        answer(1, P2WPKH_SIGHASH, 2, good, false),
        answer(1, P2WPKH_SIGHASH, 1, good, true),
        answer(1, "00".repeat(32), 1, good, false),
        answer(1, P2WPKH_SIGHASH, 1, Arrays.copyOf(good, 63), false),
        SignResponse.newBuilder().build(),
        answer(1, P2WPKH_SIGHASH, 1, good, false).toBuilder().addInputSignatures(
            answer(1, P2WPKH_SIGHASH, 1, good, false).getInputSignatures(0)).build(),
        answer(1, P2WPKH_SIGHASH, 1, good, false).toBuilder().setDigest(ByteString.copyFrom(new byte[32])).build());
    for (SignResponse r : bad) {
      EnclaveCallException e = assertThrows(EnclaveCallException.class, () -> p.result(r), r.toString());
      assertEquals(EnclaveCallException.Kind.PROTOCOL, e.kind());
    }
    Map<String, Object> data = p.result(answer(1, P2WPKH_SIGHASH, 1, good, false));
    assertEquals("hex", data.get("encoding"));
    assertTrue(((String) data.get("psbt")).startsWith("70736274ff"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void bip341KeyPathPublishedSignatureBecomesTapKeySig() {
    Wallet w = wallet(ChainType.BITCOIN, "02" + KP_INTERNAL_PUBKEY);
    RpcMethod.Prepared p = new SignPsbt().prepare(singleAllowed(Base64.getEncoder().encodeToString(keyPathPsbt())), w);
    SignRequest.Builder b = SignRequest.newBuilder();
    p.payload(b);
    assertEquals(List.of(Sighash.SINGLE), b.getBitcoinPsbt().getAllowedSighashTypesList());
    assertEquals(false, b.getBitcoinPsbt().getAllowWitnessUtxoOnly()); // taproot: witness_utxo is enough
    Map<String, Object> d = p.decoded().audit();
    assertEquals(List.of("SINGLE"), d.get("sighash_types"));
    long in = 0;
    for (String[] u : KP_UTXOS) {
      in += Long.parseLong(u[1]);
    }
    assertEquals(in - 1_000_000_000L - 3_410_000_000L, d.get("fee"));
    List<Map<String, Object>> outs = (List<Map<String, Object>>) d.get("outputs");
    assertNull(outs.get(0).get("address")); // P2PKH
    assertNull(outs.get(1).get("address")); // a bare <32 bytes> script: not a segwit output
    assertEquals("ac9a87f5594be208f8532db38cff670c450ed2fea8fcdefcc9a663f78bab962b", outs.get(1).get("script"));
    byte[] witness = HEX.parseHex(KP_WITNESS);
    Map<String, Object> data = p.result(answer(0, KP_SIGHASH, 3, Arrays.copyOf(witness, 64), true));
    Psbt signed = Psbt.fromBase64((String) data.get("psbt"));
    Psbt.Entry tapKeySig = signed.inputEntries(0).get(signed.inputEntries(0).size() - 1);
    assertEquals("13", HEX.formatHex(tapKeySig.key()));
    assertEquals(KP_WITNESS, HEX.formatHex(tapKeySig.value()));
    // a BIP-340 signature that does not verify
    byte[] bad = Arrays.copyOf(witness, 64);
    bad[0] ^= 1;
    assertThrows(EnclaveCallException.class, () -> p.result(answer(0, KP_SIGHASH, 3, bad, true)));
  }

  @Test
  void badRequestsAreTypedErrors() {
    Wallet w = wallet(ChainType.BITCOIN_TESTNET, P2WPKH_PUBKEY);
    SignPsbt m = new SignPsbt();
    String good = Base64.getEncoder().encodeToString(p2wpkhPsbt());
    // not this wallet's: BIP-143's P2SH-P2WPKH key
    Wallet other = wallet(ChainType.BITCOIN, "03ad1d8e89212f0b92c74d23bb710c00662ad1470198ac48c43f7d6f93a2a26873");
    assertEquals("psbt", assertThrows(ChainFormatException.class, () -> m.prepare(params(good, null), other)).field());
    // truncated
    byte[] raw = p2wpkhPsbt();
    String truncated = Base64.getEncoder().encodeToString(Arrays.copyOf(raw, raw.length - 3));
    assertThrows(ChainFormatException.class, () -> m.prepare(params(truncated, null), w));
    assertEquals("psbt", assertThrows(ChainFormatException.class, () -> m.prepare(params("not base64!", null), w)).field());
    assertThrows(ApiException.class, () -> m.prepare(params("zz", "hex"), w));
    assertThrows(ApiException.class, () -> m.prepare(params(good, "utf-8"), w));
    assertThrows(ApiException.class, () -> m.prepare(params(good, null).put("broadcast", true), w));
    assertThrows(ApiException.class, () -> m.prepare(JSON.createObjectNode(), w));
    // testnet wallet: addresses use tb
    assertEquals("bitcoin-testnet", m.prepare(witnessUtxoOnly(good, null), w).decoded().audit().get("network"));
    // the signing rules' params, of the wrong type or with an unknown name
    assertEquals("params.allow_witness_utxo_only", assertThrows(ChainFormatException.class,
        () -> m.prepare(params(good, null).put("allow_witness_utxo_only", "true"), w)).field());
    ObjectNode notAList = witnessUtxoOnly(good, null).put("allowed_sighash_types", "SINGLE");
    assertEquals("params.allowed_sighash_types",
        assertThrows(ChainFormatException.class, () -> m.prepare(notAList, w)).field());
    ObjectNode unknown = witnessUtxoOnly(good, null);
    unknown.putArray("allowed_sighash_types").add("SINGLE").add("sighash_single");
    assertEquals("params.allowed_sighash_types[1]",
        assertThrows(ChainFormatException.class, () -> m.prepare(unknown, w)).field());
  }

  /** A previous transaction paying {@code value} to BIP-143's P2WPKH key at output 0. */
  static Transaction previous(long value) {
    return new Transaction(2,
        List.of(new Transaction.Input(new byte[32], 9, new byte[0], 0xffffffffL, List.of())),
        List.of(new Transaction.Output(value, HEX.parseHex(P2WPKH_SPK))), 0);
  }

  /** A PSBT spending output 0 of {@code prev}, input entries as (key, value, ...). */
  static String spending(Transaction prev, byte[]... entries) {
    Transaction tx = new Transaction(2,
        List.of(new Transaction.Input(prev.txid(), 0, new byte[0], 0xfffffffdL, List.of())),
        List.of(new Transaction.Output(40_000, HEX.parseHex(P2WPKH_SPK))), 0);
    return Base64.getEncoder().encodeToString(
        psbt(HEX.formatHex(tx.serializeNoWitness()), List.of(List.of(entries)), 1));
  }

  @Test
  void segwitV0InputsWithoutTheirPreviousTransactionAreMalformedUnlessTheRequestAcceptsTheRisk() {
    Wallet w = wallet(ChainType.BITCOIN, P2WPKH_PUBKEY);
    SignPsbt m = new SignPsbt();
    // BIP-143's example: witness_utxo only
    String example = Base64.getEncoder().encodeToString(p2wpkhPsbt());
    ChainFormatException e = assertThrows(ChainFormatException.class, () -> m.prepare(params(example, null), w));
    assertEquals("inputs[1].non_witness_utxo", e.field());
    // with the previous transaction: accepted without the flag, the flag stays false in the payload
    Transaction prev = previous(50_000);
    String both = spending(prev, new byte[] {0}, prev.serialize(), new byte[] {1}, txOut(50_000, P2WPKH_SPK));
    SignRequest.Builder b = SignRequest.newBuilder();
    m.prepare(params(both, null), w).payload(b);
    assertEquals(false, b.getBitcoinPsbt().getAllowWitnessUtxoOnly());
    // the amount lie (CVE-2020-14199): refused with and without the flag
    String lie = spending(prev, new byte[] {0}, prev.serialize(), new byte[] {1}, txOut(70_000, P2WPKH_SPK));
    for (ObjectNode params : List.of(params(lie, null), witnessUtxoOnly(lie, null))) {
      assertEquals("inputs[0].witness_utxo",
          assertThrows(ChainFormatException.class, () -> m.prepare(params, w)).field());
    }
  }

  @Test
  void partialSighashTypesAreMalformedByDefaultAndSignedWhenListed() {
    Wallet w = wallet(ChainType.BITCOIN, P2WPKH_PUBKEY);
    SignPsbt m = new SignPsbt();
    Transaction prev = previous(50_000);
    for (int type : Sighash.PARTIAL_TYPES) {
      String raw = spending(prev, new byte[] {0}, prev.serialize(), new byte[] {3},
          new byte[] {(byte) type, 0, 0, 0});
      ChainFormatException e = assertThrows(ChainFormatException.class, () -> m.prepare(params(raw, null), w));
      assertEquals("inputs[0].sighash_type", e.field());
      ObjectNode allowed = params(raw, null);
      allowed.putArray("allowed_sighash_types").add(Sighash.name(type)).add("ALL");
      RpcMethod.Prepared p = m.prepare(allowed, w);
      SignRequest.Builder b = SignRequest.newBuilder();
      p.payload(b);
      assertEquals(List.of(type), b.getBitcoinPsbt().getAllowedSighashTypesList());
      assertEquals(List.of(Sighash.name(type)), p.decoded().audit().get("sighash_types"));
    }
  }

  @Test
  void allowedSighashTypesReachTheEnclaveAscendingWithoutRepeats() {
    Wallet w = wallet(ChainType.BITCOIN, P2WPKH_PUBKEY);
    ObjectNode params = witnessUtxoOnly(Base64.getEncoder().encodeToString(p2wpkhPsbt()), null);
    params.putArray("allowed_sighash_types").add("SINGLE|ANYONECANPAY").add("NONE").add("DEFAULT")
        .add("NONE").add("ALL");
    SignRequest.Builder b = SignRequest.newBuilder();
    new SignPsbt().prepare(params, w).payload(b);
    assertEquals(List.of(0x02, 0x83), b.getBitcoinPsbt().getAllowedSighashTypesList());
  }
}
