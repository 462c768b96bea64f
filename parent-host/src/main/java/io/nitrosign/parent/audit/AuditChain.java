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
 * The audit log's hash chains: {@code row_hash = SHA-256(prev_hash || canonical(row))}, with
 * {@code prev_hash} of a chain's first row all zeros. The log holds one chain per parent host
 * ({@link AuditChainName}), interleaved by id; {@code prev_hash} is the {@code row_hash} of the
 * previous row <em>of the same chain</em>. Rows written before per-host chains form the legacy
 * chain {@code ''}.
 *
 * <p>Canonical encoding, version 1 (legacy chain {@code ''}, unchanged so old logs verify): the
 * ASCII tag {@code nitrosign.audit.v1}, then {@code id} (8 bytes big-endian), {@code occurred_at}
 * as microseconds since the epoch (8 bytes big-endian), then {@code app_id, wallet_id, action,
 * outcome, error_code, detail}, each as a 4-byte big-endian length followed by its UTF-8 bytes, or
 * length -1 for SQL NULL.
 *
 * <p>Version 2 (a named chain): the tag {@code nitrosign.audit.v2}, then the chain's name as a
 * 4-byte length and its UTF-8 bytes, then the rest as version 1. The name is hashed so a row
 * cannot be moved to another chain (and an enclave-signed checkpoint of a row binds its chain).
 */
public final class AuditChain {

  public static final byte[] GENESIS = new byte[32];
  private static final byte[] TAG_V1 = "nitrosign.audit.v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TAG_V2 = "nitrosign.audit.v2".getBytes(StandardCharsets.US_ASCII);
  /** The chain of rows written before per-host chains (hashed with version 1). */
  public static final String LEGACY = "";

  private AuditChain() {}

  /** The hash of a row of {@code chain} ({@link #LEGACY}: version 1, otherwise version 2). */
  public static byte[] rowHash(byte[] prevHash, String chain, long id, Instant occurredAt,
      String appId, String walletId, String action, String outcome, String errorCode,
      String detail) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      DataOutputStream out = new DataOutputStream(bytes);
      if (chain.isEmpty()) {
        out.write(TAG_V1);
      } else {
        out.write(TAG_V2);
        byte[] name = chain.getBytes(StandardCharsets.UTF_8);
        out.writeInt(name.length);
        out.write(name);
      }
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
    return rowHash(r.prevHash(), r.chain(), r.id(), r.occurredAt(), r.appId(), r.walletId(),
        r.action(), r.outcome(), r.errorCode(), r.detail());
  }

  /** The outcome of a verification of all chains. */
  public record Verification(int rowsChecked, Optional<Long> firstBrokenId, String problem) {
    public boolean intact() {
      return firstBrokenId.isEmpty();
    }
  }

  /**
   * Checks rows in id order: each {@code prev_hash} equals the {@code row_hash} of the previous row
   * of its chain (zeros for a chain's first) and each {@code row_hash} matches the row's content.
   * The rows are in memory here; {@link AuditVerifier} walks the table itself, one row at a time,
   * with the same checks.
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
