package io.nitrosign.parent.audit;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Checks every audit chain in one pass over {@code audit_log} in id order, holding one row (and
 * one hash per chain) at a time: the log can have millions of rows, so nothing is collected.
 * {@code ./appliance audit verify} runs it.
 *
 * <p>The log holds one chain per parent host ({@link AuditChainName}; rows written before per-host
 * chains form the legacy chain {@code ''}), interleaved by id. Each row must link to the previous
 * row <em>of its chain</em> ({@code prev_hash} equals that row's {@code row_hash}, all zeros for a
 * chain's first row) and its {@code row_hash} must be the hash of its content, chain name included
 * ({@link AuditChain}). Ids come from one sequence, so a gap between two ids is not a break by
 * itself (an append that rolled back used up its ids, another chain's rows sit between): the chain
 * decides. A row whose {@code prev_hash} does not link is classified:
 * <ul>
 *   <li>{@link Problem#GAP}: the row is consistent in itself (its {@code row_hash} matches its
 *       content and its {@code prev_hash}) and rows are missing before it: some id between its
 *       chain's previous row and it is held by no row, or it is its chain's first row and does not
 *       start from the genesis;
 *   <li>{@link Problem#PREV_HASH_MISMATCH}: otherwise (the chain's previous row was rewritten, or
 *       this row's {@code prev_hash} was, or the row was moved from another chain);
 * </ul>
 * and a row that links but whose content does not hash to its {@code row_hash} is
 * {@link Problem#ROW_HASH_MISMATCH} (its content, or its chain, was changed). After a break the
 * walk continues from the broken row's stored hash, so later, independent breaks are counted too.
 *
 * <p>What the chains alone cannot show: rows removed from the end of a chain, or a history that
 * the database owner rewrote and re-hashed from some row on. The enclave-signed checkpoints, each
 * host's of its own chain, cover those up to each chain's last checkpoint
 * ({@link #verifyCheckpoints}).
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

  /**
   * The first (or a later) row at which a chain breaks, with an explanation for operators.
   * {@code chain} is the chain the row claims ({@code ''}: the legacy chain).
   */
  public record Break(long id, String chain, Problem problem, String explanation) {}

  /**
   * One chain as walked: its name ({@code ''} the legacy chain), rows, first and last id, and its
   * head (the last row's stored {@code row_hash}).
   */
  public record ChainSummary(String chain, long rows, long firstId, long lastId, byte[] head) {}

  /**
   * The result of a walk over all chains. {@code chains} are in order of their first row;
   * {@code skippedIds} counts ids that no row holds where the chains still link (rolled-back
   * appends), which is not a break.
   */
  public record Report(long rows, long firstId, long lastId, java.util.List<ChainSummary> chains,
      long skippedIds, Optional<Break> firstBreak, long breaks) {
    public boolean intact() {
      return firstBreak.isEmpty();
    }
  }

  /** A streaming walk: feed rows in id order, then ask for the report. */
  public static final class Walk {
    private static final class Chain {
      byte[] lastHash = AuditChain.GENESIS;
      long rows;
      long firstId = -1;
      long lastId = -1;
      /** The walk's row count when this chain's last row was taken. */
      long walkRowsAtLast;
    }

    private final java.util.Map<String, Chain> chains = new java.util.LinkedHashMap<>();
    private long rows;
    private long firstId = -1;
    private long lastId = -1;
    private long skippedIds;
    private Break firstBreak;
    private long breaks;

    /** Checks one row, the next in id order. Returns the break it finds, if any. */
    public Optional<Break> accept(AuditRow row) {
      Chain chain = chains.computeIfAbsent(row.chain(), c -> new Chain());
      Break found = check(row, chain);
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
      if (chain.firstId < 0) {
        chain.firstId = row.id();
      }
      chain.rows++;
      chain.lastId = row.id();
      chain.lastHash = row.rowHash();
      chain.walkRowsAtLast = rows;
      if (found != null) {
        breaks++;
        if (firstBreak == null) {
          firstBreak = found;
        }
      }
      return Optional.ofNullable(found);
    }

    private Break check(AuditRow row, Chain chain) {
      boolean contentMatches = MessageDigest.isEqual(AuditChain.rowHash(row), row.rowHash());
      String name = describe(row.chain());
      if (!MessageDigest.isEqual(chain.lastHash, row.prevHash())) {
        if (contentMatches && chain.rows == 0) {
          return new Break(row.id(), row.chain(), Problem.GAP, "the first row of " + name
              + " has a prev_hash that is not the genesis (all zeros): the chain's rows before id "
              + row.id() + " are missing");
        }
        // ids between the chain's previous row and this one that no row of any chain holds
        long interleaved = rows - chain.walkRowsAtLast;
        if (contentMatches && row.id() - chain.lastId - 1 > interleaved) {
          return new Break(row.id(), row.chain(), Problem.GAP, "rows are missing between id "
              + chain.lastId + " and id " + row.id() + " of " + name
              + ": prev_hash does not link to row " + chain.lastId);
        }
        return new Break(row.id(), row.chain(), Problem.PREV_HASH_MISMATCH, chain.rows == 0
            ? "the first row of " + name + " has a prev_hash that is not the genesis (all zeros)"
            : "prev_hash is not the row_hash of row " + chain.lastId + ", the previous row of "
                + name + " (that row, or this row's prev_hash, was rewritten, or this row was"
                + " moved from another chain)");
      }
      if (!contentMatches) {
        return new Break(row.id(), row.chain(), Problem.ROW_HASH_MISMATCH,
            "row_hash does not match the row's content (the row, or its chain, was altered)");
      }
      return null;
    }

    public Report report() {
      java.util.List<ChainSummary> summaries = new java.util.ArrayList<>();
      chains.forEach((n, c) -> summaries.add(
          new ChainSummary(n, c.rows, c.firstId, c.lastId, c.lastHash.clone())));
      return new Report(rows, firstId, lastId, java.util.List.copyOf(summaries), skippedIds,
          Optional.ofNullable(firstBreak), breaks);
    }
  }

  /** How operators read a chain's name: {@code chain 'x'}, or the legacy chain. */
  public static String describe(String chain) {
    return chain.isEmpty() ? "the legacy chain (rows before per-host chains)"
        : "chain '" + chain + "'";
  }

  /** The first checkpoint that fails, with an explanation for operators. */
  public record CheckpointBreak(long seq, String explanation) {}

  /**
   * The result of checking {@code audit_checkpoints}: how many there are, the highest seq, how
   * many enclave keys signed them, the first that failed, and per chain what they protect.
   */
  public record CheckpointReport(long checkpoints, long lastSeq, int keys,
      Optional<CheckpointBreak> firstBreak, java.util.List<ChainCoverage> chains) {
    public boolean intact() {
      return firstBreak.isEmpty();
    }
  }

  /**
   * A chain's checkpoint coverage: the id of its last checkpointed row (0: none) and how many of
   * its rows come after it (the tail no enclave has signed yet: only the chain protects it).
   */
  public record ChainCoverage(String chain, long lastCheckpointId, long rowsAfter) {}

  /** Per chain (in order of their first row), the last checkpointed id and the rows after it. */
  public static java.util.List<ChainCoverage> coverage(Connection c) throws SQLException {
    java.util.List<ChainCoverage> out = new java.util.ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("WITH cp AS (SELECT l.chain, max(k.seq) AS seq"
        + " FROM audit_checkpoints k JOIN audit_log l ON l.id = k.seq GROUP BY l.chain)"
        + " SELECT a.chain, coalesce(cp.seq, 0) AS last_seq,"
        + " count(*) FILTER (WHERE a.id > coalesce(cp.seq, 0)) AS tail"
        + " FROM audit_log a LEFT JOIN cp ON cp.chain = a.chain"
        + " GROUP BY a.chain, cp.seq ORDER BY min(a.id)");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new ChainCoverage(rs.getString("chain"), rs.getLong("last_seq"),
            rs.getLong("tail")));
      }
    }
    return out;
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
   * Checks every checkpoint in seq order: the row at that seq, whatever its chain, must exist with
   * the signed {@code row_hash} (so, with an intact chain, every row of that chain up to it is as
   * the enclave saw it), the
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
              Optional.of(new CheckpointBreak(seq, problem)), java.util.List.of());
        }
      }
    }
    return new CheckpointReport(count, lastSeq, keys.size(), Optional.empty(), coverage(c));
  }

  static final String SELECT = "SELECT id, chain, occurred_at, app_id, wallet_id, action, outcome,"
      + " error_code, detail, prev_hash, row_hash FROM audit_log";

  /** Rows fetched per round trip while streaming. */
  static final int FETCH_SIZE = 1000;

  private AuditVerifier() {}

  /** Walks every row of {@code audit_log} in id order, all chains at once; see the class comment. */
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
    return new AuditRow(rs.getLong("id"), rs.getString("chain"),
        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
        rs.getString("app_id"), rs.getString("wallet_id"), rs.getString("action"),
        rs.getString("outcome"), rs.getString("error_code"), rs.getString("detail"),
        rs.getBytes("prev_hash"), rs.getBytes("row_hash"));
  }
}
