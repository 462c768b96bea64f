package io.nitrosign.chains.stellar;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.ChainFormatException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Which wallets may sign an envelope, and which network passphrases are accepted. */
class StellarSigningTest {

  private static final byte[] ZERO_KEY = new byte[32];
  private static final byte[] OP_SOURCE = StrKey.decodeAccountId(StellarOperationVectorsTest.SOURCE);
  private static final byte[] DESTINATION =
      StrKey.decodeAccountId(StellarOperationVectorsTest.DESTINATION);

  /** java-stellar-sdk OperationTest's payment (source GC5SIC4E…) in a v1 envelope whose source is the zero key. */
  private static StellarEnvelope payment() {
    return StellarEnvelope.decode(StellarOperationVectorsTest.envelopeWith(StellarOperationVectorsTest.PAYMENT));
  }

  @Test
  void theTransactionSourceAndOperationSourcesMaySign() {
    assertDoesNotThrow(() -> StellarSigning.requireWalletSigns(payment(), ZERO_KEY));
    assertDoesNotThrow(() -> StellarSigning.requireWalletSigns(payment(), OP_SOURCE));
    ChainFormatException e = assertThrows(ChainFormatException.class,
        () -> StellarSigning.requireWalletSigns(payment(), DESTINATION));
    assertEquals("tx.sourceAccount", e.field());
  }

  @Test
  void aMuxedSourceCountsAsItsAccount() {
    byte[] plain = StellarOperationVectorsTest.envelopeWith(StellarOperationVectorsTest.PAYMENT);
    ByteArrayOutputStream muxed = new ByteArrayOutputStream();
    muxed.writeBytes(Arrays.copyOf(plain, 4)); // ENVELOPE_TYPE_TX
    muxed.writeBytes(new byte[] {0, 0, 1, 0}); // KEY_TYPE_MUXED_ED25519
    muxed.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 7}); // id 7
    muxed.writeBytes(DESTINATION);
    muxed.writeBytes(Arrays.copyOfRange(plain, 40, plain.length));
    StellarEnvelope env = StellarEnvelope.decode(muxed.toByteArray());
    assertEquals(7L, env.transaction().sourceAccount().id());
    assertDoesNotThrow(() -> StellarSigning.requireWalletSigns(env, DESTINATION));
    assertThrows(ChainFormatException.class, () -> StellarSigning.requireWalletSigns(env, ZERO_KEY));
  }

  @Test
  void aFeeBumpIsSignedByItsFeeSourceOnly() {
    // py-stellar-base tests/test_fee_bump_transaction.py, test_to_xdr (see StellarSignedVectorsTest)
    StellarEnvelope feeBump = StellarEnvelope.fromBase64(StellarSignedVectorsTest.PY_FEE_BUMP);
    assertDoesNotThrow(() -> StellarSigning.requireWalletSigns(feeBump, feeBump.feeSource().ed25519()));
    byte[] innerSource = feeBump.transaction().sourceAccount().ed25519();
    assertEquals("feeBump.tx.feeSource", assertThrows(ChainFormatException.class,
        () -> StellarSigning.requireWalletSigns(feeBump, innerSource)).field());
  }

  @Test
  void aFullEnvelopeCannotTakeAnotherSignature() {
    StellarEnvelope env = payment();
    for (int i = 0; i < StellarEnvelope.MAX_SIGNATURES; i++) {
      env = env.withSignature(DESTINATION, new byte[64]);
    }
    StellarEnvelope full = env;
    assertEquals("signatures", assertThrows(ChainFormatException.class,
        () -> StellarSigning.requireWalletSigns(full, ZERO_KEY)).field());
    assertThrows(ChainFormatException.class, () -> StellarSigning.requireWalletSigns(payment(), new byte[31]));
  }

  @Test
  void networkPassphrasesAreBoundedPrintableAscii() {
    assertEquals(StellarEnvelope.PUBLIC_PASSPHRASE,
        StellarSigning.requireNetworkPassphrase(StellarEnvelope.PUBLIC_PASSPHRASE));
    assertEquals("x".repeat(256), StellarSigning.requireNetworkPassphrase("x".repeat(256)));
    for (String bad : new String[] {null, "", "x".repeat(257), "tab\there", "caf\u00e9"}) {
      assertEquals("network_passphrase", assertThrows(ChainFormatException.class,
          () -> StellarSigning.requireNetworkPassphrase(bad)).field());
    }
    // the passphrase is part of what is signed
    byte[] xdr = Base64.getDecoder().decode(StellarSignedVectorsTest.PY_FEE_BUMP);
    StellarEnvelope env = StellarEnvelope.decode(xdr);
    org.junit.jupiter.api.Assertions.assertFalse(Arrays.equals(
        env.hash(StellarEnvelope.TESTNET_PASSPHRASE), env.hash(StellarEnvelope.PUBLIC_PASSPHRASE)));
  }
}
