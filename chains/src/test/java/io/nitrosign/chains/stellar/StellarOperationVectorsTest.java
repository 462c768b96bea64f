package io.nitrosign.chains.stellar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import io.nitrosign.chains.stellar.StellarModel.AssetType;
import io.nitrosign.chains.stellar.StellarModel.Operation;
import io.nitrosign.chains.stellar.StellarModel.OperationType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Operation XDR vectors from lightsail-network/java-stellar-sdk, src/test/java/org/stellar/sdk/
 * OperationTest.java (each test's {@code operation.toXdrBase64()} expectation; the keys are named
 * in that file's comments). Each operation is placed in a minimal v1 envelope (the rs-stellar-xdr
 * transaction header of StellarEnvelopeTest) and decoded; the envelope must re-encode exactly.
 */
class StellarOperationVectorsTest {

  static final String SOURCE = "GC5SIC4E3V56VOHJ3OZAX5SJDTWY52JYI2AFK6PUGSXFVRJQYQXXZBZF";
  static final String DESTINATION = "GDW6AUTBXTOC7FIKUO5BOO3OGLK4SF7ZPOBLMQHMZDI45J2Z6VXRB5NR";
  static final String ISSUER = "GCGZLB3X2B3UFOFSHHQ6ZGEPEX7XYPEH6SBFMIV74EUDOFZJA3VNL6X4";
  static final String PATH_ISSUER1 = "GAVAQKT2M7B4V3NN7RNNXPU5CWNDKC27MYHKLF5UNYXH4FNLFVDXKRSV";
  static final String PATH_ISSUER2 = "GBCP5W2VS7AEWV2HFRN7YYC623LTSV7VSTGIHFXDEJU7S5BAGVCSETRR";

  static final String CREATE_ACCOUNT =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAAAAAAA7eBSYbzcL5UKo7oXO24y1ckX+XuCtkDsyNHOp1n1bxAAAAACVAvkAA==";
  static final String PAYMENT =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAEAAAAA7eBSYbzcL5UKo7oXO24y1ckX+XuCtkDsyNHOp1n1bxAAAAAAAAAAAlQL5AA=";
  static final String PATH_PAYMENT =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAIAAAAAAAAAAAAAA+gAAAAA7eBSYbzcL5UKo7oXO24y1ckX+XuCtkDsyNHOp1n1bxAAAAABVVNEAAAAAACNlYd30HdCuLI54eyYjyX/fDyH9IJWIr/hKDcXKQbq1QAAAAAAAAPoAAAAAgAAAAFVU0QAAAAAACoIKnpnw8rtrfxa276dFZo1C19mDqWXtG4ufhWrLUd1AAAAAlRFU1RURVNUAAAAAAAAAABE/ttVl8BLV0csW/xgXtbXOVf1lMyDluMiafl0IDVFIg==";
  static final String PATH_PAYMENT_EMPTY_PATH =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAIAAAAAAAAAAAAAA+gAAAAA7eBSYbzcL5UKo7oXO24y1ckX+XuCtkDsyNHOp1n1bxAAAAABVVNEAAAAAACNlYd30HdCuLI54eyYjyX/fDyH9IJWIr/hKDcXKQbq1QAAAAAAAAPoAAAAAA==";
  static final String CHANGE_TRUST =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAYAAAAAf/////////8=";
  static final String ALLOW_TRUST =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAcAAAAA7eBSYbzcL5UKo7oXO24y1ckX+XuCtkDsyNHOp1n1bxAAAAABVVNEQQAAAAE=";
  static final String SET_OPTIONS =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAUAAAABAAAAAO3gUmG83C+VCqO6FztuMtXJF/l7grZA7MjRzqdZ9W8QAAAAAQAAAAEAAAABAAAAAQAAAAEAAAABAAAAAQAAAAIAAAABAAAAAwAAAAEAAAAEAAAAAQAAAAtzdGVsbGFyLm9yZwAAAAABAAAAAET+21WXwEtXRyxb/GBe1tc5V/WUzIOW4yJp+XQgNUUiAAAAAQ==";
  static final String SET_OPTIONS_HOME_DOMAIN =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAtzdGVsbGFyLm9yZwAAAAAA";

