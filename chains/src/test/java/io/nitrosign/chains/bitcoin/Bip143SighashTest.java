package io.nitrosign.chains.bitcoin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * BIP-143 examples, byte for byte. Origin of every hex string below: bitcoin/bips
 * bip-0143.mediawiki (commit 0402dd2b846e962125db4150d9c20ec43bb171dc), section "Example"
 * (Native P2WPKH, P2SH-P2WPKH, Native P2WSH, P2SH-P2WSH).
 */
class Bip143SighashTest {
  static final HexFormat HEX = HexFormat.of();

  // --- Native P2WPKH ---
  static final String P2WPKH_UNSIGNED = "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac11000000";
  static final String P2WPKH_PUBKEY = "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357";
  static final String P2WPKH_SPK = "00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1";
  static final String P2WPKH_PREIMAGE = "0100000096b827c8483d4e9b96712b6713a7b68d6e8003a781feba36c31143470b4efd3752b0a642eea2fb7ae638c36f6252b6750293dbe574a806984b8e4d8548339a3bef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a010000001976a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac0046c32300000000ffffffff863ef3e1a92afbfdb97f31ad0fc7683ee943e9abcf2501590ff8f6551f47e5e51100000001000000";
  static final String P2WPKH_SIGHASH = "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670";
  static final String P2WPKH_SIG = "304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee";
  static final String P2WPKH_SIGNED = "01000000000102fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f00000000494830450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3f9281a99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed01eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac000247304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee0121025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee635711000000";

  // --- P2SH-P2WPKH ---
  static final String P2SH_UNSIGNED = "0100000001db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a54770100000000feffffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac92040000";
  static final String P2SH_SPK = "a9144733f37cf4db86fbc2efed2500b4f4e49f31202387";
  static final String P2SH_REDEEM = "001479091972186c449eb1ded22b78e40d009bdf0089";
  static final String P2SH_PUBKEY = "03ad1d8e89212f0b92c74d23bb710c00662ad1470198ac48c43f7d6f93a2a26873";
  static final String P2SH_PREIMAGE = "01000000b0287b4a252ac05af83d2dcef00ba313af78a3e9c329afa216eb3aa2a7b4613a18606b350cd8bf565266bc352f0caddcf01e8fa789dd8a15386327cf8cabe198db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a5477010000001976a91479091972186c449eb1ded22b78e40d009bdf008988ac00ca9a3b00000000feffffffde984f44532e2173ca0d64314fcefe6d30da6f8cf27bafa706da61df8a226c839204000001000000";
  static final String P2SH_SIGHASH = "64f3b0f4dd2bb3aa1ce8566d220cc74dda9df97d8490cc81d89d735c92e59fb6";
  static final String P2SH_SIG = "3044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb";
  static final String P2SH_SIGNED = "01000000000101db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a5477010000001716001479091972186c449eb1ded22b78e40d009bdf0089feffffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac02473044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb012103ad1d8e89212f0b92c74d23bb710c00662ad1470198ac48c43f7d6f93a2a2687392040000";

  static Transaction tx(String hex) {
    return Transaction.parse(HEX.parseHex(hex));
  }

  static byte[] h(String hex) {
    return HEX.parseHex(hex);
  }

  @Test
  void nativeP2wpkh() {
    Transaction tx = tx(P2WPKH_UNSIGNED);
    byte[] pkh = Hashes.hash160(h(P2WPKH_PUBKEY));
    assertEquals(P2WPKH_SPK.substring(4), HEX.formatHex(pkh));
    byte[] code = Sighash.p2wpkhScriptCode(pkh);
    assertEquals(P2WPKH_PREIMAGE, HEX.formatHex(Sighash.bip143Preimage(tx, 1, code, 600_000_000L, Sighash.ALL)));
    assertEquals(P2WPKH_SIGHASH, HEX.formatHex(Sighash.bip143(tx, 1, code, 600_000_000L, Sighash.ALL)));
  }

