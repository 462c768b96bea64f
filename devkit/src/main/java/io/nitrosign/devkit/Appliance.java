package io.nitrosign.devkit;

import io.nitrosign.attestation.cli.AttestationCli;
import io.nitrosign.parent.audit.AuditCli;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The {@code ./appliance} command. Exit codes: 0 success, 1 failure, 2 usage error.
 *
 * <pre>
 * ./appliance local up       start PostgreSQL, the enclave (local mode) and the parent host
 *                            ({@code --parents N}: N parent hosts, each with its enclave)
 * ./appliance local down     stop everything local up started
 * ./appliance local status   show what runs and whether it is healthy
 * ./appliance attestation verify|show ...   check an attestation document (see {@code AttestationCli})
 * ./appliance audit verify|export ...        check or export the audit log (see {@code AuditCli})
 * ./appliance jwt mint|show|authenticate ...  the devkit JWT issuer (see {@code JwtCli})
 * </pre>
 */
public final class Appliance {

  static final String USAGE = String.join("\n",
      "usage: ./appliance local up|down|status [options]",
      "       ./appliance attestation verify --doc FILE (--pcrs PCRS.json | --any-pcrs)",
      "                   [--at EPOCH_SECONDS] [--root ROOT.pem] [--nonce HEX] [--user-data HEX]",
      "                   [--allow-debug] [--json]",
      "       ./appliance attestation show --doc FILE",
      "       ./appliance wallet import [--key-file FILE|-] [--root ROOT.pem] [--pcrs PCRS.json]",
      "       ./appliance authkey new --out FILE | authkey sign --key FILE --app-id ID --url URL ...",
      "       ./appliance audit verify | audit export [--since SEQ|ISO-TIME] [--jdbc-url URL]",
      "       ./appliance jwt mint --sub ID [--expires-in S] [--alg ES256|RS256] | jwt show",
      "       ./appliance jwt authenticate --jwt JWT|- --out FILE",
      "",
      "  local up       build what is missing, start embedded PostgreSQL, the local KMS, the",
      "                 devkit JWT issuer, the enclave (local mode: simulated NSM) and the",
      "                 parent host; wait until healthy; create a demo app (its users",
      "                 authenticate with the devkit issuer); write its credentials to",
      "                 .local/stack.env; a supervisor restarts any of these processes",
      "                 that dies (back-off 250 ms doubling to 30 s); with --parents N, N parent",
      "                 hosts, each with its own enclave, on the one PostgreSQL and KMS",
      "  local down     stop everything local up started (data under .local/ is kept)",
      "  local status   show each process, its restarts and each parent host's health",
      "",
      "options (or environment variables):",
      "  --home DIR         state directory (NITROSIGN_HOME, default <repo>/.local)",
      "  --http-port N      parent host API port (NITROSIGN_HTTP_PORT, default 8080)",
      "  --admin-port N     parent host admin port (NITROSIGN_ADMIN_PORT, default 8081)",
      "  --pg-port N        embedded PostgreSQL port (NITROSIGN_PG_PORT, default 54329)",
      "  --kms-port N       local KMS port (NITROSIGN_KMS_PORT, default 54330)",
      "  --jwt-port N       devkit JWT issuer's HTTPS port (NITROSIGN_JWT_PORT, default 54331)",
      "  --parents N        parent hosts to run, 1 to " + LocalStack.MAX_PARENTS
          + " (NITROSIGN_PARENTS, default 1); host i",
      "                     listens on the API and admin ports plus 10 (i - 1): 8090/8091,",
      "                     8100/8101, 8110/8111 with the defaults; stack.env lists them all",
      "",
      "  attestation verify   verify a Nitro attestation document (COSE signature, chain to the",
      "                       pinned AWS root or --root, validity at --at, PCRs, debug, nonce);",
      "                       --pcrs (each set must include PCR0) or --any-pcrs is required",
      "                       exit 0 valid, 1 invalid, 2 usage error",
      "  attestation show     print a document's fields WITHOUT verifying them (UNVERIFIED)",
      "  wallet import        import a private key (hex) into the enclave: verifies the enclave's",
      "                       attestation, then encrypts the key to it (HPKE); the parent host",
      "                       never sees it",
      "  authkey new|sign     make a P-256 authorization key; sign a request for an owned wallet",
      "                       (privy-authorization-signature, as Privy's SDK signs)",
      "  audit verify         check the audit log's whole hash chain and the enclave-signed",
      "                       checkpoints (local mode: against .local/nsm/root.pem and pcrs.json);",
      "                       exit 1 naming the first bad row or checkpoint (./appliance audit",
      "                       --help for export, --root/--pcrs and database options)",
      "  jwt mint             a JWT of the devkit issuer for a user (custom_user_id ID);",
      "                       jwt authenticate exchanges one for a session key (as the SDK does)",
      "  (docs/attestation.md explains what each check means and how to do it by hand)");

