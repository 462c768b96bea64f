package io.nitrosign.hpke;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The envelope the enclave uses to export a wallet private key to a recipient key: HPKE base mode,
 * {@link ImportEnvelope#SUITE}, {@code info = "nitrosign/export/v1"}, {@code aad =
 * UTF-8(wallet_id)}, plaintext = the 32-byte private key. The distinct info string keeps an
 * export from being fed back as an import (and vice versa) even to the same key.
 */
public final class ExportEnvelope {

  /** The HPKE info string of key export. */
  public static final String INFO = "nitrosign/export/v1";

  private ExportEnvelope() {}

  /** Enclave side: seals {@code privateKey32} to {@code recipientPublicKey65} for the wallet. */
  public static Hpke.Sealed seal(byte[] recipientPublicKey65, String walletId,
      byte[] privateKey32, SecureRandom random) throws HpkeException {
    ImportEnvelope.requireKey(privateKey32);
    return Hpke.seal(ImportEnvelope.SUITE, recipientPublicKey65, info(),
        ImportEnvelope.aad(walletId), privateKey32, random);
  }

  /**
   * Recipient side: opens an export; the caller owns and must wipe the returned key.
   *
   * @throws HpkeException OPEN_FAILED on any failure
   */
  public static byte[] open(HpkeKeyPair recipient, String walletId, byte[] enc, byte[] ciphertext)
      throws HpkeException {
    return Hpke.open(ImportEnvelope.SUITE, recipient, enc, info(), ImportEnvelope.aad(walletId),
        ciphertext);
  }

  /** {@link #INFO} as bytes. */
  public static byte[] info() {
    return INFO.getBytes(StandardCharsets.UTF_8);
  }
}