  @Test
  void p2shP2wpkh() {
    Transaction tx = tx(P2SH_UNSIGNED);
    assertEquals(P2SH_SPK.substring(4, 44), HEX.formatHex(Hashes.hash160(h(P2SH_REDEEM))));
    byte[] pkh = Hashes.hash160(h(P2SH_PUBKEY));
    assertEquals(P2SH_REDEEM.substring(4), HEX.formatHex(pkh));
    byte[] code = Sighash.p2wpkhScriptCode(pkh);
    assertEquals(P2SH_PREIMAGE, HEX.formatHex(Sighash.bip143Preimage(tx, 0, code, 1_000_000_000L, Sighash.ALL)));
    assertEquals(P2SH_SIGHASH, HEX.formatHex(Sighash.bip143(tx, 0, code, 1_000_000_000L, Sighash.ALL)));
  }

  @Test
  void nativeP2wshSingleWithoutMatchingOutput() {
    // Native P2WSH example: second input, SIGHASH_SINGLE, only one output -> hashOutputs zero.
    Transaction tx = tx("0100000002fe3dc9208094f3ffd12645477b3dc56f60ec4fa8e6f5d67c565d1c6b9216b36e0000000000ffffffff0815cf020f013ed6cf91d29f4202e8a58726b1ac6c79da47c23d1bee0a6925f80000000000ffffffff0100f2052a010000001976a914a30741f8145e5acadf23f751864167f32e0963f788ac00000000");
    long amount = 4_900_000_000L;
    assertEquals("82dde6e4f1e94d02c2b7ad03d2115d691f48d064e9d52f58194a6637e4194391", HEX.formatHex(Sighash.bip143(tx, 1,
        h("21026dccc749adc2a9d0d89497ac511f760f45c47dc5ed9cf352a58ac706453880aeadab210255a9626aebf5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac"), amount, Sighash.SINGLE)));
    assertEquals("fef7bd749cce710c5c052bd796df1af0d935e59cea63736268bcbe2d2134fc47", HEX.formatHex(Sighash.bip143(tx, 1,
        h("210255a9626aebf5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac"), amount, Sighash.SINGLE)));
  }

  @Test
  void nativeP2wshSingleAnyoneCanPay() {
    Transaction tx = tx("0100000002e9b542c5176808107ff1df906f46bb1f2583b16112b95ee5380665ba7fcfc0010000000000ffffffff80e68831516392fcd100d186b3c2c7b95c80b53c77e77c35ba03a66b429a2a1b0000000000ffffffff0280969800000000001976a914de4b231626ef508c9a74a8517e6783c0546d6b2888ac80969800000000001976a9146648a8cd4531e1ec47f35916de8e259237294d1e88ac00000000");
    int t = Sighash.SINGLE | Sighash.ANYONECANPAY;
    assertEquals("e9071e75e25b8a1e298a72f0d2e9f4f95a0f5cdf86a533cda597eb402ed13b3a", HEX.formatHex(Sighash.bip143(tx, 0,
        h("0063ab68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a4c3e39da98ac"), 16_777_215L, t)));
    assertEquals("cd72f1f1a433ee9df816857fad88d8ebd97e09a75cd481583eb841c330275e54", HEX.formatHex(Sighash.bip143(tx, 1,
        h("68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a4c3e39da98ac"), 16_777_215L, t)));
  }