  private Appliance() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Deque<String> a = new ArrayDeque<>(List.of(args));
    if (a.isEmpty() || a.peek().equals("--help") || a.peek().equals("-h")) {
      out.println(USAGE);
      return a.isEmpty() ? 2 : 0;
    }
    String group = a.poll();
    if (group.equals("attestation")) {
      return AttestationCli.run(a.toArray(String[]::new), out, err);
    }
    if (group.equals("audit")) {
      Path repo = Path.of(System.getProperty("nitrosign.repo", ".")).toAbsolutePath().normalize();
      Path home = Path.of(env("NITROSIGN_HOME", repo.resolve(".local").toString()));
      return AuditCli.run(withLocalTrust(List.copyOf(a), System.getenv(), home),
          System.getenv(), () -> localDatabase(home), out, err);
    }
    if (group.equals("jwt")) {
      Path repo = Path.of(System.getProperty("nitrosign.repo", ".")).toAbsolutePath().normalize();
      Path home = Path.of(env("NITROSIGN_HOME", repo.resolve(".local").toString()));
      return JwtCli.run(a.toArray(String[]::new), home, System.in, out, err);
    }
    if (group.equals("authkey")) {
      return AuthKeyCli.run(a.toArray(String[]::new), System.in, out, err);
    }
    if (group.equals("wallet")) {
      if (a.isEmpty() || !a.poll().equals("import")) {
        err.println(WalletImportCli.USAGE);
        return 2;
      }
      Path repo = Path.of(System.getProperty("nitrosign.repo", ".")).toAbsolutePath().normalize();
      Path home = Path.of(env("NITROSIGN_HOME", repo.resolve(".local").toString()));
      return WalletImportCli.run(a.toArray(String[]::new), home, System.in, out, err);
    }
    if (!group.equals("local") || a.isEmpty()) {
      err.println("unknown command: " + String.join(" ", args));
      err.println(USAGE);
      return 2;
    }
    String verb = a.poll();
    Path repo = Path.of(System.getProperty("nitrosign.repo", ".")).toAbsolutePath().normalize();
    String home = env("NITROSIGN_HOME", repo.resolve(".local").toString());
    int http = intEnv("NITROSIGN_HTTP_PORT", 8080);
    int admin = intEnv("NITROSIGN_ADMIN_PORT", 8081);
    int pg = intEnv("NITROSIGN_PG_PORT", 54329);
    int kmsPort = intEnv("NITROSIGN_KMS_PORT", 54330);
    int jwtPort = intEnv("NITROSIGN_JWT_PORT", 54331);
    int parents;
    try {
      parents = parents(env("NITROSIGN_PARENTS", "1"));
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    try {
      while (!a.isEmpty()) {
        String opt = a.poll();
        String val = a.poll();
        if (val == null) {
          throw new IllegalArgumentException("option " + opt + " needs a value");
        }
        switch (opt) {
          case "--home" -> home = val;
          case "--http-port" -> http = port(val);
          case "--admin-port" -> admin = port(val);
          case "--pg-port" -> pg = port(val);
          case "--kms-port" -> kmsPort = port(val);
          case "--jwt-port" -> jwtPort = port(val);
          case "--parents" -> parents = parents(val);
          default -> throw new IllegalArgumentException("unknown option " + opt);
        }
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    LocalStack stack = new LocalStack(new LocalStack.Settings(
        Path.of(home).toAbsolutePath().normalize(), http, admin, pg, kmsPort, jwtPort,
        new JavaProgram(repo.resolve("devkit/target/devkit.jar").toString(),
            JavaProgram.POSTGRES_MAIN),
        new JavaProgram(repo.resolve("enclave-app/target/enclave-app.jar").toString(),
            JavaProgram.ENCLAVE_MAIN),
        new JavaProgram(repo.resolve("parent-host/target/parent-host.jar").toString(),
            JavaProgram.PARENT_MAIN)), out).supervised().parents(parents);
    try {
      switch (verb) {
        case "up" -> {
          for (String jar : List.of("devkit/target/devkit.jar",
              "enclave-app/target/enclave-app.jar", "parent-host/target/parent-host.jar")) {
            if (!Files.exists(repo.resolve(jar))) {
              err.println("missing " + jar + ": build first (./appliance does this for you)");
              return 1;
            }
          }
          Map<String, String> env = stack.up();
          out.println();
          out.println("The appliance is running (LOCAL MODE: simulated NSM and local KMS, not for real funds).");
          out.println("  BASE_URL   " + env.get("BASE_URL"));
          for (LocalStack.Host h : stack.extraHosts()) {
            out.println("  BASE_URL_" + h.name().toUpperCase(java.util.Locale.ROOT)
                .replaceAll("[^A-Z0-9]", "_") + " " + h.baseUrl() + " (parent host " + h.name()
                + ", admin " + h.adminUrl() + ")");
          }
          out.println("  APP_ID     " + env.get("APP_ID"));
          out.println("  APP_SECRET " + env.get("APP_SECRET"));
          out.println("Written to " + stack.stackEnv() + " (source it: set -a; . "
              + stack.stackEnv() + "; set +a)");
          out.println("Logs in " + stack.home().resolve("logs") + "; stop with ./appliance local down");
          return 0;
        }
        case "down" -> {
          stack.down();
          return 0;
        }
        case "status" -> {
          return stack.status() ? 0 : 1;
        }
        default -> {
          err.println("unknown command: local " + verb);
          err.println(USAGE);
          return 2;
        }
      }
    } catch (LocalStack.StackException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (java.io.IOException e) {
      err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return 1;
    }
  }

  /**
   * {@code audit verify} against local mode's database checks checkpoints against local mode's
   * simulated NSM: unless the operator named a database or a root, {@code --root
   * home/nsm/root.pem --pcrs home/nsm/pcrs.json} are added (when those files exist).
   */
  static String[] withLocalTrust(List<String> args, java.util.Map<String, String> env,
      Path home) {
    List<String> out = new java.util.ArrayList<>(args);
    String url = env.get("NITROSIGN_JDBC_URL");
    boolean localDb = !args.contains("--jdbc-url") && (url == null || url.isBlank());
    Path root = home.resolve("nsm").resolve("root.pem");
    Path pcrs = home.resolve("nsm").resolve("pcrs.json");
    if (!args.isEmpty() && args.get(0).equals("verify") && localDb && !args.contains("--root")
        && Files.exists(root)) {
      out.addAll(List.of("--root", root.toString()));
      if (!args.contains("--pcrs") && !args.contains("--any-pcrs") && Files.exists(pcrs)) {
        out.addAll(List.of("--pcrs", pcrs.toString()));
      }
    }
    return out.toArray(String[]::new);
  }

  /**
   * Local mode's database for {@code audit}: the URL {@code local up} wrote into the parent host's
   * configuration, as the service role (read access to audit_log is all the commands need), or
   * null when there is no local stack in {@code home}.
   */
  static AuditCli.Database localDatabase(Path home) {
    try {
      Path config = home.resolve("parent-host.yml");
      Path password = home.resolve("db-service-password");
      if (!Files.exists(config) || !Files.exists(password)) {
        return null;
      }
      String url = null;
      for (String line : Files.readAllLines(config)) {
        String t = line.strip();
        if (t.startsWith("url: jdbc:")) {
          url = t.substring("url: ".length()).strip();
          break;
        }
      }
      return url == null ? null
          : new AuditCli.Database(url, LocalStack.SERVICE_ROLE, Files.readString(password).strip());
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }

  private static int intEnv(String name, int dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : port(v);
  }

  private static int parents(String v) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1 && n <= LocalStack.MAX_PARENTS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("--parents must be a number from 1 to "
        + LocalStack.MAX_PARENTS + ": " + v);
  }

  private static int port(String v) {
    try {
      int p = Integer.parseInt(v.trim());
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a port number: " + v);
    }
  }
}
