package io.nitrosign.enclave.service;

import com.google.protobuf.ByteString;
import io.nitrosign.chains.AuditCheckpointMessage;
import io.nitrosign.enclave.EnclaveException;
import io.nitrosign.enclave.crypto.ResponseKey;
import io.nitrosign.proto.v1.SignAuditCheckpointRequest;
import io.nitrosign.proto.v1.SignAuditCheckpointResponse;
import java.util.Arrays;

/**
 * {@code SignAuditCheckpoint}: the per-boot response key signs "audit row {@code seq} has hash
 * {@code row_hash}" ({@link AuditCheckpointMessage}). The parent stores the signature next to the
 * response key's attestation document; {@code audit verify} then needs the enclave's word, not
 * just the database's, for every row up to a checkpoint.
 *
 * <p>The enclave cannot read the database, so it cannot tell a true head from a forged one; what
 * it can refuse is going backwards: a seq lower than the highest it signed since boot, or the same
 * seq with another hash. A parent that rewrites history must therefore restart the enclave (a new
 * response key, with a new attestation document) before it can get the rewrite signed.
 */
final class AuditCheckpointHandler {

  private final ResponseKey responseKey;
  private long lastSeq;
  private byte[] lastHash;

  AuditCheckpointHandler(ResponseKey responseKey) {
    this.responseKey = responseKey;
  }

  synchronized SignAuditCheckpointResponse handle(SignAuditCheckpointRequest request)
      throws EnclaveException {
    long seq = request.getSeq();
    byte[] hash = request.getRowHash().toByteArray();
    if (seq <= 0) { // also a uint64 above Long.MAX_VALUE
      throw RequestValidation.invalid("seq must be positive");
    }
    if (hash.length != AuditCheckpointMessage.ROW_HASH_BYTES) {
      throw RequestValidation.invalid("row_hash must be 32 bytes");
    }
    if (seq < lastSeq) {
      throw RequestValidation.invalid("seq is lower than the last checkpoint signed since boot");
    }
    if (seq == lastSeq && !Arrays.equals(hash, lastHash)) {
      throw RequestValidation.invalid(
          "seq was already signed since boot with another row_hash");
    }
    byte[] signature = responseKey.sign(AuditCheckpointMessage.of(seq, hash));
    lastSeq = seq;
    lastHash = hash;
    return SignAuditCheckpointResponse.newBuilder()
        .setSignature(ByteString.copyFrom(signature))
        .setPublicKey(ByteString.copyFrom(responseKey.publicKey()))
        .build();
  }
}