  @Test
  void p2shP2wshAllSixSighashTypes() {
    Transaction tx = tx("010000000136641869ca081e70f394c6948e8af409e18b619df2ed74aa106c1ca29787b96e0100000000ffffffff0200e9a435000000001976a914389ffce9cd9ae88dcc0631e88a821ffdbe9bfe2688acc0832f05000000001976a9147480a33f950689af511e6e84c138dbbd3c3ee41588ac00000000");
    byte[] ws = h("56210307b8ae49ac90a048e9b53357a2354b3334e9c8bee813ecb98e99a7e07e8c3ba32103b28f0c28bfab54554ae8c658ac5c3e0ce6e79ad336331f78c428dd43eea8449b21034b8113d703413d57761b8b9781957b8c0ac1dfe69f492580ca4195f50376ba4a21033400f6afecb833092a9a21cfdf1ed1376e58c5d1f47de74683123987e967a8f42103a6d48b1131e94ba04d9737d61acdaa1322008af9602b3b14862c07a1789aac162102d8b661b0b3302ee2f162b09e07a55ad5dfbe673a9f01d9f0c19617681024306b56ae");
    long amount = 987_654_321L;
    int[] types = {0x01, 0x02, 0x03, 0x81, 0x82, 0x83};
    String[] expected = {
      "185c0be5263dce5b4bb50a047973c1b6272bfbd0103a89444597dc40b248ee7c",
      "e9733bc60ea13c95c6527066bb975a2ff29a925e80aa14c213f686cbae5d2f36",
      "1e1f1c303dc025bd664acb72e583e933fae4cff9148bf78c157d1e8f78530aea",
      "2a67f03e63a6a422125878b40b82da593be8d4efaafe88ee528af6e5a9955c6e",
      "781ba15f3779d5542ce8ecb5c18716733a5ee42a6f51488ec96154934e2c890a",
      "511e8e52ed574121fc1b654970395502128263f62662e076dc6baf05c2e6a99b"};
    for (int i = 0; i < types.length; i++) {
      assertEquals(expected[i], HEX.formatHex(Sighash.bip143(tx, 0, ws, amount, types[i])), "type " + types[i]);
    }
  }

  @Test
  void rejectsUnknownSighashTypesAndBadIndex() {
    Transaction tx = tx(P2SH_UNSIGNED);
    byte[] code = Sighash.p2wpkhScriptCode(new byte[20]);
    for (int t : new int[] {0x00, 0x04, 0x41, 0x84, 0x100}) {
      assertThrows(ChainFormatException.class, () -> Sighash.bip143(tx, 0, code, 1, t));
    }
    ChainFormatException e = assertThrows(ChainFormatException.class, () -> Sighash.bip143(tx, 1, code, 1, 1));
    assertEquals("input_index", e.field());
  }

  @Test
  void signedTransactionsRoundTrip() {
    for (String[] pair : new String[][] {{P2WPKH_UNSIGNED, P2WPKH_SIGNED}, {P2SH_UNSIGNED, P2SH_SIGNED}}) {
      Transaction signed = tx(pair[1]);
      assertEquals(pair[1], HEX.formatHex(signed.serialize()));
      assertArrayEquals(Hashes.sha256d(signed.serializeNoWitness()), signed.txid());
      assertArrayEquals(Hashes.sha256d(HEX.parseHex(pair[1])), signed.wtxid());
      assertNotEquals(HEX.formatHex(signed.txid()), HEX.formatHex(signed.wtxid()));
      Transaction unsigned = tx(pair[0]);
      assertEquals(pair[0], HEX.formatHex(unsigned.serialize()));
      assertArrayEquals(unsigned.txid(), unsigned.wtxid());
    }
  }

  @Test
  void derEncodingReproducesTheExampleSignatures() {
    // r and s sliced out of the BIP's DER signatures; re-encoding must give the same bytes.
    for (String der : new String[] {P2WPKH_SIG, P2SH_SIG}) {
      byte[] sig = h(der);
      byte[] r = java.util.Arrays.copyOfRange(sig, 4, 36);
      byte[] s = java.util.Arrays.copyOfRange(sig, 38, 70);
      assertEquals(der, HEX.formatHex(EcdsaDer.encode(r, s)));
    }
    // high S is refused
    byte[] r = new byte[32];
    r[31] = 1;
    byte[] s = HEX.parseHex("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A1");
    ChainFormatException e = assertThrows(ChainFormatException.class, () -> EcdsaDer.encode(r, s));
    assertEquals("signature", e.field());
  }
}
