package io.nitrosign.hpke;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The envelope a client uses to import a wallet private key into the enclave, and that the enclave
 * opens: HPKE base mode, {@link #SUITE}, {@code info = "nitrosign/import/v1"}, {@code aad =
 * UTF-8(wallet_id)}, plaintext = the 32-byte private key. Binding the wallet id as aad means a
 * ciphertext made for one wallet cannot be replayed under another id.
 *
 * <p>Before sealing, the client must verify the enclave's attestation document (signature chain
 * to the Nitro root, expected PCRs, its nonce) and that its {@code public_key} equals the key it
 * seals to: HPKE base mode encrypts to whoever holds that key.
 */
public final class ImportEnvelope {

  /** DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM. */
  public static final HpkeSuite SUITE = HpkeSuite.DHKEM_P256_HKDF_SHA256_AES_256_GCM;
  /** The HPKE info string of key import. */
  public static final String INFO = "nitrosign/import/v1";
  /** Length of an imported private key. */
  public static final int PRIVATE_KEY_BYTES = 32;

  private ImportEnvelope() {}

  /**
   * Client side: seals {@code privateKey32} to the enclave's attested HPKE key for
   * {@code walletId}.
   *
   * @throws IllegalArgumentException if the private key is not 32 bytes
   * @throws HpkeException INVALID_PUBLIC_KEY if the enclave key is not a valid P-256 point
   */
  public static Hpke.Sealed seal(byte[] recipientPublicKey65, String walletId,
      byte[] privateKey32, SecureRandom random) throws HpkeException {
    requireKey(privateKey32);
    return Hpke.seal(SUITE, recipientPublicKey65, info(), aad(walletId), privateKey32, random);
  }

  /**
   * Enclave side: opens an import for {@code walletId}. Returns the plaintext, which the caller
   * owns and must wipe (its length is not checked here).
   *
   * @throws HpkeException OPEN_FAILED on any failure
   */
  public static byte[] open(HpkeKeyPair recipient, String walletId, byte[] enc, byte[] ciphertext)
      throws HpkeException {
    return Hpke.open(SUITE, recipient, enc, info(), aad(walletId), ciphertext);
  }

  /** {@link #INFO} as bytes. */
  public static byte[] info() {
    return INFO.getBytes(StandardCharsets.UTF_8);
  }

  /** The associated data: the wallet id in UTF-8. */
  public static byte[] aad(String walletId) {
    return Objects.requireNonNull(walletId, "walletId").getBytes(StandardCharsets.UTF_8);
  }

  static void requireKey(byte[] privateKey32) {
    if (privateKey32 == null || privateKey32.length != PRIVATE_KEY_BYTES) {
      throw new IllegalArgumentException("private key must be 32 bytes");
    }
  }
}
