package io.nitrosign.hpke;

import java.util.Objects;

/**
 * An HPKE cipher suite (RFC 9180 section 7): a KEM, a KDF and an AEAD, each named by its IANA
 * identifier. Only the algorithms this module implements can be named, so an unsupported suite
 * cannot be constructed.
 */
public record HpkeSuite(Kem kem, Kdf kdf, Aead aead) {

  /** DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM: the suite of RFC 9180 Appendix A.3. */
  public static final HpkeSuite DHKEM_P256_HKDF_SHA256_AES_128_GCM =
      new HpkeSuite(Kem.DHKEM_P256_HKDF_SHA256, Kdf.HKDF_SHA256, Aead.AES_128_GCM);

  /**
   * DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM: the suite of our own key import and
   * export envelopes ({@link ImportEnvelope}, {@link ExportEnvelope}).
   */
  public static final HpkeSuite DHKEM_P256_HKDF_SHA256_AES_256_GCM =
      new HpkeSuite(Kem.DHKEM_P256_HKDF_SHA256, Kdf.HKDF_SHA256, Aead.AES_256_GCM);

  /**
   * DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305: the suite of RFC 9180 Appendix A.5,
   * and the one Privy's SDKs use for key import and export ({@link PrivyEnvelope}).
   */
  public static final HpkeSuite DHKEM_P256_HKDF_SHA256_CHACHA20_POLY1305 =
      new HpkeSuite(Kem.DHKEM_P256_HKDF_SHA256, Kdf.HKDF_SHA256, Aead.CHACHA20_POLY1305);

  public HpkeSuite {
    Objects.requireNonNull(kem, "kem");
    Objects.requireNonNull(kdf, "kdf");
    Objects.requireNonNull(aead, "aead");
  }

  /** Key encapsulation mechanisms (RFC 9180 section 7.1). */
  public enum Kem {
    /** kem_id 0x0010: Nsecret 32, Nenc 65, Npk 65, Nsk 32. */
    DHKEM_P256_HKDF_SHA256(0x0010, 32, 65, 32);

    private final int id;
    private final int secretLength;
    private final int encLength;
    private final int privateKeyLength;

    Kem(int id, int secretLength, int encLength, int privateKeyLength) {
      this.id = id;
      this.secretLength = secretLength;
      this.encLength = encLength;
      this.privateKeyLength = privateKeyLength;
    }

    public int id() {
      return id;
    }

    /** Nsecret: the length of the KEM shared secret. */
    public int secretLength() {
      return secretLength;
    }

    /** Nenc (= Npk): the length of an encapsulated key and of a serialized public key. */
    public int encLength() {
      return encLength;
    }

    /** Nsk: the length of a serialized private key. */
    public int privateKeyLength() {
      return privateKeyLength;
    }

    /** The KEM's own suite_id, {@code "KEM" || I2OSP(kem_id, 2)} (RFC 9180 section 4.1). */
    byte[] suiteId() {
      return new byte[] {'K', 'E', 'M', (byte) (id >>> 8), (byte) id};
    }
  }

  /** Key derivation functions (RFC 9180 section 7.2). */
  public enum Kdf {
    /** kdf_id 0x0001: Nh 32. */
    HKDF_SHA256(0x0001, 32);

    private final int id;
    private final int hashLength;

    Kdf(int id, int hashLength) {
      this.id = id;
      this.hashLength = hashLength;
    }

    public int id() {
      return id;
    }

    /** Nh: the output length of Extract. */
    public int hashLength() {
      return hashLength;
    }
  }

  /** AEADs (RFC 9180 section 7.3). All three have Nn 12 and Nt 16. */
  public enum Aead {
    /** aead_id 0x0001: Nk 16. */
    AES_128_GCM(0x0001, 16),
    /** aead_id 0x0002: Nk 32. */
    AES_256_GCM(0x0002, 32),
    /** aead_id 0x0003: Nk 32 (RFC 8439). */
    CHACHA20_POLY1305(0x0003, 32);

    /** Nn: nonce length. */
    public static final int NONCE_LENGTH = 12;
    /** Nt: tag length. */
    public static final int TAG_LENGTH = 16;

    private final int id;
    private final int keyLength;

    Aead(int id, int keyLength) {
      this.id = id;
      this.keyLength = keyLength;
    }

    public int id() {
      return id;
    }

    /** Nk: key length. */
    public int keyLength() {
      return keyLength;
    }
  }

  /**
   * The HPKE suite_id, {@code "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) ||
   * I2OSP(aead_id, 2)} (RFC 9180 section 5.1).
   */
  byte[] suiteId() {
    return new byte[] {'H', 'P', 'K', 'E',
        (byte) (kem.id() >>> 8), (byte) kem.id(),
        (byte) (kdf.id() >>> 8), (byte) kdf.id(),
        (byte) (aead.id() >>> 8), (byte) aead.id()};
  }

  @Override
  public String toString() {
    return "HpkeSuite[" + kem + ", " + kdf + ", " + aead + "]";
  }
}
