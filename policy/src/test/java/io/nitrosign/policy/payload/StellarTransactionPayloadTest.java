package io.nitrosign.policy.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.nitrosign.chains.stellar.StellarEnvelope;
import io.nitrosign.policy.payload.StellarTransactionPayload.Operation;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stellar envelopes' typed view and audit object, on published envelopes and operations. */
class StellarTransactionPayloadTest {

  /**
   * A fee bump (Testnet) paying 2000 XLM. Origin: StellarCN/py-stellar-base
   * tests/test_fee_bump_transaction.py, test_to_xdr.
   */
  static final String PY_FEE_BUMP =
      "AAAABQAAAADgSJG2GOUMy/H9lHyjYZOwyuyytH8y0wWaoc596L+bEgAAAAAAAAGQAAAAAgAAAAAcVPE+R/n1VnbIrAK3tu5yVfTkhkqVz04ShWk2SrF3wAAAAMgAAAAAAAAACAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAQAAAADgSJG2GOUMy/H9lHyjYZOwyuyytH8y0wWaoc596L+bEgAAAAAAAAAEqBfIAAAAAAAAAAABSrF3wAAAAEAordQh63kT50muRLVYaWW7Pgtt8i1tc4t9Bv9MWFWFN3WfTHSU2Jxv7hedjZEyfBPvaS/XnwvYJFcHgPDd1JkNAAAAAAAAAAHov5sSAAAAQKu/RuArXn/P13IIJ8WlnVDStwOquXM0CsWzA4ooZY6gqJ3k1EfmMVIJ0cir0bMTJD9r+g2IUZCANU7wdC38PA0=";

  // Operation XDR from lightsail-network/java-stellar-sdk src/test/java/org/stellar/sdk/
  // OperationTest.java (as in chains' StellarOperationVectorsTest), with the keys it names.
  static final String SOURCE = "GC5SIC4E3V56VOHJ3OZAX5SJDTWY52JYI2AFK6PUGSXFVRJQYQXXZBZF";
  static final String DESTINATION = "GDW6AUTBXTOC7FIKUO5BOO3OGLK4SF7ZPOBLMQHMZDI45J2Z6VXRB5NR";
  static final String ISSUER = "GCGZLB3X2B3UFOFSHHQ6ZGEPEX7XYPEH6SBFMIV74EUDOFZJA3VNL6X4";
  static final String PATH_ISSUER1 = "GAVAQKT2M7B4V3NN7RNNXPU5CWNDKC27MYHKLF5UNYXH4FNLFVDXKRSV";
  static final String PATH_ISSUER2 = "GBCP5W2VS7AEWV2HFRN7YYC623LTSV7VSTGIHFXDEJU7S5BAGVCSETRR";
  static final String CREATE_ACCOUNT =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAAAAAAA7eBSYbzcL5UKo7oXO24y1ckX+XuCtkDsyNHOp1n1bxAAAAACVAvkAA==";
  static final String PATH_PAYMENT =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAIAAAAAAAAAAAAAA+gAAAAA7eBSYbzcL5UKo7oXO24y1ckX+XuCtkDsyNHOp1n1bxAAAAABVVNEAAAAAACNlYd30HdCuLI54eyYjyX/fDyH9IJWIr/hKDcXKQbq1QAAAAAAAAPoAAAAAgAAAAFVU0QAAAAAACoIKnpnw8rtrfxa276dFZo1C19mDqWXtG4ufhWrLUd1AAAAAlRFU1RURVNUAAAAAAAAAABE/ttVl8BLV0csW/xgXtbXOVf1lMyDluMiafl0IDVFIg==";
  static final String SET_OPTIONS =
      "AAAAAQAAAAC7JAuE3XvquOnbsgv2SRztjuk4RoBVefQ0rlrFMMQvfAAAAAUAAAABAAAAAO3gUmG83C+VCqO6FztuMtXJF/l7grZA7MjRzqdZ9W8QAAAAAQAAAAEAAAABAAAAAQAAAAEAAAABAAAAAQAAAAIAAAABAAAAAwAAAAEAAAAEAAAAAQAAAAtzdGVsbGFyLm9yZwAAAAABAAAAAET+21WXwEtXRyxb/GBe1tc5V/WUzIOW4yJp+XQgNUUiAAAAAQ==";

