package io.nitrosign.policy.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.bitcoin.BitcoinAddress;
import io.nitrosign.chains.bitcoin.Psbt;
import io.nitrosign.chains.bitcoin.PsbtWallet;
import io.nitrosign.chains.bitcoin.Transaction;
import io.nitrosign.policy.payload.PsbtPayload.Output;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PSBTs' typed view and audit object: BIP-174's test vectors (bitcoin/bips bip-0174.mediawiki,
 * commit 00f9ce0e3c7501b9c73a3f11bb10ba94f94ce0a6, as in chains' bip174-vectors.txt), BIP-143's
 * "Native P2WPKH" example and BIP-341's keyPathSpending[0] (as in parent-host's SignPsbtTest), and
 * outputs paying the wallet itself (change).
 */
class PsbtPayloadTest {

  static final HexFormat HEX = HexFormat.of();

  /** BIP-174 "PSBT with one P2PKH input. Outputs are empty". */
  static final String BIP174_ONE_P2PKH_INPUT = "cHNidP8BAHUCAAAAASaBcTce3/KF6Tet7qSze3gADAVmy7OtZGQXE8pCFxv2AAAAAAD+////AtPf9QUAAAAAGXapFNDFmQPFusKGh2DpD9UhpGZap2UgiKwA4fUFAAAAABepFDVF5uM7gyxHBQ8k0+65PJwDlIvHh7MuEwAAAQD9pQEBAAAAAAECiaPHHqtNIOA3G7ukzGmPopXJRjr6Ljl/hTPMti+VZ+UBAAAAFxYAFL4Y0VKpsBIDna89p95PUzSe7LmF/////4b4qkOnHf8USIk6UwpyN+9rRgi7st0tAXHmOuxqSJC0AQAAABcWABT+Pp7xp0XpdNkCxDVZQ6vLNL1TU/////8CAMLrCwAAAAAZdqkUhc/xCX/Z4Ai7NK9wnGIZeziXikiIrHL++E4sAAAAF6kUM5cluiHv1irHU6m80GfWx6ajnQWHAkcwRAIgJxK+IuAnDzlPVoMR3HyppolwuAJf3TskAinwf4pfOiQCIAGLONfc0xTnNMkna9b7QPZzMlvEuqFEyADS8vAtsnZcASED0uFWdJQbrUqZY3LLh+GFbTZSYG2YVi/jnF6efkE/IQUCSDBFAiEA0SuFLYXc2WHS9fSrZgZU327tzHlMDDPOXMMJ/7X85Y0CIGczio4OFyXBl/saiK9Z9R5E5CVbIBZ8hoQDHAXR8lkqASECI7cr7vCWXRC+B3jv7NYfysb3mk6haTkzgHNEZPhPKrMAAAAAAAAA";

  // BIP-143 Native P2WPKH: the unsigned transaction, the wallet's key (input 1's) and its script
  static final String P2WPKH_UNSIGNED = "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac11000000";
  static final String P2WPKH_PUBKEY = "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357";
  static final String P2WPKH_SPK = "00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1";
  static final String P2WPKH_SIGHASH = "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670";

  // BIP-341 keyPathSpending[0]: the transaction, the spent outputs, input 0's internal key
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
  static final String KP_INTERNAL_PUBKEY = "02d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d";

  static final PsbtWallet.SigningRules WITNESS_UTXO_OK = new PsbtWallet.SigningRules(true, List.of());

  static PsbtPayload payload(Psbt psbt, String compressedKey, PsbtWallet.SigningRules rules,
      boolean sign) {
    PsbtWallet owner = PsbtWallet.of(HEX.parseHex(compressedKey));
    return PsbtPayload.of("bitcoin", "bc", psbt, owner, owner.inputs(psbt),
        sign ? owner.toSign(psbt, rules) : List.of());
  }

  static Psbt psbt(Transaction tx, List<List<Psbt.Entry>> inputMaps) {
    return Psbt.create(tx, inputMaps);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object o) {
    return (List<Map<String, Object>>) o;
  }

  @Test
  void bip174OneP2pkhInputOfAnotherWallet() {
    Psbt psbt = Psbt.fromBase64(BIP174_ONE_P2PKH_INPUT);
    PsbtPayload p = payload(psbt, P2WPKH_PUBKEY, PsbtWallet.SigningRules.STRICT, false);
    assertEquals("bitcoin", p.network());
    assertEquals(2, p.outputs().size());
    Output o0 = p.outputs().get(0);
    assertEquals(0, o0.index());
    assertEquals(99_999_699L, o0.value());
    assertNull(o0.address()); // P2PKH: no segwit address
    assertFalse(o0.wallet());
    assertEquals(List.of("index", "value", "address", "script", "wallet"),
        List.copyOf(o0.audit().keySet()));
    assertEquals("76a914d0c59903c5bac2868760e90fd521a4665aa7652088ac", o0.audit().get("script"));
    assertEquals(100_000_000L, p.outputs().get(1).value());
    assertEquals(199_999_699L, p.totalOutput());
    assertEquals(200_000_000L, p.totalInput()); // from the input's non_witness_utxo
    assertEquals(301L, p.fee());

    Map<String, Object> a = p.audit();
    assertEquals(List.of("network", "txid", "version", "lock_time", "inputs", "outputs",
        "total_input", "total_output", "fee", "sighash_types"), List.copyOf(a.keySet()));
    assertEquals(p.txid(), a.get("txid"));
    assertEquals(List.of(Map.of("index", 0, "script", "p2pkh", "value", 200_000_000L,
        "wallet", false, "sign", false)), a.get("inputs"));
    assertEquals(List.of(), a.get("sighash_types"));
    assertEquals(301L, a.get("fee"));
  }

