package io.nitrosign.parent.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The audit log's hash chain: {@code row_hash = SHA-256(prev_hash || canonical(row))}, with
 * {@code prev_hash} of the first row all zeros.
 *
 * <p>Canonical encoding (version 1): the ASCII tag {@code nitrosign.audit.v1}, then
 * {@code id} (8 bytes big-endian), {@code occurred_at} as microseconds since the epoch (8 bytes
 * big-endian), then {@code app_id, wallet_id, action, outcome, error_code, detail}, each as a
 * 4-byte big-endian length followed by its UTF-8 bytes, or length -1 for SQL NULL.
 */
public final class AuditChain {

  public static final byte[] GENESIS = new byte[32];
  private static final byte[] TAG = "nitrosign.audit.v1".getBytes(StandardCharsets.US_ASCII);

  private AuditChain() {}

  public static byte[] rowHash(byte[] prevHash, long id, Instant occurredAt, String appId,
      String walletId, String action, String outcome, String errorCode, String detail) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(TAG);
      out.writeLong(id);
      out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, occurredAt));
      for (String field : new String[] {appId, walletId, action, outcome, errorCode, detail}) {
        if (field == null) {
          out.writeInt(-1);
        } else {
          byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
          out.writeInt(utf8.length);
          out.write(utf8);
        }
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(prevHash);
      return sha.digest(bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  public static byte[] rowHash(AuditRow r) {
    return rowHash(r.prevHash(), r.id(), r.occurredAt(), r.appId(), r.walletId(), r.action(),
        r.outcome(), r.errorCode(), r.detail());
  }

  /** The outcome of a chain verification. */
  public record Verification(int rowsChecked, Optional<Long> firstBrokenId, String problem) {
    public boolean intact() {
      return firstBrokenId.isEmpty();
    }
  }

  /**
   * Checks rows in id order: each {@code prev_hash} equals the previous {@code row_hash} (zeros for
   * the first) and each {@code row_hash} matches the row's content. The rows are in memory here;
   * {@link AuditVerifier} walks the table itself, one row at a time, with the same checks.
   */
  public static Verification verify(List<AuditRow> rowsInIdOrder) {
    AuditVerifier.Walk walk = new AuditVerifier.Walk();
    int checked = 0;
    for (AuditRow row : rowsInIdOrder) {
      Optional<AuditVerifier.Break> broken = walk.accept(row);
      if (broken.isPresent()) {
        return new Verification(checked, Optional.of(row.id()),
            broken.get().problem().label() + ": " + broken.get().explanation());
      }
      checked++;
    }
    return new Verification(checked, Optional.empty(), "intact");
  }
}
