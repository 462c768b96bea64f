package io.nitrosign.enclave.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.bitcoin.Bip340Verifier;
import io.nitrosign.chains.bitcoin.Hashes;
import io.nitrosign.chains.bitcoin.Psbt;
import io.nitrosign.chains.bitcoin.PsbtWallet;
import io.nitrosign.chains.bitcoin.Sighash;
import io.nitrosign.chains.bitcoin.Taproot;
import io.nitrosign.chains.bitcoin.Transaction;
import io.nitrosign.enclave.crypto.Bip340Signer;
import io.nitrosign.enclave.crypto.Secp256k1Signer;
import io.nitrosign.enclave.crypto.Secp256k1Verifier;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.proto.v1.BitcoinPsbt;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.InputSignature;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.WalletKey;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bitcoin_psbt signer with known keys: BIP-143's "Native P2WPKH" and "P2SH-P2WPKH" examples
 * (bitcoin/bips bip-0143.mediawiki, commit 0402dd2b846e962125db4150d9c20ec43bb171dc: unsigned
 * transactions, spent outputs, private keys, sigHash and signature copied from the "Example"
 * section) and BIP-341's keyPathSpending[0] input 0, the one key-path-only (BIP-86-style) input
 * of that vector (bip341-keypath-vectors.txt; origin in its header).
 *
 * <p>BIP-143 does not publish its examples' previous transactions, so those PSBTs carry
 * witness_utxo only and are signed with {@code allow_witness_utxo_only}; BIP-341's input 0 uses
 * SIGHASH_SINGLE, allowed explicitly, and its published signature was made with aux_rand = 32 zero
 * bytes, which the test injects ({@link #ZERO_AUX}; production draws aux from the DRBG).
 */
class BitcoinPsbtSignerTest {
  static final HexFormat HEX = HexFormat.of();

  // BIP-143 Native P2WPKH: the second input's key, spent output and published values.
  static final String P2WPKH_UNSIGNED = "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac11000000";
  static final String P2WPKH_KEY = "619c335025c7f4012e556c2a58b2506e30b8511b53ade95ea316fd8c3286feb9";
  static final String P2WPKH_SPK = "00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1";
  static final String P2WPKH_SIGHASH = "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670";
  static final String P2WPKH_SIG = "304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee";
  // BIP-143 P2SH-P2WPKH.
  static final String P2SH_UNSIGNED = "0100000001db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a54770100000000feffffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac92040000";
  static final String P2SH_KEY = "eb696a065ef48a2192da5b28b694f87544b30fae8327c4510137a922f32c6dcf";
  static final String P2SH_SPK = "a9144733f37cf4db86fbc2efed2500b4f4e49f31202387";
  static final String P2SH_REDEEM = "001479091972186c449eb1ded22b78e40d009bdf0089";
  static final String P2SH_SIGHASH = "64f3b0f4dd2bb3aa1ce8566d220cc74dda9df97d8490cc81d89d735c92e59fb6";
  static final String P2SH_SIG = "3044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb";

  /**
   * A BIP-174 PSBT of the unsigned transaction with these input maps (key, value, key, value, ...)
   * and empty output maps, built by {@link Psbt#create}; {@code outputs} is the transaction's
   * output count.
   */
  static byte[] psbt(byte[] unsignedTx, List<List<byte[]>> inputs, int outputs) {
    List<List<Psbt.Entry>> maps = new java.util.ArrayList<>();
    for (List<byte[]> m : inputs) {
      List<Psbt.Entry> entries = new java.util.ArrayList<>();
      for (int k = 0; k + 1 < m.size(); k += 2) {
        entries.add(new Psbt.Entry(m.get(k), m.get(k + 1)));
      }
      maps.add(entries);
    }
    Psbt psbt = Psbt.create(io.nitrosign.chains.bitcoin.Transaction.parse(unsignedTx), maps);
    if (psbt.outputCount() != outputs) {
      throw new IllegalArgumentException("the transaction has " + psbt.outputCount() + " outputs");
    }
    return psbt.serialize();
  }

  /** A witness_utxo value: the spent output's amount and script. */
  static byte[] txOut(long value, byte[] spk) {
    return Psbt.witnessUtxoEntry(value, spk).value();
  }

  static byte[] u32(long v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  /** BIP-340 aux_rand of 32 zero bytes: what BIP-341's published key-path signatures used. */
  static final Bip340Signer.AuxSource ZERO_AUX = aux -> Arrays.fill(aux, (byte) 0);
  /** As production: fresh randomness per signature. */
  static final Bip340Signer.AuxSource RANDOM_AUX = Bip340Signer.AuxSource.of(new SecureRandom());

  /** The payload with the default rules (non_witness_utxo required, DEFAULT and ALL only). */
  static BitcoinPsbt strict(byte[] psbt) {
    return BitcoinPsbt.newBuilder().setPsbt(ByteString.copyFrom(psbt)).build();
  }

  /** The payload accepting witness_utxo alone (BIP-143's examples have no previous transactions). */
  static BitcoinPsbt witnessUtxoOnly(byte[] psbt, Integer... allowedSighashTypes) {
    return BitcoinPsbt.newBuilder().setPsbt(ByteString.copyFrom(psbt)).setAllowWitnessUtxoOnly(true)
        .addAllAllowedSighashTypes(List.of(allowedSighashTypes)).build();
  }

  static SignRequest request(byte[] publicKey, byte[] psbt) {
    return request(publicKey, strict(psbt));
  }

  static SignRequest request(byte[] publicKey, BitcoinPsbt payload) {
    return SignRequest.newBuilder()
        .setKey(WalletKey.newBuilder().setWalletId("w").setCurve(Curve.SECP256K1)
            .setPublicKey(ByteString.copyFrom(publicKey)))
        .setBitcoinPsbt(payload)
        .build();
  }

  /** Signs the payload with the wallet of {@code privateKeyHex}, as WalletOperations would. */
  static SignResponse sign(String privateKeyHex, BitcoinPsbt payload, Bip340Signer.AuxSource aux)
      throws Exception {
    try (SecretBytes sk = new SecretBytes(HEX.parseHex(privateKeyHex));
        Secp256k1Signer signer = Secp256k1Signer.create(sk)) {
      PayloadSigner.Prepared prepared =
          new BitcoinPsbtSigner(aux).prepare(request(signer.publicKey(), payload));
      return prepared.sign(new UnsealedKey(sk, signer));
    }
  }

  static byte[] publicKey(String privateKeyHex) {
    try (SecretBytes sk = new SecretBytes(HEX.parseHex(privateKeyHex));
        Secp256k1Signer signer = Secp256k1Signer.create(sk)) {
      return signer.publicKey();
    }
  }

  /** r || s of a DER signature whose r and s are both 32 bytes (as in BIP-143's examples). */
  static byte[] rs(String der) {
    byte[] d = HEX.parseHex(der);
    assertEquals(0x20, d[3]);
    assertEquals(0x20, d[37]);
    byte[] out = new byte[64];
    System.arraycopy(d, 4, out, 0, 32);
    System.arraycopy(d, 38, out, 32, 32);
    return out;
  }

  @Test
  void bip143NativeP2wpkhExampleByteForByte() throws Exception {
    byte[] raw = psbt(HEX.parseHex(P2WPKH_UNSIGNED), List.of(List.of(),
        List.of(new byte[] {0x01}, txOut(600_000_000L, HEX.parseHex(P2WPKH_SPK)))), 2);
    SignResponse r = sign(P2WPKH_KEY, witnessUtxoOnly(raw), RANDOM_AUX);
    assertEquals(1, r.getInputSignaturesCount());
    InputSignature s = r.getInputSignatures(0);
    assertEquals(1, s.getInputIndex());
    assertEquals(Sighash.ALL, s.getSighashType());
    assertFalse(s.getSchnorr());
    assertEquals(P2WPKH_SIGHASH, HEX.formatHex(s.getDigest().toByteArray()));
    // BIP-143's signature is RFC 6979 (Bitcoin Core's signer), so ours is the same bytes.
    assertEquals(HEX.formatHex(rs(P2WPKH_SIG)), HEX.formatHex(s.getSignature().toByteArray()));
    assertTrue(r.getDigest().isEmpty() && r.getR().isEmpty() && r.getSignature().isEmpty());
  }

  @Test
  void bip143P2shP2wpkhExampleByteForByte() throws Exception {
    byte[] raw = psbt(HEX.parseHex(P2SH_UNSIGNED), List.of(
        List.of(new byte[] {0x01}, txOut(1_000_000_000L, HEX.parseHex(P2SH_SPK)),
            new byte[] {0x04}, HEX.parseHex(P2SH_REDEEM))), 2);
    SignResponse r = sign(P2SH_KEY, witnessUtxoOnly(raw), RANDOM_AUX);
    InputSignature s = r.getInputSignatures(0);
    assertEquals(0, s.getInputIndex());
    assertEquals(P2SH_SIGHASH, HEX.formatHex(s.getDigest().toByteArray()));
    assertEquals(HEX.formatHex(rs(P2SH_SIG)), HEX.formatHex(s.getSignature().toByteArray()));
  }

  record KeyPathVectors(byte[] tx, List<String[]> utxos, List<String[]> inputs) {}

  static KeyPathVectors keyPathVectors() throws Exception {
    byte[] tx = null;
    List<String[]> utxos = new ArrayList<>();
    List<String[]> inputs = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        BitcoinPsbtSignerTest.class.getResourceAsStream("/io/nitrosign/enclave/crypto/bip341-keypath-vectors.txt"),
        StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "rawUnsignedTx" -> tx = HEX.parseHex(f[1]);
          case "utxo" -> utxos.add(f);
          case "input" -> inputs.add(f);
          default -> { }
        }
      }
    }
    return new KeyPathVectors(tx, utxos, inputs);
  }

  /** keyPathSpending[0] as a PSBT: witness_utxo on every input, sighash_type on input 0. */
  static byte[] keyPathPsbt(KeyPathVectors v, int hashTypeOfInput0, byte[]... extraOnInput0) {
    List<List<byte[]>> maps = new ArrayList<>();
    for (int i = 0; i < v.utxos().size(); i++) {
      List<byte[]> m = new ArrayList<>(List.of(new byte[] {0x01},
          txOut(Long.parseLong(v.utxos().get(i)[2]), HEX.parseHex(v.utxos().get(i)[1]))));
      if (i == 0) {
        m.add(new byte[] {0x03});
        m.add(u32(hashTypeOfInput0));
        m.addAll(Arrays.asList(extraOnInput0));
      }
      maps.add(m);
    }
    return psbt(v.tx(), maps, 2);
  }

  @Test
  void bip341KeyPathInputZeroByteForByteWithTheBipsZeroAuxInjected() throws Exception {
    KeyPathVectors v = keyPathVectors();
    String[] f = v.inputs().get(0);
    assertEquals("0", f[1]);
    assertEquals("null", f[4]); // no script tree: the BIP-86 case
    int hashType = Integer.parseInt(f[2]);
    assertEquals(Sighash.SINGLE, hashType);
    BitcoinPsbt payload = strict(keyPathPsbt(v, hashType)).toBuilder()
        .addAllowedSighashTypes(Sighash.SINGLE).build();
    SignResponse r = sign(f[3], payload, ZERO_AUX);
    assertEquals(1, r.getInputSignaturesCount(), "only input 0 is this key's BIP-86 output");
    InputSignature s = r.getInputSignatures(0);
    assertTrue(s.getSchnorr());
    assertEquals(hashType, s.getSighashType());
    assertEquals(f[9], HEX.formatHex(s.getDigest().toByteArray()));
    // expected witness[0] = 64-byte signature || hash type byte (non-default type)
    assertEquals(f[10], HEX.formatHex(s.getSignature().toByteArray()) + String.format("%02x", hashType));
  }

  @Test
  void mixedInputsAllSighashTypes() throws Exception {
    // One wallet (BIP-143's P2WPKH key), spending its P2WPKH, P2SH-P2WPKH and P2TR outputs plus a
    // foreign P2PKH output, with every sighash type on the v0 and taproot inputs.
    byte[] pub = publicKey(P2WPKH_KEY);
    PsbtWallet wallet = PsbtWallet.of(pub);
    byte[] pkh = Hashes.hash160(wallet.compressedKey());
    byte[] p2wpkh = concat(HEX.parseHex("0014"), pkh);
    byte[] p2sh = concat(HEX.parseHex("a914"), Hashes.hash160(p2wpkh), HEX.parseHex("87"));
    byte[] p2tr = concat(HEX.parseHex("5120"), Taproot.bip86OutputKey(pub));
    byte[] p2pkh = HEX.parseHex("76a914751e76e8199196d454941c45d1b3a323f1433bd688ac");
    int[] v0Types = {0x01, 0x02, 0x03, 0x81, 0x82, 0x83};
    int[] trTypes = {0x00, 0x01, 0x02, 0x03, 0x81, 0x82, 0x83};
    for (int k = 0; k < v0Types.length; k++) {
      int v0Type = v0Types[k];
      int trType = trTypes[k + 1 == v0Types.length ? 0 : k + 1];
      byte[] tx = tx(4, 4);
      List<List<byte[]>> maps = List.of(
          List.of(new byte[] {0x01}, txOut(100_000, p2wpkh), new byte[] {0x03}, u32(v0Type)),
          List.of(new byte[] {0x01}, txOut(200_000, p2pkh)),
          List.of(new byte[] {0x01}, txOut(300_000, p2sh), new byte[] {0x04}, p2wpkh,
              new byte[] {0x03}, u32(v0Type)),
          List.of(new byte[] {0x01}, txOut(400_000, p2tr), new byte[] {0x03}, u32(trType)));
      byte[] raw = psbt(tx, maps, 4);
      SignResponse r = sign(P2WPKH_KEY,
          witnessUtxoOnly(raw, Sighash.PARTIAL_TYPES.toArray(new Integer[0])), RANDOM_AUX);
      assertEquals(3, r.getInputSignaturesCount());
      Psbt parsed = Psbt.parse(raw);
      int[] expectedIndexes = {0, 2, 3};
      for (int i = 0; i < 3; i++) {
        InputSignature s = r.getInputSignatures(i);
        assertEquals(expectedIndexes[i], s.getInputIndex());
        Psbt.InputSighash expected = parsed.sighash(s.getInputIndex());
        assertArrayEquals(expected.digest(), s.getDigest().toByteArray());
        assertEquals(expected.hashType(), s.getSighashType());
        byte[] sig = s.getSignature().toByteArray();
        if (s.getSchnorr()) {
          assertEquals(trType, s.getSighashType());
          assertTrue(Bip340Verifier.verify(wallet.taprootOutputKey(), expected.digest(), sig));
        } else {
          assertEquals(v0Type, s.getSighashType());
          assertTrue(Secp256k1Verifier.verify(pub, expected.digest(), Arrays.copyOf(sig, 32),
              Arrays.copyOfRange(sig, 32, 64)));
          assertTrue(Secp256k1Verifier.isLowS(new java.math.BigInteger(1, Arrays.copyOfRange(sig, 32, 64))));
        }
      }
    }
  }

  @Test
  void refusesWhatItCannotSign() throws Exception {
    byte[] good = psbt(HEX.parseHex(P2WPKH_UNSIGNED), List.of(List.of(),
        List.of(new byte[] {0x01}, txOut(600_000_000L, HEX.parseHex(P2WPKH_SPK)))), 2);
    byte[] pub = publicKey(P2WPKH_KEY);
    BitcoinPsbtSigner signer = new BitcoinPsbtSigner(RANDOM_AUX);
    // no input of this wallet (BIP-143's P2SH-P2WPKH key)
    ChainFormatException e = assertThrows(ChainFormatException.class,
        () -> signer.prepare(request(publicKey(P2SH_KEY), good)));
    assertEquals("psbt", e.field());
    // every truncation and a trailing byte
    for (int n = 0; n < good.length; n++) {
      byte[] t = Arrays.copyOf(good, n);
      assertThrows(ChainFormatException.class, () -> signer.prepare(request(pub, t)), "truncated to " + n);
    }
    assertThrows(ChainFormatException.class, () -> signer.prepare(request(pub, Arrays.copyOf(good, good.length + 1))));
    // not a PSBT at all
    assertEquals("psbt.magic", assertThrows(ChainFormatException.class,
        () -> signer.prepare(request(pub, HEX.parseHex("0102030405060708")))).field());
    // the wallet's input with an unsupported sighash type
    byte[] badType = psbt(HEX.parseHex(P2WPKH_UNSIGNED), List.of(List.of(),
        List.of(new byte[] {0x01}, txOut(600_000_000L, HEX.parseHex(P2WPKH_SPK)), new byte[] {0x03}, u32(0x41))), 2);
    assertEquals("sighash_type", assertThrows(ChainFormatException.class,
        () -> signer.prepare(request(pub, badType))).field());
    // the wallet's taproot output with a script tree
    KeyPathVectors v = keyPathVectors();
    String[] f = v.inputs().get(0);
    byte[] withRoot = keyPathPsbt(v, 3, new byte[] {0x18}, new byte[32]);
    assertEquals("inputs[0].tap_merkle_root", assertThrows(ChainFormatException.class,
        () -> signer.prepare(request(publicKey(f[3]), withRoot))).field());
  }

  @Test
  void taprootSignaturesTakeFreshAuxRandomnessAndAreNotDeterministic() throws Exception {
    KeyPathVectors v = keyPathVectors();
    String[] f = v.inputs().get(0);
    BitcoinPsbt payload = strict(keyPathPsbt(v, Sighash.SINGLE)).toBuilder()
        .addAllowedSighashTypes(Sighash.SINGLE).build();
    int[] draws = {0};
    Bip340Signer.AuxSource counting = aux -> {
      draws[0]++;
      RANDOM_AUX.next(aux);
    };
    InputSignature a = sign(f[3], payload, counting).getInputSignatures(0);
    InputSignature b = sign(f[3], payload, counting).getInputSignatures(0);
    assertEquals(2, draws[0], "one aux draw per signature");
    assertArrayEquals(a.getDigest().toByteArray(), b.getDigest().toByteArray());
    assertFalse(Arrays.equals(a.getSignature().toByteArray(), b.getSignature().toByteArray()));
    byte[] outputKey = HEX.parseHex(v.utxos().get(0)[1].substring(4));
    assertTrue(Bip340Verifier.verify(outputKey, a.getDigest().toByteArray(), a.getSignature().toByteArray()));
    assertTrue(Bip340Verifier.verify(outputKey, b.getDigest().toByteArray(), b.getSignature().toByteArray()));
    assertFalse(HEX.formatHex(a.getSignature().toByteArray()).equals(f[10].substring(0, 128)),
        "not the zero-aux signature");
  }

  /** A previous transaction paying {@code value} to {@code spk} at output 0. */
  static Transaction previous(long value, byte[] spk) {
    return new Transaction(2,
        List.of(new Transaction.Input(new byte[32], 3, new byte[0], 0xffffffffL, List.of())),
        List.of(new Transaction.Output(value, spk)), 0);
  }

  /** A PSBT spending output 0 of {@code prev} with the given input entries (key, value, ...). */
  static byte[] spending(Transaction prev, byte[]... entries) {
    Transaction tx = new Transaction(2,
        List.of(new Transaction.Input(prev.txid(), 0, new byte[0], 0xfffffffdL, List.of())),
        List.of(new Transaction.Output(40_000, HEX.parseHex(P2WPKH_SPK))), 0);
    return psbt(tx.serializeNoWitness(), List.of(List.of(entries)), 1);
  }

  @Test
  void segwitV0InputsNeedTheirPreviousTransactionBeforeAnythingIsUnsealed() throws Exception {
    byte[] spk = HEX.parseHex(P2WPKH_SPK);
    byte[] pub = publicKey(P2WPKH_KEY);
    BitcoinPsbtSigner signer = new BitcoinPsbtSigner(RANDOM_AUX);
    Transaction prev = previous(50_000, spk);
    byte[] witnessOnly = spending(prev, new byte[] {0x01}, txOut(50_000, spk));
    ChainFormatException e = assertThrows(ChainFormatException.class,
        () -> signer.prepare(request(pub, witnessOnly)));
    assertEquals("inputs[0].non_witness_utxo", e.field());
    assertEquals(1, sign(P2WPKH_KEY, witnessUtxoOnly(witnessOnly), RANDOM_AUX).getInputSignaturesCount());
    // with the previous transaction: signed on its amount, no flag needed
    byte[] both = spending(prev, new byte[] {0x00}, prev.serialize(), new byte[] {0x01}, txOut(50_000, spk));
    InputSignature s = sign(P2WPKH_KEY, strict(both), RANDOM_AUX).getInputSignatures(0);
    assertArrayEquals(Sighash.bip143(Psbt.parse(both).unsignedTx(), 0,
        Sighash.p2wpkhScriptCode(Hashes.hash160(PsbtWallet.of(pub).compressedKey())), 50_000, Sighash.ALL),
        s.getDigest().toByteArray());
    // the amount lie (CVE-2020-14199): witness_utxo claims more than the previous output holds
    byte[] lie = spending(prev, new byte[] {0x00}, prev.serialize(), new byte[] {0x01}, txOut(90_000, spk));
    for (BitcoinPsbt payload : List.of(strict(lie), witnessUtxoOnly(lie))) {
      assertEquals("inputs[0].witness_utxo", assertThrows(ChainFormatException.class,
          () -> signer.prepare(request(pub, payload))).field());
    }
  }

  @Test
  void partialSighashTypesAreRefusedUnlessThePayloadListsThem() throws Exception {
    byte[] spk = HEX.parseHex(P2WPKH_SPK);
    byte[] pub = publicKey(P2WPKH_KEY);
    BitcoinPsbtSigner signer = new BitcoinPsbtSigner(RANDOM_AUX);
    Transaction prev = previous(50_000, spk);
    for (int type : Sighash.PARTIAL_TYPES) {
      byte[] raw = spending(prev, new byte[] {0x00}, prev.serialize(), new byte[] {0x03}, u32(type));
      ChainFormatException e = assertThrows(ChainFormatException.class,
          () -> signer.prepare(request(pub, raw)));
      assertEquals("inputs[0].sighash_type", e.field());
      assertTrue(e.getMessage().contains(Sighash.name(type)), e.getMessage());
      BitcoinPsbt allowed = strict(raw).toBuilder().addAllowedSighashTypes(type).build();
      assertEquals(type, sign(P2WPKH_KEY, allowed, RANDOM_AUX).getInputSignatures(0).getSighashType());
    }
    // the payload's list must be canonical: partial types, ascending, no repeats
    byte[] all = spending(prev, new byte[] {0x00}, prev.serialize());
    for (List<Integer> bad : List.of(List.of(0x01), List.of(0x83, 0x02), List.of(0x03, 0x03), List.of(0x84))) {
      BitcoinPsbt payload = strict(all).toBuilder().addAllAllowedSighashTypes(bad).build();
      assertEquals("allowed_sighash_types", assertThrows(ChainFormatException.class,
          () -> signer.prepare(request(pub, payload))).field(), bad.toString());
    }
  }

  /** A version-2 transaction with {@code inputs} distinct prevouts and {@code outputs} P2WPKH outputs. */
  static byte[] tx(int inputs, int outputs) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(u32(2));
    o.write(inputs);
    for (int i = 0; i < inputs; i++) {
      byte[] txid = new byte[32];
      Arrays.fill(txid, (byte) (0x11 * (i + 1)));
      o.writeBytes(txid);
      o.writeBytes(u32(i));
      o.write(0);
      o.writeBytes(u32(0xfffffffdL - i));
    }
    o.write(outputs);
    for (int i = 0; i < outputs; i++) {
      o.writeBytes(txOut(50_000L * (i + 1), concat(HEX.parseHex("0014"), new byte[20])));
    }
    o.writeBytes(u32(0));
    byte[] raw = o.toByteArray();
    Transaction.parse(raw);
    return raw;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }
}
