package io.nitrosign.hpke;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The HPKE envelope Privy's SDKs use for key import and export ({@code @privy-io/node} 0.35.0,
 * {@code lib/cryptography.ts}: {@code @hpke/core} with {@code DhkemP256HkdfSha256},
 * {@code HkdfSha256}, {@code Chacha20Poly1305}): HPKE base mode, {@link #SUITE}, empty
 * {@code info}, empty {@code aad}, a single message (sequence number 0).
 *
 * <p>Nothing binds a message to a wallet or a direction (unlike {@link ImportEnvelope} and
 * {@link ExportEnvelope}): the SDK's format has no room for it. What keeps an import from being
 * replayed as something else is that the recipient key differs: imports go to the enclave's
 * per-boot key, exports to the client's fresh one.
 *
 * <p>Key encodings on the wire: the enclave's import key is the raw SEC1 point (the SDK's
 * {@code deserializePublicKey}), an export's recipient key is DER SubjectPublicKeyInfo (the SDK's
 * WebCrypto {@code exportKey("spki")}), see {@link #publicKeyFromSpki}; {@code enc} is always the
 * raw 65-byte point.
 */
public final class PrivyEnvelope {

  /** DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305. */
  public static final HpkeSuite SUITE = HpkeSuite.DHKEM_P256_HKDF_SHA256_CHACHA20_POLY1305;

  /**
   * The DER prefix of a P-256 SubjectPublicKeyInfo with an uncompressed point: SEQUENCE {
   * SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (0 unused bits) }. DER is canonical, so
   * every valid such SPKI is this prefix followed by the 65-byte point, and nothing else is.
   */
  private static final byte[] SPKI_PREFIX = {
      0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01,
      0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
  /** Length of a P-256 SPKI with an uncompressed point (91 bytes). */
  public static final int SPKI_LENGTH = SPKI_PREFIX.length + DhkemP256.PUBLIC_KEY_BYTES;

  private static final byte[] EMPTY = new byte[0];

  private PrivyEnvelope() {}

  /**
   * Sealer side: seals {@code plaintext} to {@code recipientPublicKey65} (a raw SEC1 point).
   *
   * @throws HpkeException INVALID_PUBLIC_KEY if the key is not a valid P-256 point
   */
  public static Hpke.Sealed seal(byte[] recipientPublicKey65, byte[] plaintext,
      SecureRandom random) throws HpkeException {
    return Hpke.seal(SUITE, recipientPublicKey65, EMPTY, EMPTY, plaintext, random);
  }

  /**
   * Recipient side: opens a message; the caller owns and must wipe the returned plaintext.
   *
   * @throws HpkeException OPEN_FAILED on any failure
   */
  public static byte[] open(HpkeKeyPair recipient, byte[] enc, byte[] ciphertext)
      throws HpkeException {
    return Hpke.open(SUITE, recipient, enc, EMPTY, EMPTY, ciphertext);
  }

  /**
   * The raw 65-byte point of a DER P-256 SubjectPublicKeyInfo with an uncompressed point, as
   * WebCrypto's {@code exportKey("spki")} writes it.
   *
   * @throws HpkeException INVALID_PUBLIC_KEY for anything else: another algorithm or curve, a
   *     compressed point, trailing bytes, a point not on the curve
   */
  public static byte[] publicKeyFromSpki(byte[] spki) throws HpkeException {
    if (spki == null || spki.length != SPKI_LENGTH
        || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw HpkeException.invalidPublicKey();
    }
    byte[] point = Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length);
    DhkemP256.decodePublicKey(point);
    return point;
  }

  /** True when {@code spki} is a P-256 SubjectPublicKeyInfo that {@link #publicKeyFromSpki} takes. */
  public static boolean isSpki(byte[] spki) {
    try {
      publicKeyFromSpki(spki);
      return true;
    } catch (HpkeException e) {
      return false;
    }
  }

  /** The DER SubjectPublicKeyInfo of a raw 65-byte P-256 point (for clients and tests). */
  public static byte[] spkiOf(byte[] publicKey65) throws HpkeException {
    DhkemP256.decodePublicKey(publicKey65);
    byte[] out = Arrays.copyOf(SPKI_PREFIX, SPKI_LENGTH);
    System.arraycopy(publicKey65, 0, out, SPKI_PREFIX.length, publicKey65.length);
    return out;
  }
}