  /**
   * A v1 envelope holding the operations (chains' StellarOperationVectorsTest's header: zero-key
   * source, fee 100, seq 1, no preconditions, memo none; ext 0, no signatures).
   */
  static StellarEnvelope envelopeWith(String... opsBase64) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] head = {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 1, 0, 0, opsBase64.length};
    for (int v : head) {
      out.writeBytes(new byte[] {0, 0, 0, (byte) v});
    }
    for (String op : opsBase64) {
      out.writeBytes(Base64.getDecoder().decode(op));
    }
    out.writeBytes(new byte[8]);
    return StellarEnvelope.decode(out.toByteArray());
  }

  @Test
  void feeBumpPayment() {
    StellarEnvelope env = StellarEnvelope.fromBase64(PY_FEE_BUMP);
    StellarTransactionPayload p = StellarTransactionPayload.of(env, StellarEnvelope.TESTNET_PASSPHRASE);
    assertEquals("tx_fee_bump", p.envelopeType());
    assertEquals(StellarEnvelope.TESTNET_PASSPHRASE, p.network());
    assertEquals("GAOFJ4J6I747KVTWZCWAFN5W5ZZFL5HEQZFJLT2OCKCWSNSKWF34BJQN", p.sourceAccount());
    assertEquals(400, p.fee());
    Operation op = p.operations().get(0);
    assertEquals(0, op.index());
    assertEquals("payment", op.type());
    assertNull(op.sourceAccount());
    assertEquals("GDQERENWDDSQZS7R7WKHZI3BSOYMV3FSWR7TFUYFTKQ447PIX6NREOJM", op.destination());
    assertEquals("native", op.asset());
    assertEquals(20_000_000_000L, op.amount());

    Map<String, Object> a = p.audit();
    assertEquals(List.of("envelope_type", "network_passphrase", "fee_source", "fee", "inner_fee",
        "source_account", "seq_num", "preconditions", "memo", "operations", "signatures_present",
        "hash"), List.copyOf(a.keySet()));
    assertEquals("GDQERENWDDSQZS7R7WKHZI3BSOYMV3FSWR7TFUYFTKQ447PIX6NREOJM", a.get("fee_source"));
    assertEquals("400", a.get("fee"));
    assertEquals("200", a.get("inner_fee"));
    assertEquals("8", a.get("seq_num"));
    assertEquals(Map.of("type", "none"), a.get("memo"));
    assertEquals(Map.of("type", "time", "time_bounds", Map.of("min_time", "0", "max_time", "0")),
        a.get("preconditions"));
    assertEquals(List.of(Map.of("index", 0, "type", "payment",
        "destination", "GDQERENWDDSQZS7R7WKHZI3BSOYMV3FSWR7TFUYFTKQ447PIX6NREOJM",
        "asset", "native", "amount", "20000000000")), a.get("operations"));
    assertEquals(1, a.get("signatures_present"));
    assertEquals(HexFormat.of().formatHex(env.hash(StellarEnvelope.TESTNET_PASSPHRASE)), a.get("hash"));
  }

  @Test
  void createAccountPathPaymentAndSetOptions() {
    StellarTransactionPayload p = StellarTransactionPayload.of(
        envelopeWith(CREATE_ACCOUNT, PATH_PAYMENT, SET_OPTIONS), StellarEnvelope.PUBLIC_PASSPHRASE);
    assertEquals("tx", p.envelopeType());
    assertEquals(100, p.fee());
    assertEquals(3, p.operations().size());

    Operation create = p.operations().get(0);
    assertEquals("create_account", create.type());
    assertEquals(SOURCE, create.sourceAccount());
    assertEquals(DESTINATION, create.destination());
    assertEquals("native", create.asset());
    assertEquals(10_000_000_000L, create.amount());

    Operation path = p.operations().get(1);
    assertEquals(1, path.index());
    assertEquals("path_payment_strict_receive", path.type());
    assertEquals(DESTINATION, path.destination());
    assertEquals("USD:" + ISSUER, path.asset());
    assertEquals(1000L, path.amount());
    assertEquals(List.of("index", "type", "source_account", "destination", "asset", "amount",
        "send_asset", "send_amount", "path"), List.copyOf(path.audit().keySet()));
    assertEquals("native", path.audit().get("send_asset"));
    assertEquals("1000", path.audit().get("send_amount"));
    assertEquals(List.of("USD:" + PATH_ISSUER1, "TESTTEST:" + PATH_ISSUER2), path.audit().get("path"));

    Operation options = p.operations().get(2);
    assertEquals("set_options", options.type());
    assertNull(options.destination());
    assertNull(options.asset());
    assertNull(options.amount());
    @SuppressWarnings("unchecked")
    Map<String, Object> set = (Map<String, Object>) options.audit().get("set_options");
    assertEquals(DESTINATION, set.get("inflation_dest"));
    assertEquals("stellar.org", set.get("home_domain"));
    assertEquals(Map.of("type", "ed25519", "key", PATH_ISSUER2, "weight", 1L), set.get("signer"));

    Map<String, Object> a = p.audit();
    assertEquals(List.of("envelope_type", "network_passphrase", "fee", "source_account",
        "seq_num", "preconditions", "memo", "operations", "signatures_present", "hash"),
        List.copyOf(a.keySet()));
    assertEquals(StellarEnvelope.PUBLIC_PASSPHRASE, a.get("network_passphrase"));
    assertEquals(0, a.get("signatures_present"));
    p.signed().put("signature", "x");
    assertEquals("x", p.audit().get("signature"));
  }
}
