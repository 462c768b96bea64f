package io.nitrosign.parent.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.attestation.AttestationPolicy;
import io.nitrosign.attestation.AttestationVerifier;
import io.nitrosign.attestation.AuditCheckpointVerifier;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code audit verify|export}: the audit log's command line, for operators and auditors. It needs
 * only read access to {@code audit_log} (the service role, or a read-only role), never the owner.
 * {@code ./appliance audit ...} runs it with local mode's database as the default; on a production
 * host, {@code java -cp parent-host.jar io.nitrosign.parent.audit.AuditCli ...} with
 * {@code --jdbc-url} (or {@code NITROSIGN_JDBC_URL}), {@code NITROSIGN_DB_USER} and
 * {@code NITROSIGN_DB_PASSWORD}.
 *
 * <p>Exit codes: 0 the chain is intact (verify) or the rows were written (export); 1 the chain is
 * broken; 2 usage error; 3 the database could not be read (nothing was checked).
 */
public final class AuditCli {

  public static final String USAGE = String.join("\n",
      "usage: ./appliance audit verify [CHECKPOINT OPTIONS] [DATABASE OPTIONS]",
      "       ./appliance audit export [--since SEQ|ISO-TIME] [DATABASE OPTIONS]",
      "  verify   walks every hash chain of audit_log (one per parent host; streaming) and",
      "           prints each chain's rows and head; exit 0 intact, 1 broken (names the first",
      "           bad row and its chain: prev_hash mismatch, row_hash mismatch or gap),",
      "           3 database unreachable; then checks the enclave-signed checkpoints: the row at",
      "           each checkpoint's seq must have the signed hash, the signature must verify under",
      "           the enclave's response key and its attestation document under the root",
      "           (exit 1 naming the first checkpoint that does not match); prints per chain",
      "           the last checkpointed id and the rows after it",
      "  export   prints one JSON object per row (seq, chain, at, action, app_id, wallet_id,",
      "           method, outcome, error_code, idempotency_key, signature, policy, detail, hash,",
      "           prev_hash: the previous row of the same chain); --since 1234 prints the rows",
      "           after seq 1234, --since 2025-01-31T00:00:00Z the rows at or after that time",
      "checkpoint options (needed when checkpoints exist; local mode supplies its own):",
      "  --root ROOT.pem|aws       attestation root (default aws: the pinned AWS Nitro root G1)",
      "  --pcrs PCRS.json          the enclave image's PCRs (nitro-cli describe-eif JSON, or an",
      "                            array of such objects across upgrades)",
      "  --any-pcrs                skip the image check (says so: any enclave could have signed)",
      "  --allow-debug             accept debug-mode documents (local mode's simulated NSM)",
      "database options (default: local mode's PostgreSQL, as the service role):",
      "  --jdbc-url URL            (NITROSIGN_JDBC_URL) e.g. jdbc:postgresql://host:5432/nitrosign",
      "  --db-user USER            (NITROSIGN_DB_USER, default nitrosign_service)",
      "  --db-password-file FILE   (or NITROSIGN_DB_PASSWORD in the environment)");

  /** Where to connect. */
  public record Database(String url, String user, String password) {
    @Override
    public String toString() {
      return "Database[" + url + ", user " + user + ", password <redacted>]";
    }
  }

  static final String DEFAULT_USER = "nitrosign_service";

