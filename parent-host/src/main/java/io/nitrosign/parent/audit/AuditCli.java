package io.nitrosign.parent.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
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
      "usage: ./appliance audit verify [DATABASE OPTIONS]",
      "       ./appliance audit export [--since SEQ|ISO-TIME] [DATABASE OPTIONS]",
      "  verify   walks the whole hash chain of audit_log (streaming); exit 0 intact, 1 broken",
      "           (names the first bad row: prev_hash mismatch, row_hash mismatch or gap),",
      "           3 database unreachable",
      "  export   prints one JSON object per row (seq, at, action, app_id, wallet_id, method,",
      "           outcome, error_code, idempotency_key, signature, policy, detail, hash,",
      "           prev_hash); --since 1234 prints the rows after seq 1234, --since",
      "           2025-01-31T00:00:00Z the rows at or after that time",
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
    try {
      for (int i = 1; i < args.length; i += 2) {
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
        return verify(c, out);
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

  static int verify(Connection c, PrintStream out) throws SQLException {
    AuditVerifier.Report r = AuditVerifier.verify(c);
    Optional<AuditVerifier.Break> first = r.firstBreak();
    if (first.isPresent()) {
      AuditVerifier.Break b = first.get();
      out.println("audit log BROKEN at row id " + b.id() + ": " + b.problem().label() + ": "
          + b.explanation());
      if (r.breaks() > 1) {
        out.println("(" + r.breaks() + " breaks in all; the first is the one to investigate)");
      }
      out.println("checked " + r.rows() + " rows");
      return 1;
    }
    if (r.rows() == 0) {
      out.println("audit log intact: empty");
      return 0;
    }
    out.println("audit log intact: " + r.rows() + " rows, ids " + r.firstId() + ".." + r.lastId()
        + (r.skippedIds() > 0 ? " (" + r.skippedIds() + " ids unused by rolled-back appends;"
            + " the chain links across them)" : "")
        + ", head " + HexFormat.of().formatHex(r.head()));
    return 0;
  }

  private static String readPassword(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }
}