  @Test
  void bip143P2wpkhExample() {
    List<List<Psbt.Entry>> maps = List.of(List.of(),
        List.of(Psbt.witnessUtxoEntry(600_000_000L, HEX.parseHex(P2WPKH_SPK))));
    PsbtPayload p = payload(psbt(Transaction.parse(HEX.parseHex(P2WPKH_UNSIGNED)), maps),
        P2WPKH_PUBKEY, WITNESS_UTXO_OK, true);
    assertNull(p.totalInput()); // input 0 has no UTXO here
    assertNull(p.fee());
    assertEquals(112_340_000L + 223_450_000L, p.totalOutput());
    assertFalse(p.outputs().get(0).wallet());
    assertFalse(p.outputs().get(1).wallet());
    Map<String, Object> a = p.audit();
    Map<String, Object> in1 = list(a.get("inputs")).get(1);
    assertEquals(true, in1.get("wallet"));
    assertEquals(true, in1.get("sign"));
    assertEquals("p2wpkh", in1.get("kind"));
    assertEquals("ALL", in1.get("sighash_type"));
    assertEquals(P2WPKH_SIGHASH, in1.get("digest"));
    assertEquals(List.of("ALL"), a.get("sighash_types"));
    assertTrue(a.containsKey("fee"));
    assertNull(a.get("fee"));
  }

  @Test
  void changeToTheWalletsP2wpkhIsMarked() {
    // a previous transaction paying 50000 to the BIP-143 key, spent to 40000 for a third party
    // and 9000 back to the same key (1000 fee)
    Transaction prev = new Transaction(2,
        List.of(new Transaction.Input(new byte[32], 9, new byte[0], 0xffffffffL, List.of())),
        List.of(new Transaction.Output(50_000, HEX.parseHex(P2WPKH_SPK))), 0);
    String thirdParty = "0014751e76e8199196d454941c45d1b3a323f1433bd6";
    Transaction tx = new Transaction(2,
        List.of(new Transaction.Input(prev.txid(), 0, new byte[0], 0xfffffffdL, List.of())),
        List.of(new Transaction.Output(40_000, HEX.parseHex(thirdParty)),
            new Transaction.Output(9_000, HEX.parseHex(P2WPKH_SPK))), 0);
    Psbt psbt = psbt(tx, List.of(List.of(Psbt.nonWitnessUtxoEntry(prev),
        Psbt.witnessUtxoEntry(50_000, HEX.parseHex(P2WPKH_SPK)))));
    PsbtPayload p = payload(psbt, P2WPKH_PUBKEY, PsbtWallet.SigningRules.STRICT, true);
    Output pay = p.outputs().get(0);
    Output change = p.outputs().get(1);
    assertEquals("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", pay.address());
    assertFalse(pay.wallet());
    assertEquals(BitcoinAddress.p2wpkh("bc", HEX.parseHex(P2WPKH_PUBKEY)), change.address());
    assertTrue(change.wallet());
    assertEquals(9_000L, change.value());
    assertEquals(Map.of("index", 1, "value", 9_000L, "address", change.address(), "wallet", true),
        change.audit());
    assertEquals(50_000L, p.totalInput());
    assertEquals(1_000L, p.fee());
  }

  @Test
  void bip341KeyPathAndTaprootChange() {
    List<List<Psbt.Entry>> maps = new ArrayList<>();
    for (int i = 0; i < KP_UTXOS.length; i++) {
      List<Psbt.Entry> m = new ArrayList<>();
      m.add(Psbt.witnessUtxoEntry(Long.parseLong(KP_UTXOS[i][1]), HEX.parseHex(KP_UTXOS[i][0])));
      if (i == 0) {
        m.add(new Psbt.Entry(new byte[] {3}, new byte[] {3, 0, 0, 0})); // SIGHASH_SINGLE
      }
      maps.add(m);
    }
    Transaction kp = Transaction.parse(HEX.parseHex(KP_TX));
    PsbtPayload p = payload(psbt(kp, maps), KP_INTERNAL_PUBKEY,
        new PsbtWallet.SigningRules(false, List.of(3)), true);
    long in = 0;
    for (String[] u : KP_UTXOS) {
      in += Long.parseLong(u[1]);
    }
    assertEquals(in, p.totalInput());
    assertEquals(1_000_000_000L + 3_410_000_000L, p.totalOutput());
    assertEquals(in - p.totalOutput(), p.fee());
    assertFalse(p.outputs().get(0).wallet());
    assertFalse(p.outputs().get(1).wallet());
    assertEquals(List.of("SINGLE"), p.audit().get("sighash_types"));
    assertEquals("p2tr", list(p.audit().get("inputs")).get(0).get("kind"));

    // the same input spent back to the wallet's own BIP-86 output (utxo 0's script)
    Transaction back = new Transaction(2, List.of(kp.inputs().get(0)),
        List.of(new Transaction.Output(419_990_000L, HEX.parseHex(KP_UTXOS[0][0]))), 0);
    PsbtPayload q = payload(psbt(back, List.of(List.of(Psbt.witnessUtxoEntry(420_000_000L,
        HEX.parseHex(KP_UTXOS[0][0]))))), KP_INTERNAL_PUBKEY, PsbtWallet.SigningRules.STRICT, true);
    Output o = q.outputs().get(0);
    assertTrue(o.wallet());
    assertTrue(o.address().startsWith("bc1p"), o.address());
    assertEquals(10_000L, q.fee());
  }
}