  private AuditCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), () -> null, System.out, System.err));
  }

  /**
   * Runs {@code verify} or {@code export}. {@code localDefault} gives the database to use when
   * neither {@code --jdbc-url} nor {@code NITROSIGN_JDBC_URL} is set (null: none).
   */
  public static int run(String[] args, Map<String, String> env, Supplier<Database> localDefault,
      OutputStream stdout, PrintStream err) {
    PrintStream out = stdout instanceof PrintStream p ? p
        : new PrintStream(stdout, true, StandardCharsets.UTF_8);
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(USAGE);
      return 0;
    }
    if (args.length == 0 || !(args[0].equals("verify") || args[0].equals("export"))) {
      err.println(USAGE);
      return 2;
    }
    String verb = args[0];
    String url = env.get("NITROSIGN_JDBC_URL");
    String user = env.get("NITROSIGN_DB_USER");
    String password = env.get("NITROSIGN_DB_PASSWORD");
    AuditExport.Since since = AuditExport.Since.ALL;
    Trust trust = new Trust();
    try {
      for (int i = 1; i < args.length; i += 2) {
        if (args[i].equals("--any-pcrs") || args[i].equals("--allow-debug")) {
          if (!verb.equals("verify")) {
            throw new IllegalArgumentException(args[i] + " is an option of verify");
          }
          if (args[i].equals("--any-pcrs")) {
            trust.anyPcrs = true;
          } else {
            trust.allowDebug = true;
          }
          i--; // a flag: no value
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + args[i] + " needs a value");
        }
        String v = args[i + 1];
        switch (args[i]) {
          case "--jdbc-url" -> url = v;
          case "--db-user" -> user = v;
          case "--db-password-file" -> password = readPassword(Path.of(v));
          case "--since" -> {
            if (!verb.equals("export")) {
              throw new IllegalArgumentException("--since is an option of export");
            }
            since = AuditExport.Since.parse(v);
          }
          case "--root", "--pcrs" -> {
            if (!verb.equals("verify")) {
              throw new IllegalArgumentException(args[i] + " is an option of verify");
            }
            if (args[i].equals("--root")) {
              trust.root = v;
            } else {
              trust.pcrs = v;
            }
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IOException e) {
      err.println("cannot read the password file: " + e.getMessage());
      return 2;
    }
    Database db;
    if (url == null || url.isBlank()) {
      db = localDefault.get();
      if (db == null) {
        err.println("no database: give --jdbc-url (or NITROSIGN_JDBC_URL), or start local mode"
            + " (./appliance local up)");
        return 2;
      }
      if (user != null && !user.isBlank()) {
        db = new Database(db.url(), user, password);
      }
    } else {
      db = new Database(url, user == null || user.isBlank() ? DEFAULT_USER : user,
          password == null ? "" : password);
    }
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      c.setReadOnly(true);
      if (verb.equals("verify")) {
        return verify(c, out, err, trust);
      }
      OutputStream buffered = new BufferedOutputStream(stdout, 1 << 16);
      new AuditExport(new ObjectMapper()).write(c, since, buffered);
      buffered.flush();
      return 0;
    } catch (SQLException e) {
      // the driver's message names the host and the reason, never the password
      err.println("cannot read audit_log at " + db.url() + " as " + db.user() + ": "
          + e.getMessage());
      return 3;
    } catch (IOException e) {
      err.println("cannot write the export: " + e.getMessage());
      return 1;
    }
  }

  /** What checkpoints are checked against: {@code --root}, {@code --pcrs}, the two flags. */
  static final class Trust {
    String root;
    String pcrs;
    boolean anyPcrs;
    boolean allowDebug;

    /** The verifier, or a usage error (message) when the options do not make one. */
    AuditCheckpointVerifier verifier() {
      if (pcrs == null && !anyPcrs) {
        throw new IllegalArgumentException("the log has enclave-signed checkpoints: give --pcrs"
            + " PCRS.json (the enclave image's measurements), or --any-pcrs to skip the image"
            + " check");
      }
      if (pcrs != null && anyPcrs) {
        throw new IllegalArgumentException("--pcrs and --any-pcrs exclude each other");
      }
      AttestationVerifier documents;
      AttestationPolicy.Builder policy = AttestationPolicy.builder().allowDebug(allowDebug);
      try {
        documents = root == null || root.equals("aws") ? AttestationVerifier.awsNitro()
            : AttestationVerifier.withRoot(AttestationVerifier.readCertificate(
                Files.readAllBytes(Path.of(root))));
      } catch (IOException | java.security.cert.CertificateException e) {
        throw new IllegalArgumentException("cannot read --root " + root + ": " + e.getMessage());
      }
      if (pcrs != null) {
        try {
          policy.allowedPcrSets(AttestationPolicy.pcrSetsFromJson(
              Files.readString(Path.of(pcrs), StandardCharsets.UTF_8)));
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read --pcrs " + pcrs + ": " + e.getMessage());
        }
      }
      return new AuditCheckpointVerifier(documents, policy.build());
    }
  }

  static int verify(Connection c, PrintStream out, PrintStream err, Trust trust)
      throws SQLException {
    AuditCheckpointVerifier checkpoints = null;
    long stored = AuditVerifier.countCheckpoints(c);
    if (stored > 0) {
      try {
        checkpoints = trust.verifier();
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return 2;
      }
    }
    int chain = verifyChain(c, out);
    if (checkpoints == null) {
      out.println("no enclave-signed checkpoints: rows rewritten and re-hashed by the database"
          + " owner would not show");
      return chain;
    }
    AuditVerifier.CheckpointReport cp = AuditVerifier.verifyCheckpoints(c, checkpoints);
    if (cp.firstBreak().isPresent()) {
      AuditVerifier.CheckpointBreak b = cp.firstBreak().get();
      out.println("audit log BROKEN: checkpoint at seq " + b.seq() + " does not match: "
          + b.explanation());
      return 1;
    }
    out.println("checkpoints intact: " + cp.checkpoints() + " signed by " + cp.keys()
        + " enclave key(s), the last at seq " + cp.lastSeq());
    for (AuditVerifier.ChainCoverage cc : cp.chains()) {
      out.println("  " + label(cc.chain()) + ": " + (cc.lastCheckpointId() == 0
          ? "no checkpoint, " + cc.rowsAfter() + " row(s) not covered by any"
          : "last checkpoint at id " + cc.lastCheckpointId() + ", " + cc.rowsAfter()
              + " row(s) after it (not yet signed by an enclave)"));
    }
    if (trust.anyPcrs) {
      out.println("WARNING: PCRs NOT CHECKED (--any-pcrs): any Nitro enclave image could have"
          + " signed these checkpoints");
    }
    return chain;
  }

  static int verifyChain(Connection c, PrintStream out) throws SQLException {
    AuditVerifier.Report r = AuditVerifier.verify(c);
    Optional<AuditVerifier.Break> first = r.firstBreak();
    if (first.isPresent()) {
      AuditVerifier.Break b = first.get();
      out.println("audit log BROKEN at row id " + b.id() + " (" + label(b.chain()) + "): "
          + b.problem().label() + ": " + b.explanation());
      if (r.breaks() > 1) {
        out.println("(" + r.breaks() + " breaks in all; the first is the one to investigate)");
      }
      out.println("checked " + r.rows() + " rows in " + r.chains().size() + " chain(s)");
      return 1;
    }
    if (r.rows() == 0) {
      out.println("audit log intact: empty");
      return 0;
    }
    out.println("audit log intact: " + r.rows() + " rows in " + r.chains().size()
        + (r.chains().size() == 1 ? " chain" : " chains") + ", ids " + r.firstId() + ".."
        + r.lastId()
        + (r.skippedIds() > 0 ? " (" + r.skippedIds() + " ids unused by rolled-back appends;"
            + " the chains link across them)" : ""));
    for (AuditVerifier.ChainSummary chain : r.chains()) {
      out.println("  " + label(chain.chain()) + ": " + chain.rows() + " rows, ids "
          + chain.firstId() + ".." + chain.lastId() + ", head "
          + HexFormat.of().formatHex(chain.head()));
    }
    return 0;
  }

  /** A chain as the output names it: {@code chain 'parent-host'}, or {@code legacy chain}. */
  static String label(String chain) {
    return chain.isEmpty() ? "legacy chain" : "chain '" + chain + "'";
  }

  private static String readPassword(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }
}
