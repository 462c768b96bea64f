package io.nitrosign.chains.stellar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.stellar.StellarModel.AssetType;
import io.nitrosign.chains.stellar.StellarModel.MemoType;
import io.nitrosign.chains.stellar.StellarModel.Operation;
import io.nitrosign.chains.stellar.StellarModel.OperationType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class StellarEnvelopeTest {

  private static final HexFormat HEX = HexFormat.of();

  /**
   * stellar/js-stellar-base, test/unit/transaction_envelope_test.js, "calculates correct hash with
   * non-utf8 strings": a v0 envelope (memo text 0xd1, one native payment), Public network, hash
   * a84d534b3742ad89413bdbf259e02fa4c5d039123769e9bcc63616f723a2bcd5.
   */
  static final String JS_BASE_V0 =
      "AAAAAAtjwtJadppTmm0NtAU99BFxXXfzPO1N/SqR43Z8aXqXAAAAZAAIj6YAAAACAAAAAAAAAAEAAAAB0QAAAAAAAAEAAAAAAAAAAQAAAADLa6390PDAqg3qDLpshQxS+uVw3ytSgKRirQcInPWt1QAAAAAAAAAAA1Z+AAAAAAAAAAABfGl6lwAAAEBC655+8Izq54MIZrXTVF/E1ycHgQWpVcBD+LFkuOjjJd995u/7wM8sFqQqambL0/ME2FTOtxMO65B9i3eAIu4P";

  /**
   * stellar/js-stellar-base, test/unit/transaction_envelope_test.js, "can successfully decode an
   * envelope" (from js-stellar-sdk issue 73): a v0 envelope with one MANAGE_SELL_OFFER, which this
   * decoder refuses as UNSUPPORTED (not mis-parsed).
   */
  static final String JS_BASE_V0_OFFER =
      "AAAAAPQQv+uPYrlCDnjgPyPRgIjB6T8Zb8ANmL8YGAXC2IAgAAAAZAAIteYAAAAHAAAAAAAAAAAAAAABAAAAAAAAAAMAAAAAAAAAAUVVUgAAAAAAUtYuFczBLlsXyEp3q8BbTBpEGINWahqkFbnTPd93YUUAAAAXSHboAAAAABEAACcQAAAAAAAAAKIAAAAAAAAAAcLYgCAAAABAo2tU6n0Bb7bbbpaXacVeaTVbxNMBtnrrXVk2QAOje2Flllk/ORlmQdFU/9c8z43eWh1RNMpI3PscY+yDCnJPBQ==";

  /**
   * lightsail-network/java-stellar-sdk, src/test/java/org/stellar/sdk/responses/
   * TransactionDeserializerTest.java, testDeserialize: a Horizon transaction (ledger 915744,
   * 2015-11-20) with envelope_xdr (v0, memo hash, one CREATE_ACCOUNT) and hash, which this test
   * reproduces with the Public network passphrase:
   * 5c2e4dad596941ef944d72741c8f8f1a4282f8f2f141e81d827f44bf365d626b, source account
   * GCUB7JL4APK7LKJ6MZF7Q2JTLHAGNBIUA7XIXD5SQTG52GQ2DAT6XZMK, sequence 2373051035426646.
   */
  static final String JAVA_SDK_V0_CREATE_ACCOUNT =
      "AAAAAKgfpXwD1fWpPmZL+GkzWcBmhRQH7ouPsoTN3RoaGCfrAAAAZAAIbkcAAB9WAAAAAAAAAANRBBZE6D1qyGjISUGLY5Ldvp31PwAAAAAAAAAAAAAAAAAAAAEAAAABAAAAAP1qe44j+i4uIT+arbD4QDQBt8ryEeJd7a0jskQ3nwDeAAAAAAAAAADA7RnarSzCwj3OT+M2btCMFpVBdqxJS+Sr00qBjtFv7gAAAABLCs/QAAAAAAAAAAEaGCfrAAAAQG/56Cj2J8W/KCZr+oC4sWND1CTGWfaccHNtuibQH8kZIb+qBSDY94g7hiaAXrlIeg9b7oz/XuP3x9MWYw2jtwM=";

  // ---------------------------------------------------------------- rs-stellar-xdr tx_hash.rs
  // stellar/rs-stellar-xdr, tests/tx_hash.rs (Testnet, "Test SDF Network ; September 2015"):
  // the structures are given field by field there; here they are written out in XDR by hand.

  private static byte[] u32(long v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Transaction{source = KEY_TYPE_ED25519 zero key, fee 100, seq 1, PRECOND_NONE, memo text, no ops, ext 0}. */
  static byte[] zeroKeyTx(String memoText) {
    byte[] text = memoText.getBytes(StandardCharsets.US_ASCII);
    byte[] padded = Arrays.copyOf(text, (text.length + 3) / 4 * 4);
    return cat(
        u32(0), new byte[32], // sourceAccount
        u32(100), // fee
        u32(0), u32(1), // seqNum
        u32(0), // cond: PRECOND_NONE
        u32(1), u32(text.length), padded, // memo: MEMO_TEXT
        u32(0), // operations: empty
        u32(0)); // ext v0
  }

  /** TransactionEnvelope ENVELOPE_TYPE_TX with memo "v1" and no signatures; hash cbe35083.... */
  static byte[] rsXdrV1() {
    return cat(u32(2), zeroKeyTx("v1"), u32(0));
  }

  /** TransactionEnvelope ENVELOPE_TYPE_TX_V0 with memo "v0"; hash 037d99f3.... */
  static byte[] rsXdrV0() {
    byte[] v1 = zeroKeyTx("v0");
    return cat(u32(0), Arrays.copyOfRange(v1, 4, v1.length), u32(0)); // drop the MuxedAccount tag
  }

  /** Fee bump: feeSource zero key, fee 200, inner v1 (memo "inner"), ext 0; hash 93136bdb.... */
  static byte[] rsXdrFeeBump() {
    return cat(
        u32(5), u32(0), new byte[32], u32(0), u32(200), u32(2), zeroKeyTx("inner"), u32(0), u32(0),
        u32(0));
  }

  @Test
  void rsStellarXdrV1Hash() {
    StellarEnvelope env = StellarEnvelope.decode(rsXdrV1());
    assertEquals(StellarEnvelope.ENVELOPE_TYPE_TX, env.envelopeType());
    assertEquals(
        "cbe35083a4f43334c6314ef6f8c950200c91a336d7373efd34cfb71d2d009a63",
        HEX.formatHex(env.hash(StellarEnvelope.TESTNET_PASSPHRASE)));
    assertArrayEquals(rsXdrV1(), env.toXdr());
  }

  @Test
  void rsStellarXdrV0Hash() {
    StellarEnvelope env = StellarEnvelope.decode(rsXdrV0());
    assertEquals(StellarEnvelope.ENVELOPE_TYPE_TX_V0, env.envelopeType());
    assertEquals(
        "037d99f3d0ded34afbf25ae9bf33d84d0a7b6cb2f37a8751301490660c4fc9c7",
        HEX.formatHex(env.hash(StellarEnvelope.TESTNET_PASSPHRASE)));
    assertArrayEquals(rsXdrV0(), env.toXdr());
  }

  @Test
  void rsStellarXdrFeeBumpHash() {
    StellarEnvelope env = StellarEnvelope.decode(rsXdrFeeBump());
    assertTrue(env.isFeeBump());
    assertEquals(200, env.fee());
    assertEquals(
        "93136bdb126dfda1154143c5e16894fc9ccad41c1a54ed1f8dc8ed0964d53330",
        HEX.formatHex(env.hash(StellarEnvelope.TESTNET_PASSPHRASE)));
    assertEquals(
        "9f8bd4d2b3bb1ad9b4aac192fd4ee430a12862115d4464b904b4836ab2a60a35",
        HEX.formatHex(env.innerEnvelope().hash(StellarEnvelope.TESTNET_PASSPHRASE)));
    assertArrayEquals("inner".getBytes(StandardCharsets.US_ASCII), env.transaction().memo().text());
    assertArrayEquals(rsXdrFeeBump(), env.toXdr());
  }

  @Test
  void jsStellarBaseV0PaymentPublicHash() {
    StellarEnvelope env = StellarEnvelope.fromBase64(JS_BASE_V0);
    assertEquals(
        "a84d534b3742ad89413bdbf259e02fa4c5d039123769e9bcc63616f723a2bcd5",
        HEX.formatHex(env.hash(StellarEnvelope.PUBLIC_PASSPHRASE)));
    assertEquals(JS_BASE_V0, env.toBase64());
    assertEquals(MemoType.TEXT, env.transaction().memo().type());
    assertArrayEquals(new byte[] {(byte) 0xd1}, env.transaction().memo().text());
    assertEquals(1, env.transaction().operations().size());
    Operation op = env.transaction().operations().get(0);
    assertEquals(OperationType.PAYMENT, op.type());
    assertEquals(AssetType.NATIVE, op.asset().type());
    assertEquals(56000000L, op.amount());
    assertEquals(
        "cb6badfdd0f0c0aa0dea0cba6c850c52fae570df2b5280a462ad07089cf5add5",
        HEX.formatHex(op.destination().ed25519()));
    assertEquals(1, env.signatures().size());
  }

  @Test
  void javaSdkV0CreateAccountHash() {
    StellarEnvelope env = StellarEnvelope.fromBase64(JAVA_SDK_V0_CREATE_ACCOUNT);
    assertEquals(
        "5c2e4dad596941ef944d72741c8f8f1a4282f8f2f141e81d827f44bf365d626b",
        HEX.formatHex(env.hash(StellarEnvelope.PUBLIC_PASSPHRASE)));
    assertEquals(
        "GCUB7JL4APK7LKJ6MZF7Q2JTLHAGNBIUA7XIXD5SQTG52GQ2DAT6XZMK",
        env.transaction().sourceAccount().address());
    assertEquals(2373051035426646L, env.transaction().seqNum());
    assertEquals(MemoType.HASH, env.transaction().memo().type());
    assertEquals(
        "51041644e83d6ac868c849418b6392ddbe9df53f000000000000000000000000",
        HEX.formatHex(env.transaction().memo().hash()));
    Operation op = env.transaction().operations().get(0);
    assertEquals(OperationType.CREATE_ACCOUNT, op.type());
    assertEquals(JAVA_SDK_V0_CREATE_ACCOUNT, env.toBase64());
  }

  @Test
  void unknownOperationIsRefusedAsUnsupported() {
    ChainFormatException e =
        assertThrows(
            ChainFormatException.class, () -> StellarEnvelope.fromBase64(JS_BASE_V0_OFFER));
    assertEquals(ChainFormatException.Kind.UNSUPPORTED, e.kind());
    assertEquals("v0.tx.operations[0].body.type", e.field());
  }

  @Test
  void addDecoratedSignatureAppendsHintAndSignature() {
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) i;
    }
    byte[] sig = new byte[64];
    Arrays.fill(sig, (byte) 0x5a);
    byte[] signed = StellarEnvelope.addDecoratedSignature(rsXdrV1(), key, sig);
    byte[] v1 = rsXdrV1();
    // same envelope with signatures<1>{hint 1c1d1e1f, sig len 64, sig}
    byte[] expected =
        cat(Arrays.copyOf(v1, v1.length - 4), u32(1), new byte[] {28, 29, 30, 31}, u32(64), sig);
    assertArrayEquals(expected, signed);
    StellarEnvelope env = StellarEnvelope.decode(signed);
    assertEquals(1, env.signatures().size());
    // signing does not change the hash
    assertArrayEquals(
        StellarEnvelope.decode(v1).hash(StellarEnvelope.TESTNET_PASSPHRASE),
        env.hash(StellarEnvelope.TESTNET_PASSPHRASE));

    // fee bump: appended to the outer signatures, inner untouched
    String fb = Base64.getEncoder().encodeToString(rsXdrFeeBump());
    StellarEnvelope fbEnv =
        StellarEnvelope.fromBase64(StellarEnvelope.addDecoratedSignature(fb, key, sig));
    assertEquals(1, fbEnv.signatures().size());
    assertEquals(0, fbEnv.innerEnvelope().signatures().size());
    assertArrayEquals(new byte[] {28, 29, 30, 31}, fbEnv.signatures().get(0).hint());

    // existing signatures are kept, the new one goes last
    byte[] twice = StellarEnvelope.addDecoratedSignature(Base64.getDecoder().decode(JS_BASE_V0), key, sig);
    StellarEnvelope t = StellarEnvelope.decode(twice);
    assertEquals(2, t.signatures().size());
    assertArrayEquals(sig, t.signatures().get(1).signature());

    assertThrows(
        ChainFormatException.class,
        () -> StellarEnvelope.addDecoratedSignature(rsXdrV1(), new byte[31], sig));
    assertThrows(
        ChainFormatException.class,
        () -> StellarEnvelope.addDecoratedSignature(rsXdrV1(), key, new byte[63]));
  }

  // ---------------------------------------------------------------- malformed input

  private static ChainFormatException refused(byte[] xdr) {
    return assertThrows(ChainFormatException.class, () -> StellarEnvelope.decode(xdr));
  }

  @Test
  void everyTruncationIsRefused() {
    for (byte[] good : new byte[][] {rsXdrV1(), rsXdrFeeBump(), Base64.getDecoder().decode(JS_BASE_V0)}) {
      for (int n = 0; n < good.length; n++) {
        ChainFormatException e = refused(Arrays.copyOf(good, n));
        assertEquals(ChainFormatException.Kind.MALFORMED, e.kind());
      }
    }
  }

  @Test
  void trailingBytesAreRefused() {
    ChainFormatException e = refused(cat(rsXdrV1(), u32(0)));
    assertEquals("envelope", e.field());
    assertTrue(e.reason().contains("trailing"));
  }

  @Test
  void nonZeroPaddingIsRefused() {
    byte[] b = rsXdrV1();
    // memo text "v1": 4-byte length 2 then 'v','1',0,0; find the padding and spoil it
    int memo = 4 + 36 + 4 + 8 + 4 + 4 + 4;
    assertEquals('v', b[memo]);
    b[memo + 3] = 1;
    assertEquals("v1.tx.memo.text.padding", refused(b).field());
  }

  @Test
  void badBooleanIsRefused() {
    byte[] b = Base64.getDecoder().decode(JS_BASE_V0);
    // v0: type 4, key 32, fee 4, seq 8, then the timeBounds optional
    b[4 + 32 + 4 + 8 + 3] = 2;
    assertEquals("v0.tx.timeBounds", refused(b).field());
  }

  @Test
  void oversizeArraysAreRefused() {
    byte[] tx = zeroKeyTx("v1");
    // operations length at tx.length - 8
    byte[] ops = tx.clone();
    System.arraycopy(u32(101), 0, ops, ops.length - 8, 4);
    ChainFormatException e = refused(cat(u32(2), ops, u32(0)));
    assertEquals("v1.tx.operations", e.field());
    assertTrue(e.reason().contains("exceeds"));
    // 21 signatures
    e = refused(cat(u32(2), tx, u32(21)));
    assertEquals("v1.signatures", e.field());
    // huge length must not allocate
    e = refused(cat(u32(2), tx, u32(0xffffffffL)));
    assertEquals("v1.signatures", e.field());
    // memo text longer than 28
    byte[] memo = tx.clone();
    System.arraycopy(u32(29), 0, memo, 36 + 4 + 8 + 4 + 4, 4);
    assertEquals("v1.tx.memo.text", refused(cat(u32(2), memo, u32(0))).field());
  }

  @Test
  void unknownDiscriminantsAreRefused() {
    assertEquals("envelope.type", refused(cat(u32(1), zeroKeyTx("v1"), u32(0))).field());
    byte[] tx = zeroKeyTx("v1");
    byte[] muxed = tx.clone();
    System.arraycopy(u32(1), 0, muxed, 0, 4);
    assertEquals("v1.tx.sourceAccount.type", refused(cat(u32(2), muxed, u32(0))).field());
    byte[] cond = tx.clone();
    System.arraycopy(u32(3), 0, cond, 4 + 36 + 4 + 8 - 4, 4);
    assertEquals("v1.tx.cond.type", refused(cat(u32(2), cond, u32(0))).field());
    byte[] ext = tx.clone();
    System.arraycopy(u32(1), 0, ext, ext.length - 4, 4);
    ChainFormatException e = refused(cat(u32(2), ext, u32(0)));
    assertEquals("v1.tx.ext.v", e.field());
    assertEquals(ChainFormatException.Kind.UNSUPPORTED, e.kind());
    // fee bump whose inner is not ENVELOPE_TYPE_TX
    byte[] fb = rsXdrFeeBump();
    System.arraycopy(u32(0), 0, fb, 4 + 36 + 8, 4);
    assertEquals("feeBump.tx.innerTx.type", refused(fb).field());
  }

  @Test
  void operationsDecodeForPolicy() {
    // A hand-written v1 transaction with a muxed source, PRECOND_V2 and one of each supported op;
    // checked by re-encoding and by the decoded fields (no external vector: structure test only).
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 7);
    byte[] issuer = cat(u32(0), key);
    byte[] usd = cat(u32(1), "USD\0".getBytes(StandardCharsets.US_ASCII), issuer);
    byte[] long12 = cat(u32(2), "ABCDEFGHIJK\0".getBytes(StandardCharsets.US_ASCII), issuer);
    byte[] native_ = u32(0);
    byte[] dest = cat(u32(0x100), u32(0), u32(42), key); // muxed id 42
    byte[] amount = cat(u32(0), u32(1_000_000));
    byte[] tx =
        cat(
            cat(u32(0x100), u32(0), u32(9), key), u32(300), u32(0), u32(5),
            // PRECOND_V2: timeBounds, ledgerBounds, minSeqNum absent, age, gap, extraSigners[1]
            u32(2), u32(1), u32(0), u32(1), u32(0), u32(2), u32(1), u32(10), u32(20), u32(0),
            u32(0), u32(0), u32(0), u32(1), u32(0), key,
            u32(2), u32(0), u32(77), // memo id 77
            u32(7),
            // CREATE_ACCOUNT
            u32(0), u32(0), issuer, amount,
            // PAYMENT with op source
            u32(1), u32(0), key, u32(1), dest, usd, amount,
            // PATH_PAYMENT_STRICT_RECEIVE
            u32(0), u32(2), native_, amount, dest, long12, amount, u32(1), usd,
            // PATH_PAYMENT_STRICT_SEND
            u32(0), u32(13), usd, amount, dest, native_, amount, u32(0),
            // CHANGE_TRUST pool share
            u32(0), u32(6), u32(3), u32(0), native_, usd, u32(30), amount,
            // SET_OPTIONS: master weight 0, home domain "x", signer ed25519 weight 1
            u32(0), u32(5), u32(0), u32(0), u32(0), u32(1), u32(0), u32(0), u32(0), u32(0),
            u32(1), u32(1), new byte[] {'x', 0, 0, 0}, u32(1), u32(0), key, u32(1),
            // ACCOUNT_MERGE
            u32(0), u32(8), dest,
            u32(0));
    byte[] env = cat(u32(2), tx, u32(0));
    StellarEnvelope e = StellarEnvelope.decode(env);
    assertArrayEquals(env, e.toXdr());
    var t = e.transaction();
    assertEquals(9L, t.sourceAccount().id());
    assertTrue(t.sourceAccount().address().startsWith("M"));
    assertEquals(2, t.preconditions().type());
    assertEquals(2L, t.preconditions().maxTime());
    assertEquals(20L, t.preconditions().maxLedger());
    assertNull(t.preconditions().minSeqNum());
    assertEquals(1, t.preconditions().extraSigners());
    assertEquals(77L, t.memo().id());
    var ops = t.operations();
    assertEquals(OperationType.CREATE_ACCOUNT, ops.get(0).type());
    assertEquals(StrKey.encodeAccountId(key), ops.get(0).destination().address());
    assertEquals(1_000_000L, ops.get(0).amount());
    assertEquals(OperationType.PAYMENT, ops.get(1).type());
    assertEquals(StrKey.encodeAccountId(key), ops.get(1).sourceAccount().address());
    assertEquals(StrKey.encodeMuxedAccount(key, 42), ops.get(1).destination().address());
    assertEquals("USD:" + StrKey.encodeAccountId(key), ops.get(1).asset().canonical());
    assertEquals("ABCDEFGHIJK", ops.get(2).asset().code());
    assertEquals(AssetType.NATIVE, ops.get(2).sendAsset().type());
    assertEquals(1, ops.get(2).path().size());
    assertEquals(OperationType.PATH_PAYMENT_STRICT_SEND, ops.get(3).type());
    assertEquals(AssetType.POOL_SHARE, ops.get(4).asset().type());
    assertEquals(30, ops.get(4).asset().poolFee());
    assertEquals(0L, ops.get(5).setOptions().masterWeight());
    assertEquals(1L, ops.get(5).setOptions().signerWeight());
    assertEquals(OperationType.ACCOUNT_MERGE, ops.get(6).type());

    // a pool share where an Asset is required is refused
    byte[] bad = cat(u32(2), cat(Arrays.copyOf(zeroKeyTx("v1"), 4 + 36 + 4 + 8 + 4), u32(0),
        u32(1), u32(0), u32(1), u32(0), key, u32(3), amount, u32(0)), u32(0));
    assertEquals("v1.tx.operations[0].body.paymentOp.asset.type", refused(bad).field());
  }

  @Test
  void base64IsStrict() {
    assertThrows(ChainFormatException.class, () -> StellarEnvelope.fromBase64(JS_BASE_V0 + "\n"));
    assertThrows(ChainFormatException.class, () -> StellarEnvelope.fromBase64("AAAA*"));
    assertThrows(ChainFormatException.class, () -> StellarEnvelope.fromBase64(null));
    assertThrows(
        ChainFormatException.class,
        () -> StellarEnvelope.fromBase64("A".repeat(StellarEnvelope.MAX_BASE64_CHARS + 4)));
  }

  @Test
  void operationTypeOutsideTheProtocolIsMalformed() {
    byte[] head = Arrays.copyOf(zeroKeyTx("v1"), 36 + 4 + 8 + 4 + 4 + 4 + 4); // up to the ops count
    ChainFormatException e = refused(cat(u32(2), head, u32(1), u32(0), u32(99), u32(0), u32(0)));
    assertEquals("v1.tx.operations[0].body.type", e.field());
    assertEquals(ChainFormatException.Kind.MALFORMED, e.kind());
    // a known but unsupported type (INFLATION = 9, no body) is UNSUPPORTED
    e = refused(cat(u32(2), head, u32(1), u32(0), u32(9), u32(0), u32(0)));
    assertEquals(ChainFormatException.Kind.UNSUPPORTED, e.kind());
  }

  @Test
  void signatureListIsBounded() {
    StellarEnvelope env = StellarEnvelope.decode(rsXdrV1());
    for (int i = 0; i < StellarEnvelope.MAX_SIGNATURES; i++) {
      env = env.withSignature(new byte[32], new byte[64]);
    }
    StellarEnvelope full = StellarEnvelope.decode(env.toXdr());
    assertEquals(StellarEnvelope.MAX_SIGNATURES, full.signatures().size());
    ChainFormatException e =
        assertThrows(ChainFormatException.class, () -> full.withSignature(new byte[32], new byte[64]));
    assertEquals("signatures", e.field());
  }

  @Test
  void passphraseIsRequired() {
    StellarEnvelope env = StellarEnvelope.decode(rsXdrV1());
    assertEquals("networkPassphrase", assertThrows(ChainFormatException.class, () -> env.hash("")).field());
    assertEquals("networkPassphrase", assertThrows(ChainFormatException.class, () -> env.hash(null)).field());
  }
}
