package io.nitrosign.chains;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * What an NSM attestation document made by this enclave is for. The enclave never has the NSM sign
 * caller-chosen raw {@code user_data}: every document's {@code user_data} starts with the tag of
 * exactly one purpose, and every verifier requires the tag of the purpose it checks. A document
 * made for one purpose (for example a client's {@code GetAttestation} with caller-chosen data) is
 * therefore never accepted as another (for example a fresh attested-signature proof).
 *
 * <pre>
 * user_data = tag || content
 * tag       = ASCII "nitrosign/&lt;purpose&gt;/v1" || 0x00
 * </pre>
 *
 * A tag contains no 0x00 except its last byte, so no tag is a prefix of another and the tag of a
 * document is unambiguous. One definition, used by the enclave that produces documents and by the
 * verifiers (attestation module, devkit, clients). docs/attestation.md has the table.
 */
public enum AttestationPurpose {
  /** A fresh attested-signature proof: content = the 32-byte {@link AttestationBinding}. */
  FRESH_SIGNATURE("nitrosign/fresh-signature/v1"),
  /** The per-boot response key (public_key) that signs fast proofs: no content. */
  RESPONSE_KEY("nitrosign/response-key/v1"),
  /** The per-boot HPKE key for key import (public_key): no content. */
  IMPORT_KEY("nitrosign/import-key/v1"),
  /** The per-boot RSA key KMS encrypts to (public_key, DER SubjectPublicKeyInfo): no content. */
  KMS_RECIPIENT("nitrosign/kms-recipient/v1"),
  /** A client's attestation request: content = the caller's user_data (may be empty). */
  CLIENT_REQUEST("nitrosign/client-request/v1");

  /** The largest user_data the enclave passes to the NSM (the documented NSM limit). */
  public static final int MAX_USER_DATA_BYTES = 512;

  private final String label;
  private final byte[] tag;

  AttestationPurpose(String label) {
    this.label = label;
    byte[] ascii = label.getBytes(StandardCharsets.US_ASCII);
    this.tag = Arrays.copyOf(ascii, ascii.length + 1); // trailing 0x00 separator
  }

  /** The tag's text without its 0x00 separator, e.g. {@code nitrosign/fresh-signature/v1}. */
  public String label() {
    return label;
  }

  /** The tag bytes: the ASCII label followed by one 0x00 byte. */
  public byte[] tag() {
    return tag.clone();
  }

  /** The most content that fits after the tag within {@link #MAX_USER_DATA_BYTES}. */
  public int maxContentBytes() {
    return MAX_USER_DATA_BYTES - tag.length;
  }

  /**
   * {@code tag || content}: the user_data of a document of this purpose.
   *
   * @param content null or empty for none
   * @throws IllegalArgumentException if the result would exceed {@link #MAX_USER_DATA_BYTES}
   */
  public byte[] wrap(byte[] content) {
    byte[] c = content == null ? new byte[0] : content;
    if (c.length > maxContentBytes()) {
      throw new IllegalArgumentException(
          "content is longer than " + maxContentBytes() + " bytes for purpose " + label);
    }
    byte[] out = Arrays.copyOf(tag, tag.length + c.length);
    System.arraycopy(c, 0, out, tag.length, c.length);
    return out;
  }

  /** True when {@code userData} starts with this purpose's tag. */
  public boolean tags(byte[] userData) {
    return userData != null && userData.length >= tag.length
        && Arrays.equals(userData, 0, tag.length, tag, 0, tag.length);
  }

  /**
   * The content after this purpose's tag, or empty when {@code userData} does not start with it.
   */
  public Optional<byte[]> unwrap(byte[] userData) {
    if (!tags(userData)) {
      return Optional.empty();
    }
    return Optional.of(Arrays.copyOfRange(userData, tag.length, userData.length));
  }

  /** The purpose whose tag {@code userData} starts with, if any. */
  public static Optional<AttestationPurpose> of(byte[] userData) {
    for (AttestationPurpose p : values()) {
      if (p.tags(userData)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * The purpose named {@code name}: its label's middle part ({@code fresh-signature}) or the
   * constant's name ({@code FRESH_SIGNATURE}), case-insensitive.
   */
  public static Optional<AttestationPurpose> named(String name) {
    for (AttestationPurpose p : values()) {
      String shortName = p.label.substring("nitrosign/".length(), p.label.length() - "/v1".length());
      if (shortName.equalsIgnoreCase(name) || p.name().equalsIgnoreCase(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
