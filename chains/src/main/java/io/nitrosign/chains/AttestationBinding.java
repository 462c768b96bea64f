package io.nitrosign.chains;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The binding of an attested signature: what the enclave's proof (an NSM attestation document's
 * {@code user_data}, or a response-key signature) vouches for. One definition, used by the enclave
 * that produces it, the parent that checks it and the client library that verifies it.
 *
 * <pre>
 * binding = SHA-256( "nitrosign/attested-signature/v1"          (31 ASCII bytes, no length)
 *                    || u32be(len(digest))     || digest        (32 bytes)
 *                    || u32be(len(signature))  || signature     (65 bytes: r || s || v, v = 27 + recovery id)
 *                    || u32be(len(public key)) || public key    (65 bytes: SEC1 uncompressed, 0x04 || X || Y)
 *                    || u32be(len(nonce))      || nonce         (0 to 512 bytes; empty when the caller sent none)
 *                    || u32be(len(wallet id))  || wallet id     (UTF-8) )
 * </pre>
 *
 * Every variable field is length-prefixed, so no two different tuples encode to the same bytes.
 * docs/attestation.md writes out a worked example.
 */
public final class AttestationBinding {

  /** The domain-separation prefix. */
  public static final String DOMAIN = "nitrosign/attested-signature/v1";
  /** Length of the binding (a SHA-256 output). */
  public static final int BYTES = 32;
  public static final int DIGEST_BYTES = 32;
  /** {@code r || s || v}, v = 27 or 28 (as the API returns signatures). */
  public static final int SIGNATURE_BYTES = 65;
  /** SEC1 uncompressed secp256k1 public key. */
  public static final int PUBLIC_KEY_BYTES = 65;
  /** The largest caller nonce (the NSM's documented limit for a nonce). */
  public static final int MAX_NONCE_BYTES = 512;
  /** The largest wallet id, in UTF-8 bytes. */
  public static final int MAX_WALLET_ID_BYTES = 256;

  private AttestationBinding() {}

  /**
   * The binding: SHA-256 of {@link #preimage}.
   *
   * @param nonce the caller's nonce, or null / empty for none
   * @throws IllegalArgumentException if a field has the wrong size
   */
  public static byte[] compute(String walletId, byte[] digest, byte[] signature, byte[] publicKey,
      byte[] nonce) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(preimage(walletId, digest, signature, publicKey, nonce));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** The exact bytes that are hashed (see the class comment). */
  public static byte[] preimage(String walletId, byte[] digest, byte[] signature,
      byte[] publicKey, byte[] nonce) {
    if (walletId == null || walletId.isEmpty()) {
      throw new IllegalArgumentException("wallet id is required");
    }
    byte[] id = walletId.getBytes(StandardCharsets.UTF_8);
    if (id.length > MAX_WALLET_ID_BYTES) {
      throw new IllegalArgumentException("wallet id is longer than " + MAX_WALLET_ID_BYTES + " bytes");
    }
    requireLength(digest, DIGEST_BYTES, "digest");
    requireLength(signature, SIGNATURE_BYTES, "signature");
    requireLength(publicKey, PUBLIC_KEY_BYTES, "public key");
    byte[] n = nonce == null ? new byte[0] : nonce;
    if (n.length > MAX_NONCE_BYTES) {
      throw new IllegalArgumentException("nonce is longer than " + MAX_NONCE_BYTES + " bytes");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + n.length + id.length);
    out.writeBytes(DOMAIN.getBytes(StandardCharsets.US_ASCII));
    field(out, digest);
    field(out, signature);
    field(out, publicKey);
    field(out, n);
    field(out, id);
    return out.toByteArray();
  }

  private static void requireLength(byte[] b, int length, String name) {
    if (b == null || b.length != length) {
      throw new IllegalArgumentException(name + " must be " + length + " bytes");
    }
  }

  private static void field(ByteArrayOutputStream out, byte[] value) {
    int n = value.length;
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.writeBytes(value);
  }
}
