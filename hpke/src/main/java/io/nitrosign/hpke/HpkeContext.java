package io.nitrosign.hpke;

import java.util.Arrays;

/**
 * An HPKE encryption context of base mode (RFC 9180 sections 5.1 and 5.2): the AEAD key, the base
 * nonce and the sequence number. Package-private: the public API is single-shot ({@link Hpke}),
 * which uses sequence number 0 only; the test vectors drive the context through further sequence
 * numbers. {@link #close()} wipes the key and base nonce.
 */
final class HpkeContext implements AutoCloseable {

  static final byte MODE_BASE = 0x00;

  private final HpkeSuite suite;
  private final byte[] key;
  private final byte[] baseNonce;
  private long seq;

  private HpkeContext(HpkeSuite suite, byte[] key, byte[] baseNonce) {
    this.suite = suite;
    this.key = key;
    this.baseNonce = baseNonce;
  }

  /**
   * key_schedule_context = mode || LabeledExtract("", "psk_id_hash", psk_id) ||
   * LabeledExtract("", "info_hash", info), with psk_id empty (base mode).
   */
  static byte[] keyScheduleContext(HpkeSuite suite, byte[] info) {
    byte[] suiteId = suite.suiteId();
    byte[] pskIdHash = Hkdf.labeledExtract(suiteId, new byte[0], "psk_id_hash", new byte[0]);
    byte[] infoHash = Hkdf.labeledExtract(suiteId, new byte[0], "info_hash", info);
    byte[] out = new byte[1 + pskIdHash.length + infoHash.length];
    out[0] = MODE_BASE;
    System.arraycopy(pskIdHash, 0, out, 1, pskIdHash.length);
    System.arraycopy(infoHash, 0, out, 1 + pskIdHash.length, infoHash.length);
    return out;
  }

  /** secret = LabeledExtract(shared_secret, "secret", psk), psk empty (base mode). */
  static byte[] secret(HpkeSuite suite, byte[] sharedSecret) {
    return Hkdf.labeledExtract(suite.suiteId(), sharedSecret, "secret", new byte[0]);
  }

  /** KeySchedule(mode_base, shared_secret, info, "", ""). The caller keeps its shared secret. */
  static HpkeContext keySchedule(HpkeSuite suite, byte[] sharedSecret, byte[] info) {
    byte[] context = keyScheduleContext(suite, info);
    byte[] secret = secret(suite, sharedSecret);
    try {
      byte[] suiteId = suite.suiteId();
      byte[] key = Hkdf.labeledExpand(suiteId, secret, "key", context, suite.aead().keyLength());
      byte[] nonce = Hkdf.labeledExpand(
          suiteId, secret, "base_nonce", context, HpkeSuite.Aead.NONCE_LENGTH);
      return new HpkeContext(suite, key, nonce);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** ContextS.Seal(aad, pt), then increments the sequence number. */
  byte[] seal(byte[] aad, byte[] plaintext) throws HpkeException {
    byte[] nonce = computeNonce();
    byte[] ct = suite.aead() == HpkeSuite.Aead.CHACHA20_POLY1305
        ? ChaCha20Poly1305.seal(key, nonce, aad, plaintext)
        : AesGcm.seal(key, nonce, aad, plaintext);
    incrementSeq();
    return ct;
  }

  /** ContextR.Open(aad, ct), then increments the sequence number. */
  byte[] open(byte[] aad, byte[] ciphertext) throws HpkeException {
    byte[] nonce = computeNonce();
    byte[] pt = suite.aead() == HpkeSuite.Aead.CHACHA20_POLY1305
        ? ChaCha20Poly1305.open(key, nonce, aad, ciphertext)
        : AesGcm.open(key, nonce, aad, ciphertext);
    incrementSeq();
    return pt;
  }

  /** For the test vectors: move to sequence number {@code seq}. */
  void setSeq(long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("negative sequence number");
    }
    this.seq = seq;
  }

  /** For the test vectors: copies of the derived key and base nonce. */
  byte[] keyCopy() {
    return key.clone();
  }

  byte[] baseNonceCopy() {
    return baseNonce.clone();
  }

  HpkeSuite suite() {
    return suite;
  }

  /** base_nonce XOR I2OSP(seq, Nn). */
  byte[] computeNonce() {
    byte[] nonce = baseNonce.clone();
    long s = seq;
    for (int i = nonce.length - 1; i >= nonce.length - 8; i--) {
      nonce[i] ^= (byte) s;
      s >>>= 8;
    }
    return nonce;
  }

  private void incrementSeq() throws HpkeException {
    // Nn is 12 bytes, so the RFC's limit 2^96 - 1 is far beyond a long; stop before it wraps.
    if (seq == Long.MAX_VALUE) {
      throw new HpkeException(HpkeException.Reason.INTERNAL, "hpke message limit reached");
    }
    seq++;
  }

  @Override
  public void close() {
    Arrays.fill(key, (byte) 0);
    Arrays.fill(baseNonce, (byte) 0);
  }
}
