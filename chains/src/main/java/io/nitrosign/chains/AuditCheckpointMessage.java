package io.nitrosign.chains;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the enclave's per-boot response key signs for an audit checkpoint: "the audit chain's row
 * {@code seq} has hash {@code row_hash}". One definition, used by the enclave that signs it, the
 * parent that stores it and {@code audit verify} that checks it.
 *
 * <pre>
 * message = ASCII "nitrosign/audit-checkpoint/v1" || 0x00   (30 bytes)
 *           || u64be(seq)                                   (8 bytes)
 *           || row_hash                                      (32 bytes)
 * </pre>
 *
 * The response key also signs attested-signature bindings ({@link AttestationBinding}), which are
 * exactly 32 bytes; a checkpoint message is 70 bytes and starts with its own tag, so neither kind
 * of signature can be taken for the other. The signature is ECDSA P-256 with SHA-256 over the
 * message, raw {@code r || s}.
 */
public final class AuditCheckpointMessage {

  /** The domain-separation label (without its 0x00 terminator). */
  public static final String DOMAIN = "nitrosign/audit-checkpoint/v1";
  public static final int ROW_HASH_BYTES = 32;
  /** Length of every message. */
  public static final int BYTES = DOMAIN.length() + 1 + 8 + ROW_HASH_BYTES;

  private AuditCheckpointMessage() {}

  /**
   * The message for row {@code seq} with hash {@code rowHash}.
   *
   * @throws IllegalArgumentException if {@code seq} is not positive or the hash is not 32 bytes
   */
  public static byte[] of(long seq, byte[] rowHash) {
    if (seq <= 0) {
      throw new IllegalArgumentException("seq must be positive");
    }
    if (rowHash == null || rowHash.length != ROW_HASH_BYTES) {
      throw new IllegalArgumentException("row_hash must be " + ROW_HASH_BYTES + " bytes");
    }
    return ByteBuffer.allocate(BYTES).put(DOMAIN.getBytes(StandardCharsets.US_ASCII))
        .put((byte) 0).putLong(seq).put(rowHash).array();
  }
}
