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
 * owner rewrote and re-hashed from some row on. The enclave-signed checkpoints cover those.
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
