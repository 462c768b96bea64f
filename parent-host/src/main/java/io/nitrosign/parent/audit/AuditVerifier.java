package io.nitrosign.parent.audit;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Checks the whole audit chain in one pass over {@code audit_log} in id order, holding one row at
 * a time: the log can have millions of rows, so nothing is collected. {@code ./appliance audit
 * verify} runs it.
 *
 * <p>Each row must link to the row before it ({@code prev_hash} equals that row's
 * {@code row_hash}, all zeros for the first row) and its {@code row_hash} must be the hash of its
 * content ({@link AuditChain}). Ids come from a sequence, so a gap between two ids is not a break
 * by itself (an append that rolled back used up its ids): the chain decides. A row whose
 * {@code prev_hash} does not link is classified:
 * <ul>
 *   <li>{@link Problem#GAP}: the row is consistent in itself (its {@code row_hash} matches its
 *       content and its {@code prev_hash}) and rows are missing before it: its id does not follow
 *       the previous row's, or it is the first row and does not start from the genesis;
 *   <li>{@link Problem#PREV_HASH_MISMATCH}: otherwise (the previous row was rewritten, or this
 *       row's {@code prev_hash} was);
 * </ul>
 * and a row that links but whose content does not hash to its {@code row_hash} is
 * {@link Problem#ROW_HASH_MISMATCH} (its content was changed). After a break the walk continues
 * from the broken row's stored hash, so later, independent breaks are counted too.
 *
 * <p>What the chain alone cannot show: rows removed from the end, or a history that the database
 * owner rewrote and re-hashed from some row on. The enclave-signed checkpoints cover those up to
 * the last checkpoint ({@link #verifyCheckpoints}).
 */
public final class AuditVerifier {

  /** What is wrong with a row. */
  public enum Problem {
    PREV_HASH_MISMATCH("prev_hash mismatch"),
    ROW_HASH_MISMATCH("row_hash mismatch"),
    GAP("gap");

    private final String label;

    Problem(String label) {
      this.label = label;
    }

    /** The words the command line prints. */
    public String label() {
      return label;
    }
  }

  /** The first (or a later) row at which the chain breaks, with an explanation for operators. */
  public record Break(long id, Problem problem, String explanation) {}

  /**
   * The result of a walk. {@code head} is the last row's {@code row_hash} (the genesis zeros for an
   * empty log); {@code skippedIds} counts ids that the sequence skipped where the chain still
   * links (rolled-back appends), which is not a break.
   */
  public record Report(long rows, long firstId, long lastId, byte[] head, long skippedIds,
      Optional<Break> firstBreak, long breaks) {
    public boolean intact() {
      return firstBreak.isEmpty();
    }
  }

  /** A streaming walk: feed rows in id order, then ask for the report. */
  public static final class Walk {
    private byte[] expectedPrev = AuditChain.GENESIS;
    private long rows;
    private long firstId = -1;
    private long lastId = -1;
    private long skippedIds;
    private Break firstBreak;
    private long breaks;

    /** Checks one row, the next in id order. Returns the break it finds, if any. */
    public Optional<Break> accept(AuditRow row) {
      Break found = check(row);
      if (rows > 0 && row.id() > lastId + 1) {
        if (found == null || found.problem() != Problem.GAP) {
          skippedIds += row.id() - lastId - 1;
        }
      }
      if (firstId < 0) {
        firstId = row.id();
      }
      rows++;
      lastId = row.id();
      expectedPrev = row.rowHash();
      if (found != null) {
        breaks++;
        if (firstBreak == null) {
          firstBreak = found;
        }
      }
      return Optional.ofNullable(found);
    }

    private Break check(AuditRow row) {
      boolean contentMatches = MessageDigest.isEqual(AuditChain.rowHash(row), row.rowHash());
      if (!MessageDigest.isEqual(expectedPrev, row.prevHash())) {
        if (contentMatches && rows == 0) {
          return new Break(row.id(), Problem.GAP, "the first row's prev_hash is not the genesis"
              + " (all zeros): the rows before id " + row.id() + " are missing");
        }
        if (contentMatches && row.id() > lastId + 1) {
          return new Break(row.id(), Problem.GAP, "rows are missing between id " + lastId
              + " and id " + row.id() + ": prev_hash does not link to row " + lastId);
        }
        return new Break(row.id(), Problem.PREV_HASH_MISMATCH, rows == 0
            ? "the first row's prev_hash is not the genesis (all zeros)"
            : "prev_hash is not the row_hash of row " + lastId + " (that row, or this row's"
                + " prev_hash, was rewritten)");
      }
      if (!contentMatches) {
        return new Break(row.id(), Problem.ROW_HASH_MISMATCH,
            "row_hash does not match the row's content (the row was altered)");
      }
      return null;
    }

    /** The chain head so far: the last row's stored {@code row_hash}. */
    public byte[] head() {
      return expectedPrev.clone();
    }

    public long lastId() {
      return lastId;
    }

    public Report report() {
      return new Report(rows, firstId, lastId, expectedPrev.clone(), skippedIds,
          Optional.ofNullable(firstBreak), breaks);
    }
  }

  /** The first checkpoint that fails, with an explanation for operators. */
  public record CheckpointBreak(long seq, String explanation) {}

  /**
   * The result of checking {@code audit_checkpoints}: how many there are, the highest seq, how
   * many enclave keys signed them, and the first that failed.
   */
  public record CheckpointReport(long checkpoints, long lastSeq, int keys,
      Optional<CheckpointBreak> firstBreak) {
    public boolean intact() {
      return firstBreak.isEmpty();
    }
  }

  /** The number of stored checkpoints. */
  public static long countCheckpoints(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit_checkpoints");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Checks every checkpoint in seq order: the row at that seq must exist with the signed
   * {@code row_hash} (so, with an intact chain, every row up to it is as the enclave saw it), the
   * signature must verify under the checkpoint's response key, and that key's attestation document
   * must verify with {@code verifier} (root, PCRs, RESPONSE_KEY purpose). Stops at the first
   * failure.
   */
  public static CheckpointReport verifyCheckpoints(Connection c,
      io.nitrosign.attestation.AuditCheckpointVerifier verifier) throws SQLException {
    java.util.Map<String, Object> keys = new java.util.HashMap<>(); // hex key -> key or failure
    long count = 0;
    long lastSeq = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT c.seq, c.row_hash, c.signature,"
        + " c.public_key, l.row_hash AS log_hash, k.attestation_document"
        + " FROM audit_checkpoints c LEFT JOIN audit_log l ON l.id = c.seq"
        + " LEFT JOIN audit_checkpoint_keys k ON k.public_key = c.public_key ORDER BY c.seq");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long seq = rs.getLong("seq");
        byte[] signed = rs.getBytes("row_hash");
        byte[] logHash = rs.getBytes("log_hash");
        byte[] key = rs.getBytes("public_key");
        count++;
        lastSeq = seq;
        String problem = null;
        if (logHash == null) {
          problem = "the row at seq " + seq + " is missing (the log was truncated or rows were"
              + " removed)";
        } else if (!MessageDigest.isEqual(logHash, signed)) {
          problem = "the row's row_hash is not the one the enclave signed (history up to row "
              + seq + " was rewritten)";
        } else {
          Object trusted = keys.computeIfAbsent(java.util.HexFormat.of().formatHex(key), k -> {
            byte[] document;
            try {
              document = rs.getBytes("attestation_document");
            } catch (SQLException e) {
              return "cannot read the attestation document";
            }
            if (document == null) {
              return "no attestation document is stored for its response key";
            }
            try {
              io.nitrosign.attestation.VerifiedResponseKey v = verifier.trustKey(document);
              return v.matches(key) ? v
                  : "the attestation document names another response key";
            } catch (io.nitrosign.attestation.AttestationException e) {
              return "the response key's attestation document does not verify ("
                  + e.reason() + ": " + e.getMessage() + ")";
            }
          });
          if (trusted instanceof String why) {
            problem = why;
          } else if (!io.nitrosign.attestation.AuditCheckpointVerifier.signatureValid(
              (io.nitrosign.attestation.VerifiedResponseKey) trusted, seq, signed,
              rs.getBytes("signature"))) {
            problem = "the signature does not verify under its response key (the checkpoint was"
                + " altered)";
          }
        }
        if (problem != null) {
          return new CheckpointReport(count, lastSeq, keys.size(),
              Optional.of(new CheckpointBreak(seq, problem)));
        }
      }
    }
    return new CheckpointReport(count, lastSeq, keys.size(), Optional.empty());
  }

  static final String SELECT = "SELECT id, occurred_at, app_id, wallet_id, action, outcome,"
      + " error_code, detail, prev_hash, row_hash FROM audit_log";

  /** Rows fetched per round trip while streaming. */
  static final int FETCH_SIZE = 1000;

  private AuditVerifier() {}

  /** Walks every row of {@code audit_log} in id order; see the class comment. */
  public static Report verify(Connection c) throws SQLException {
    Walk walk = new Walk();
    forEachRow(c, SELECT + " ORDER BY id", ps -> { }, walk::accept);
    return walk.report();
  }

  /** Binds a statement's parameters. */
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Receives a row. */
  interface RowSink {
    void accept(AuditRow row) throws SQLException;
  }

  /**
   * Runs {@code sql} and hands each row to {@code sink} without holding more than one fetch of
   * rows: PostgreSQL's driver streams with a cursor only outside auto-commit and with a fetch
   * size, so both are set for the duration (and restored).
   */
  static void forEachRow(Connection c, String sql, Binder binder, RowSink sink)
      throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    if (autoCommit) {
      c.setAutoCommit(false);
    }
    try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
        ResultSet.CONCUR_READ_ONLY)) {
      ps.setFetchSize(FETCH_SIZE);
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sink.accept(row(rs));
        }
      }
    } finally {
      if (autoCommit) {
        c.rollback(); // read only: nothing to keep
        c.setAutoCommit(true);
      }
    }
  }

  static AuditRow row(ResultSet rs) throws SQLException {
    return new AuditRow(rs.getLong("id"),
        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
        rs.getString("app_id"), rs.getString("wallet_id"), rs.getString("action"),
        rs.getString("outcome"), rs.getString("error_code"), rs.getString("detail"),
        rs.getBytes("prev_hash"), rs.getBytes("row_hash"));
  }
}