  /** v1 envelope: zero-key source, fee 100, seq 1, no preconditions, memo none, the op, ext 0. */
  static byte[] envelopeWith(String opBase64) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] head = {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 1, 0, 0, 1}; // type, key type, 8 zero words
    for (int v : head) {
      out.writeBytes(new byte[] {0, 0, 0, (byte) v});
    }
    out.writeBytes(Base64.getDecoder().decode(opBase64));
    out.writeBytes(new byte[8]); // ext v0, no signatures
    return out.toByteArray();
  }

  private static Operation decodeOne(String opBase64) {
    byte[] env = envelopeWith(opBase64);
    StellarEnvelope e = StellarEnvelope.decode(env);
    assertArrayEquals(env, e.toXdr());
    assertEquals(1, e.transaction().operations().size());
    Operation op = e.transaction().operations().get(0);
    assertEquals(SOURCE, op.sourceAccount().address());
    return op;
  }

  @Test
  void createAccount() {
    Operation op = decodeOne(CREATE_ACCOUNT);
    assertEquals(OperationType.CREATE_ACCOUNT, op.type());
    assertEquals(DESTINATION, op.destination().address());
    assertEquals(10_000_000_000L, op.amount());
    assertEquals(AssetType.NATIVE, op.asset().type());
  }

  @Test
  void payment() {
    Operation op = decodeOne(PAYMENT);
    assertEquals(OperationType.PAYMENT, op.type());
    assertEquals(DESTINATION, op.destination().address());
    assertEquals("native", op.asset().canonical());
    assertEquals(10_000_000_000L, op.amount());
  }

  @Test
  void pathPaymentStrictReceive() {
    Operation op = decodeOne(PATH_PAYMENT);
    assertEquals(OperationType.PATH_PAYMENT_STRICT_RECEIVE, op.type());
    assertEquals(AssetType.NATIVE, op.sendAsset().type());
    assertEquals(1000L, op.sendAmount());
    assertEquals(DESTINATION, op.destination().address());
    assertEquals("USD:" + ISSUER, op.asset().canonical());
    assertEquals(1000L, op.amount());
    assertEquals(2, op.path().size());
    assertEquals("USD:" + PATH_ISSUER1, op.path().get(0).canonical());
    assertEquals(AssetType.CREDIT_ALPHANUM12, op.path().get(1).type());
    assertEquals("TESTTEST:" + PATH_ISSUER2, op.path().get(1).canonical());

    assertEquals(0, decodeOne(PATH_PAYMENT_EMPTY_PATH).path().size());
  }

  @Test
  void changeTrust() {
    Operation op = decodeOne(CHANGE_TRUST);
    assertEquals(OperationType.CHANGE_TRUST, op.type());
    assertEquals(AssetType.NATIVE, op.asset().type());
    assertEquals(Long.MAX_VALUE, op.amount());
  }

  @Test
  void setOptions() {
    StellarModel.SetOptions s = decodeOne(SET_OPTIONS).setOptions();
    assertEquals(DESTINATION, s.inflationDest());
    assertEquals(1L, s.clearFlags());
    assertEquals(1L, s.setFlags());
    assertEquals(1L, s.masterWeight());
    assertEquals(2L, s.lowThreshold());
    assertEquals(3L, s.medThreshold());
    assertEquals(4L, s.highThreshold());
    assertArrayEquals("stellar.org".getBytes(StandardCharsets.US_ASCII), s.homeDomain());
    assertEquals(0, s.signerKeyType());
    assertEquals(PATH_ISSUER2, StrKey.encodeAccountId(s.signerKey()));
    assertEquals(1L, s.signerWeight());

    s = decodeOne(SET_OPTIONS_HOME_DOMAIN).setOptions();
    assertNull(s.inflationDest());
    assertNull(s.masterWeight());
    assertNull(s.signerKey());
    assertArrayEquals("stellar.org".getBytes(StandardCharsets.US_ASCII), s.homeDomain());
  }

  @Test
  void allowTrustIsRefusedAsUnsupported() {
    ChainFormatException e =
        assertThrows(
            ChainFormatException.class, () -> StellarEnvelope.decode(envelopeWith(ALLOW_TRUST)));
    assertEquals(ChainFormatException.Kind.UNSUPPORTED, e.kind());
    assertEquals("v1.tx.operations[0].body.type", e.field());
  }
}
