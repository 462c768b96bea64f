package io.nitrosign.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.devkit.jwt.DevIssuer;
import io.nitrosign.devkit.jwt.DevIssuerServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole system on one machine: an embedded PostgreSQL server, the enclave process (local mode)
 * and the parent host, each a separate OS process, with state kept under one home directory
 * (by default {@code .local/} in the repository).
 *
 * <pre>
 * home/pg/               PostgreSQL data directory (kept across restarts)
 * home/nsm/              the simulated NSM's root CA (root.pem, root.key) and pcrs.json
 * home/kms/              the local KMS: its keys (keys.json), the enclave's key ids, its secret
 * home/jwt/              the devkit JWT issuer: TLS CA and server certificate, ES256 and RS256 keys
 * home/run/              pid files, the enclave's AF_UNIX socket
 * home/logs/             one log per process
 * home/parent-host.yml   the parent host's configuration, written by {@code up}
 * home/stack.env         BASE_URL, ADMIN_URL, ADMIN_TASK_TOKEN, APP_ID, APP_SECRET of the demo app,
 *                        and every parent host's URLs (BASE_URLS, BASE_URL_2, ...)
 * home/run/hosts         the further parent hosts (name, API port, admin port), one a line
 * </pre>
 *
 * <p>Several parent hosts ({@link #parents}): host 1 is the stack's own; host {@code i} (2 to
 * {@link #MAX_PARENTS}) is named {@code i}, runs processes {@code enclave-i} and
 * {@code parent-host-i} and listens on {@link #hostPort the first host's ports plus
 * 10 (i - 1)}. All share the one PostgreSQL, KMS and JWT issuer, as instances of a deployment
 * share one database.
 */
public final class LocalStack {

  /**
   * Ports and programs of one local stack.
   *
   * @param jwtPort the devkit JWT issuer's HTTPS port; 0 lets it pick a free one (the enclave is
   *     told the port it actually listens on)
   */
  public record Settings(Path home, int httpPort, int adminPort, int pgPort, int kmsPort,
      int jwtPort, JavaProgram postgres, JavaProgram enclave, JavaProgram parent) {

    /** A stack whose JWT issuer listens on any free port. */
    public Settings(Path home, int httpPort, int adminPort, int pgPort, int kmsPort,
        JavaProgram postgres, JavaProgram enclave, JavaProgram parent) {
      this(home, httpPort, adminPort, pgPort, kmsPort, 0, postgres, enclave, parent);
    }

    /** The local KMS runs from the devkit's class path, like the PostgreSQL daemon. */
    JavaProgram kms() {
      return new JavaProgram(postgres.classPath(), JavaProgram.KMS_MAIN);
    }

    /** The devkit JWT issuer too. */
    JavaProgram jwtIssuer() {
      return new JavaProgram(postgres.classPath(), JavaProgram.JWT_ISSUER_MAIN);
    }

    /** The simulated NSM's CA tool runs from the enclave's class path (PCR0 measures it). */
    JavaProgram nsmCa() {
      return new JavaProgram(enclave.classPath(), JavaProgram.NSM_CA_MAIN);
    }
  }

  /** The region the local KMS and the enclave agree on. */
  static final String REGION = "us-east-1";
  /** The local KMS's access key id (not a secret; the secret is generated per home). */
  static final String KMS_ACCESS_KEY_ID = "NITROSIGNLOCALKMS";
  static final String KMS_SECRET_ENV = "NITROSIGN_LOCAL_KMS_SECRET";
  static final String ADMIN_TOKEN_ENV = "NITROSIGN_ADMIN_TASK_TOKEN";
  /** The parent host's database role (no DDL; INSERT/SELECT on audit_log) and its password. */
  static final String SERVICE_ROLE = "nitrosign_service";
  static final String SERVICE_PASSWORD_ENV = "NITROSIGN_DB_SERVICE_PASSWORD";

  /** At most this many parent hosts ({@link #parents}). */
  public static final int MAX_PARENTS = 4;
  /** Host {@code i}'s ports are the first host's plus this times {@code i - 1}. */
  public static final int HOST_PORT_STEP = 10;
  private static final String HOSTS_FILE = "hosts";

  private static final String DATABASE = "nitrosign";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final Settings s;
  private final PrintStream out;
  private final ManagedProcess postgres;
  private final ManagedProcess enclave;
  private final ManagedProcess parent;
  private final ManagedProcess kms;
  private final ManagedProcess jwtIssuer;
  /** Local mode's supervisor ({@link Supervisor}), when {@link #supervised} asked for one. */
  private final ManagedProcess supervisor;
  private boolean supervise;
  /** How many parent hosts {@link #up} runs (1 to {@link #MAX_PARENTS}). */
  private int parents = 1;
  /** Further parent hosts with their enclaves ({@link #startExtraHost}), stopped first by down. */
  private final List<ManagedProcess> extras = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  /** Extra JVM options of the parent host ({@link #restartParent(List)}). */
  private List<String> parentJvmOptions = List.of();

  public LocalStack(Settings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
    Path run = settings.home().resolve("run");
    Path logs = settings.home().resolve("logs");
    this.postgres = new ManagedProcess("postgres", run, logs);
    this.enclave = new ManagedProcess("enclave", run, logs);
    this.parent = new ManagedProcess("parent-host", run, logs);
    this.kms = new ManagedProcess("kms", run, logs);
    this.jwtIssuer = new ManagedProcess("jwt-issuer", run, logs);
    this.supervisor = new ManagedProcess("supervisor", run, logs);
  }

  /**
   * Makes {@link #up} start the supervisor ({@link Supervisor}), which restarts any of the
   * stack's processes that dies, with back-off, until {@link #down}. {@code ./appliance local up}
   * always does; tests that stop parts of a stack on purpose may leave it off.
   */
  public LocalStack supervised() {
    this.supervise = true;
    return this;
  }

  /**
   * Makes {@link #up} run {@code n} parent hosts, each with its own enclave, on the one
   * PostgreSQL, KMS and JWT issuer ({@code ./appliance local up --parents N}). Host {@code i > 1}
   * is started as {@link #startExtraHost startExtraHost("i", hostPort(httpPort, i),
   * hostPort(adminPort, i))}.
   */
  public LocalStack parents(int n) {
    if (n < 1 || n > MAX_PARENTS) {
      throw new IllegalArgumentException("parents must be 1 to " + MAX_PARENTS + ": " + n);
    }
    this.parents = n;
    return this;
  }

  /**
   * Host {@code i}'s port (1-based) for the first host's {@code port}: {@code port + 10 (i - 1)};
   * with the defaults host 2 listens on 8090 (admin 8091), host 3 on 8100 (8101), host 4 on 8110
   * (8111).
   */
  public static int hostPort(int port, int host) {
    return port + HOST_PORT_STEP * (host - 1);
  }

  public Path home() {
    return s.home();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + s.httpPort();
  }

  public String adminUrl() {
    return "http://127.0.0.1:" + s.adminPort();
  }

  public Path enclaveSocket() {
    return s.home().resolve("run").resolve("enclave.sock");
  }

  public Path stackEnv() {
    return s.home().resolve("stack.env");
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + s.pgPort() + "/" + DATABASE;
  }

  /**
   * Starts whatever is not running yet, waits until the parent host reports healthy, makes sure a
   * demo app exists, and writes {@code stack.env}. Returns the stack's environment.
   */
  public Map<String, String> up() throws IOException {
    Files.createDirectories(s.home());
    if (Files.exists(s.home().resolve("enclave").resolve("local-dev-sealing-keys.bin"))) {
      throw new StackException(s.home() + " was made by an older version that kept sealing keys"
          + " in a local file; its wallets cannot be opened by the KMS-sealed enclave. Run"
          + " ./appliance local down, remove " + s.home() + ", and run up again.");
    }
    for (String dir : List.of("pg", "nsm", "kms", "run", "logs")) {
      Files.createDirectories(s.home().resolve(dir));
    }
    startPostgres();
    startKmsAndKeys();
    startJwtIssuer();
    startEnclave();
    startParent();
    waitHealthy();
    for (int i = 2; i <= parents; i++) {
      startExtraHost(Integer.toString(i), hostPort(s.httpPort(), i), hostPort(s.adminPort(), i));
    }
    Map<String, String> env = ensureDemoApp();
    writeStackEnv(env);
    if (supervise) {
      startSupervisor();
    }
    return env;
  }

  private void startSupervisor() throws IOException {
    if (supervisor.running().isPresent()) {
      out.println("supervisor   already running (pid " + supervisor.running().get().pid() + ")");
      return;
    }
    List<String> names = new ArrayList<>(List.of(postgres.name(), kms.name(), jwtIssuer.name(),
        enclave.name(), parent.name()));
    extras.forEach(p -> names.add(p.name()));
    List<String> args = new ArrayList<>(List.of(s.home().resolve("run").toString(),
        s.home().resolve("logs").toString()));
    args.addAll(names);
    supervisor.start(new JavaProgram(s.postgres().classPath(), JavaProgram.SUPERVISOR_MAIN)
        .command(List.of("-Xmx64m"), args), s.home());
    out.println("supervisor   restarts " + String.join(", ", names)
        + " when one dies (back-off " + Supervisor.FIRST_DELAY.toMillis() + " ms doubling to "
        + Supervisor.MAX_DELAY.toSeconds() + " s)");
  }

  /** Restarts per process, as the supervisor recorded them (empty without a supervisor). */
  public Map<String, Supervisor.Restarts> restarts() {
    return Supervisor.readState(s.home().resolve("run"));
  }

  /** The supervisor process, if running. */
  public Optional<ProcessHandle> supervisorProcess() {
    return supervisor.running();
  }

  /** The PostgreSQL launcher process (LocalPostgresMain), if running. */
  public Optional<ProcessHandle> postgresProcess() {
    return postgres.running();
  }

  /** Files holding the secrets {@code names} (environment variables) stand for. */
  private Map<String, Path> secrets(String... names) throws IOException {
    Map<String, Path> m = new LinkedHashMap<>();
    for (String n : names) {
      switch (n) {
        case KMS_SECRET_ENV -> {
          kmsSecret();
          m.put(n, kmsDir().resolve("access-secret"));
        }
        case ADMIN_TOKEN_ENV -> {
          adminTaskToken();
          m.put(n, s.home().resolve("admin-task-token"));
        }
        case SERVICE_PASSWORD_ENV -> {
          servicePassword();
          m.put(n, s.home().resolve("db-service-password"));
        }
        default -> throw new IllegalArgumentException(n);
      }
    }
    return m;
  }

  /**
   * Starts only PostgreSQL (a new data directory gets the database and the service role), as
   * the first step of a restore: the dump goes into it before {@link #up} starts the rest.
   */
  public void startDatabase() throws IOException {
    for (String dir : List.of("pg", "run", "logs")) {
      Files.createDirectories(s.home().resolve(dir));
    }
    startPostgres();
  }

  private void startPostgres() throws IOException {
    if (postgres.running().isPresent()) {
      out.println("postgres     already running (pid " + postgres.running().get().pid() + ")");
      return;
    }
    requirePortFree(s.pgPort(), "PostgreSQL");
    Path ready = s.home().resolve("run").resolve("postgres.ready");
    Files.deleteIfExists(ready);
    out.println("postgres     starting on 127.0.0.1:" + s.pgPort() + " (data in "
        + s.home().resolve("pg") + ")");
    // durable (fsync, synchronous commit) unless the JVM says it runs tests that do not test
    // durability (devkit's surefire sets nitrosign.pg.fast)
    String durability = Boolean.getBoolean("nitrosign.pg.fast") ? "fast" : "durable";
    postgres.startSupervisable(s.postgres().command(List.of("-Xmx256m"), List.of(
        s.home().resolve("pg").toString(), Integer.toString(s.pgPort()), DATABASE,
        ready.toString(), durability)), s.home(), secrets(SERVICE_PASSWORD_ENV), List.of(ready));
    waitFor(postgres, () -> Files.exists(ready), "PostgreSQL to accept connections");
  }

  private void startEnclave() throws IOException {
    if (enclave.running().isPresent()) {
      out.println("enclave      already running (pid " + enclave.running().get().pid() + ")");
      return;
    }
    startEnclave(enclave, enclaveSocket(), baseUrl());
  }

  /** Starts {@code process} as a local-mode enclave listening on {@code socket}. */
  private void startEnclave(ManagedProcess process, Path socket, String publicBaseUrl)
      throws IOException {
    Files.deleteIfExists(socket);
    JsonNode keys = json.readTree(Files.readString(enclaveKeysFile(), StandardCharsets.UTF_8));
    out.printf("%-12s starting in LOCAL MODE (simulated NSM, local KMS) on unix:%s%n",
        process.name(), socket);
    process.startSupervisable(s.enclave().command(List.of("-Xmx512m"), List.of(
        "--listen", "unix:" + socket,
        "--local-mode",
        "--nsm", "simulated",
        "--simulated-nsm-ca", nsmDir().toString(),
        "--kms-auth-key-id", keys.get("auth").get("Arn").asText(),
        "--kms-exec-key-id", keys.get("exec").get("Arn").asText(),
        "--kms-region", REGION,
        // the local KMS's key ARNs are full ARNs in this account and region, as the enclave
        // requires; the deployment id goes into every data key's encryption context
        "--kms-account-id", io.nitrosign.devkit.kms.LocalKeyStore.ACCOUNT,
        "--deployment-id", "local",
        "--kms-endpoint", kmsUrl(),
        "--public-base-url", publicBaseUrl,
        // the devkit issuer's JWKS, fetched by the enclave itself over TLS trusting only the
        // issuer's own CA (in AWS: the identity provider's URL, through a vsock-proxy)
        "--jwt-issuer", "issuer=" + DevIssuer.ISSUER + ",audience=" + DevIssuer.AUDIENCE
            + ",jwks=" + jwksUrl(),
        "--jwt-trust-roots", jwtDir().resolve("ca.pem").toString(),
        "--export-quorum", "1:" + exportQuorumPublicKey())), s.home(), Map.of(),
        List.of(socket));
    waitFor(process, () -> Files.exists(socket), "the enclave socket");
  }

  /**
   * Starts one more parent host, with an enclave of its own, on this stack's PostgreSQL and KMS
   * (as a deployment runs several instances on one database), and waits until it is healthy.
   * Returns its base URL. Only what is not running yet is started (a host whose processes both
   * run is left as it is). The host is recorded in {@code run/hosts}, so {@link #status} and
   * {@link #down} (of this or a later JVM) find it, and in {@code stack.env} when that exists
   * ({@code BASE_URL_NAME}, {@code ADMIN_URL_NAME}, and {@code BASE_URLS}); the supervisor, when
   * one runs, restarts its processes like the first host's.
   */
  public String startExtraHost(String name, int httpPort, int adminPort) throws IOException {
    if (!name.matches("[a-z0-9][a-z0-9_-]{0,30}")) {
      throw new IllegalArgumentException("host names are [a-z0-9][a-z0-9_-]*: " + name);
    }
    Host host = new Host(name, httpPort, adminPort);
    ManagedProcess extraEnclave = extraProcess(host.enclaveName());
    ManagedProcess extraParent = extraProcess(host.parentName());
    recordHost(host);
    String base = host.baseUrl();
    if (extraEnclave.running().isPresent()) {
      out.printf("%-12s already running (pid %d)%n", extraEnclave.name(),
          extraEnclave.running().get().pid());
    } else {
      startEnclave(extraEnclave, host.socket(s.home()), base);
    }
    if (extraParent.running().isPresent()) {
      out.printf("%-12s already running (pid %d)%n", extraParent.name(),
          extraParent.running().get().pid());
    } else {
      requirePortFree(httpPort, "parent host " + name + "'s API");
      requirePortFree(adminPort, "parent host " + name + "'s admin port");
      Path config = writeParentConfig(s.home().resolve(host.parentName() + ".yml"), httpPort,
          adminPort, host.socket(s.home()), host.parentName());
      out.printf("%-12s starting on %s (admin %s)%n", extraParent.name(), base, host.adminUrl());
      extraParent.startSupervisable(s.parent().command(List.of("-Xmx512m"),
          List.of("server", config.toString())), s.home(),
          secrets(KMS_SECRET_ENV, ADMIN_TOKEN_ENV, SERVICE_PASSWORD_ENV), List.of());
    }
    Instant until = Instant.now().plus(START_TIMEOUT);
    while (!healthy(host.adminUrl())) {
      for (ManagedProcess p : List.of(extraEnclave, extraParent)) {
        if (p.running().isEmpty()) {
          throw new StackException(p.name() + " exited during start-up; last log lines ("
              + p.logFile() + "):\n" + p.logTail(30));
        }
      }
      if (Instant.now().isAfter(until)) {
        throw new StackException("parent host " + name + " did not become healthy; see "
            + extraParent.logFile());
      }
      ManagedProcess.sleep(500);
    }
    if (Files.exists(stackEnv())) {
      Map<String, String> env = readStackEnv();
      if (env.containsKey("APP_ID") && env.containsKey("APP_SECRET")) {
        writeStackEnv(env(env.get("APP_ID"), env.get("APP_SECRET")));
      }
    }
    return base;
  }

  /**
   * A further parent host: {@code parent-host-NAME} with {@code enclave-NAME} on socket
   * {@code run/enclave-NAME.sock}.
   */
  public record Host(String name, int httpPort, int adminPort) {
    public String enclaveName() {
      return "enclave-" + name;
    }

    public String parentName() {
      return "parent-host-" + name;
    }

    public String baseUrl() {
      return "http://127.0.0.1:" + httpPort;
    }

    public String adminUrl() {
      return "http://127.0.0.1:" + adminPort;
    }

    Path socket(Path home) {
      return home.resolve("run").resolve(enclaveName() + ".sock");
    }

    /** The suffix of its {@code stack.env} keys: {@code BASE_URL_2}, {@code BASE_URL_B}. */
    String envSuffix() {
      return name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
  }

  /**
   * The further parent hosts recorded in {@code run/hosts} (by {@link #startExtraHost} of this
   * or an earlier JVM), in the order they were first started.
   */
  public List<Host> extraHosts() {
    List<Host> hosts = new ArrayList<>();
    Path file = s.home().resolve("run").resolve(HOSTS_FILE);
    try {
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          String[] f = line.trim().split("\\s+");
          if (f.length == 3) {
            hosts.add(new Host(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2])));
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unreadable: no further hosts known
    }
    return hosts;
  }

  private void recordHost(Host host) throws IOException {
    List<Host> hosts = new ArrayList<>(extraHosts());
    int at = -1;
    for (int i = 0; i < hosts.size(); i++) {
      if (hosts.get(i).name().equals(host.name())) {
        at = i;
      }
    }
    if (at >= 0) {
      hosts.set(at, host); // a host keeps its place, with the ports it was started with now
    } else {
      hosts.add(host);
    }
    StringBuilder sb = new StringBuilder();
    for (Host h : hosts) {
      sb.append(h.name()).append(' ').append(h.httpPort()).append(' ').append(h.adminPort())
          .append('\n');
    }
    Files.createDirectories(s.home().resolve("run"));
    Files.writeString(s.home().resolve("run").resolve(HOSTS_FILE), sb.toString(),
        StandardCharsets.UTF_8);
  }

  /** The process {@code name} of a further host, made once per stack object. */
  private ManagedProcess extraProcess(String name) {
    for (ManagedProcess p : extras) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    ManagedProcess p = new ManagedProcess(name, s.home().resolve("run"),
        s.home().resolve("logs"));
    extras.add(0, p); // down stops the last started first
    return p;
  }

  /** The parent host process of further host {@code name}, if running. */
  public Optional<ProcessHandle> parentProcess(String name) {
    return extraProcess("parent-host-" + name).running();
  }

  /** The enclave process of further host {@code name}, if running. */
  public Optional<ProcessHandle> enclaveProcess(String name) {
    return extraProcess("enclave-" + name).running();
  }

  private void startParent() throws IOException {
    if (parent.running().isPresent()) {
      out.println("parent-host  already running (pid " + parent.running().get().pid() + ")");
      return;
    }
    requirePortFree(s.httpPort(), "the parent host's API");
    requirePortFree(s.adminPort(), "the parent host's admin port");
    Path config = writeParentConfig();
    out.println("parent-host  starting on " + baseUrl() + " (admin " + adminUrl() + ")");
    List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
    jvm.addAll(parentJvmOptions);
    parent.startSupervisable(s.parent().command(jvm,
        List.of("server", config.toString())), s.home(),
        secrets(KMS_SECRET_ENV, ADMIN_TOKEN_ENV, SERVICE_PASSWORD_ENV), List.of());
  }

  /** Writes the parent host's configuration for this stack. */
  public Path writeParentConfig() throws IOException {
    return writeParentConfig(s.home().resolve("parent-host.yml"), s.httpPort(), s.adminPort(),
        enclaveSocket(), "parent-host");
  }

  /**
   * {@code auditChain}: the audit hash chain the host appends to, its process name
   * ({@code parent-host}, {@code parent-host-2}, ...): every host of one machine has a chain of its
   * own, as every EC2 instance has (its hostname) in production.
   */
  private Path writeParentConfig(Path config, int httpPort, int adminPort, Path socket,
      String auditChain) throws IOException {
    String base = "http://127.0.0.1:" + httpPort;
    String yaml = String.join("\n",
        "# Written by ./appliance local up; edits are overwritten.",
        "server:",
        "  applicationConnectors:",
        "    - type: http",
        "      bindHost: 127.0.0.1",
        "      port: " + httpPort,
        "  adminConnectors:",
        "    - type: http",
        "      bindHost: 127.0.0.1",
        "      port: " + adminPort,
        "# the service's role: DML only, INSERT/SELECT on audit_log (LocalPostgresMain creates it)",
        "database:",
        "  driverClass: org.postgresql.Driver",
        "  url: " + jdbcUrl(),
        "  user: " + SERVICE_ROLE,
        "  password: ${" + SERVICE_PASSWORD_ENV + "}",
        "  # after a PostgreSQL restart every pooled connection is dead: each is checked (SELECT 1)",
        "  # when borrowed unless it was checked within validationInterval, so dead ones are",
        "  # replaced before use. 1 s is shorter than any restart (supervisor back-off, start-up),",
        "  # so no connection checked before the crash skips the check after it. (Dropwizard's",
        "  # default, 30 s without the check on borrow, kept the API failing ~20 s after a restart.)",
        "  checkConnectionOnBorrow: true",
        "  validationInterval: 1s",
        "# the owner, for the migrations only",
        "migrationDatabase:",
        "  driverClass: org.postgresql.Driver",
        "  url: " + jdbcUrl(),
        "  user: postgres",
        "  password: \"\"",
        "publicBaseUrl: " + base,
        "# this host's audit hash chain (production: the hostname); one per host",
        "audit:",
        "  chain: " + auditChain,
        "admin:",
        "  # bearer token for POST http://127.0.0.1:" + adminPort
            + "/tasks/NAME (ADMIN_TASK_TOKEN in stack.env)",
        "  taskToken: ${" + ADMIN_TOKEN_ENV + ":-}",
        "enclave:",
        "  address: unix:" + socket,
        "  # a restarted enclave is reached within 250 ms of its socket appearing (the client's",
        "  # reconnect back-off, 50 ms doubling, stops growing here; the default 1 s)",
        "  reconnectMaxBackoff: 250ms",
        "  # the breaker opened by the dead enclave probes it every 500 ms (default 1 s)",
        "  circuitBreakerOpen: 500ms",
        "sealing:",
        "  # the local KMS's key pair; in AWS: credentials: instance-role (IMDSv2)",
        "  credentials: static",
        "  accessKeyId: " + KMS_ACCESS_KEY_ID,
        "  secretAccessKey: ${" + KMS_SECRET_ENV + "}",
        "  # how soon a restarted (sealed) enclave is unsealed again (default 2 s)",
        "  checkInterval: 500ms",
        "logging:",
        "  level: INFO",
        "");
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    return config;
  }

  private void waitHealthy() {
    out.print("waiting for the parent host to report healthy ");
    Instant until = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(until)) {
      for (ManagedProcess p : List.of(postgres, kms, jwtIssuer, enclave, parent)) {
        if (p.running().isEmpty()) {
          out.println();
          throw new StackException(p.name() + " exited during start-up; last log lines ("
              + p.logFile() + "):\n" + p.logTail(30));
        }
      }
      if (healthy()) {
        out.println(" ok");
        return;
      }
      out.print(".");
      out.flush();
      ManagedProcess.sleep(500);
    }
    out.println();
    throw new StackException("the parent host did not become healthy within "
        + START_TIMEOUT.toSeconds() + " s; see " + parent.logFile());
  }

  /** True when the parent host's admin health check (database and enclave) passes. */
  public boolean healthy() {
    return healthy(adminUrl());
  }

  private boolean healthy(String adminUrl) {
    return statusOf(HttpRequest.newBuilder(URI.create(adminUrl + "/healthcheck"))
        .timeout(Duration.ofSeconds(3)).build()) == 200;
  }

  /** The HTTP status of a request, or -1 when nothing answered. */
  private int statusOf(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private Map<String, String> ensureDemoApp() throws IOException {
    Map<String, String> existing = readStackEnv();
    if (existing.containsKey("APP_ID") && existing.containsKey("APP_SECRET")
        && credentialsWork(existing.get("APP_ID"), existing.get("APP_SECRET"))) {
      out.println("demo app     reusing " + existing.get("APP_ID"));
      // a demo app made before the devkit issuer existed gets it now (same value: no change)
      setAppJwtIssuer(existing.get("APP_ID"));
      return env(existing.get("APP_ID"), existing.get("APP_SECRET"));
    }
    out.println("demo app     creating (users authenticate with the devkit JWT issuer)");
    JsonNode app = createApp("demo", "--jwt-issuer", DevIssuer.ISSUER);
    return env(app.get("app_id").asText(), app.get("app_secret").asText());
  }

  /** Runs the parent host's {@code create-app} command against this stack's database. */
  public JsonNode createApp(String name, String... flags) throws IOException {
    Path config = writeParentConfig();
    Path outFile = s.home().resolve("run").resolve("create-app.out");
    List<String> cmd = s.parent().command(List.of("-Xmx256m"),
        java.util.stream.Stream.concat(java.util.stream.Stream.of("create-app", "--name", name),
            java.util.stream.Stream.concat(java.util.Arrays.stream(flags),
                java.util.stream.Stream.of(config.toString()))).toList());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put(KMS_SECRET_ENV, kmsSecret());
    pb.environment().put(SERVICE_PASSWORD_ENV, servicePassword());
    Process p = pb.directory(s.home().toFile())
        .redirectOutput(outFile.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(
            s.home().resolve("logs").resolve("create-app.log").toFile()))
        .start();
    try {
      int code = p.waitFor();
      String stdout = Files.readString(outFile, StandardCharsets.UTF_8);
      Files.deleteIfExists(outFile);
      if (code != 0) {
        throw new StackException("create-app failed (exit " + code + "); see "
            + s.home().resolve("logs").resolve("create-app.log"));
      }
      for (String line : stdout.split("\n")) {
        if (line.startsWith("{")) {
          return json.readTree(line);
        }
      }
      throw new StackException("create-app printed no credentials");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted");
    }
  }

  private boolean credentialsWork(String appId, String secret) {
    String basic = Base64.getEncoder().encodeToString(
        (appId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return statusOf(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/wallets?limit=1"))
        .header("Authorization", "Basic " + basic)
        .timeout(Duration.ofSeconds(5)).build()) == 200;
  }

  private Map<String, String> env(String appId, String secret) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("BASE_URL", baseUrl());
    env.put("ADMIN_URL", adminUrl());
    try {
      env.put("ADMIN_TASK_TOKEN", adminTaskToken());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    env.put("APP_ID", appId);
    env.put("APP_SECRET", secret);
    List<Host> hosts = extraHosts();
    if (!hosts.isEmpty()) {
      // every parent host, the first one first, for tests and scripts that spread their load
      List<String> bases = new ArrayList<>(List.of(baseUrl()));
      List<String> admins = new ArrayList<>(List.of(adminUrl()));
      for (Host h : hosts) {
        env.put("BASE_URL_" + h.envSuffix(), h.baseUrl());
        env.put("ADMIN_URL_" + h.envSuffix(), h.adminUrl());
        bases.add(h.baseUrl());
        admins.add(h.adminUrl());
      }
      env.put("BASE_URLS", String.join(",", bases));
      env.put("ADMIN_URLS", String.join(",", admins));
    }
    env.put("JWT_ISSUER", DevIssuer.ISSUER);
    env.put("JWT_AUDIENCE", DevIssuer.AUDIENCE);
    env.put("JWT_JWKS_URL", jwksUrl());
    return env;
  }

  private void writeStackEnv(Map<String, String> env) throws IOException {
    StringBuilder sb = new StringBuilder();
    env.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    Path tmp = stackEnv().resolveSibling("stack.env.tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, stackEnv(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The KEY=value lines of {@code stack.env}, or an empty map. */
  public Map<String, String> readStackEnv() throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    if (!Files.exists(stackEnv())) {
      return env;
    }
    for (String line : Files.readAllLines(stackEnv(), StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("#")) {
        env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return env;
  }

  public String kmsUrl() {
    return "http://127.0.0.1:" + s.kmsPort();
  }

  private Path nsmDir() {
    return s.home().resolve("nsm");
  }

  private Path kmsDir() {
    return s.home().resolve("kms");
  }

  private Path enclaveKeysFile() {
    return kmsDir().resolve("enclave-keys.json");
  }

  /**
   * Local mode's deployment export quorum: one P-256 key whose private half is in
   * {@code home/export-quorum.key} (0600), made on first use. Its signature is what lets an
   * app-owned wallet be exported (the enclave is started with {@code --export-quorum 1:<key>});
   * in production the quorum's keys are fixed in the enclave image and held by people, never on
   * the host.
   */
  public Path exportQuorumKeyFile() throws IOException {
    Path file = s.home().resolve("export-quorum.key");
    if (!Files.exists(file)) {
      Files.createDirectories(s.home());
      io.nitrosign.authz.RequestSigner.KeyPairText pair = io.nitrosign.authz.RequestSigner.generate();
      Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, pair.privateKey() + "\n", StandardCharsets.UTF_8);
      Files.writeString(s.home().resolve("export-quorum.key.pub"), pair.publicKey() + "\n",
          StandardCharsets.UTF_8);
    }
    return file;
  }

  private String exportQuorumPublicKey() throws IOException {
    exportQuorumKeyFile();
    return Files.readString(s.home().resolve("export-quorum.key.pub"), StandardCharsets.UTF_8)
        .trim();
  }

  /** The service role's database password (random, 0600 in the stack's home). */
  String servicePassword() throws IOException {
    return secretFile(s.home().resolve("db-service-password"), 32);
  }

  /** The admin task token of this stack (random, 0600 in the stack's home). */
  String adminTaskToken() throws IOException {
    return secretFile(s.home().resolve("admin-task-token"), 32);
  }

  /** The local KMS's secret access key: random per home, in a 0600 file, passed by environment. */
  String kmsSecret() throws IOException {
    return secretFile(kmsDir().resolve("access-secret"), 30);
  }

  /** A random secret of {@code bytes} bytes (base64url), made once in a 0600 file. */
  private static String secretFile(Path file, int bytes) throws IOException {
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      byte[] b = new byte[bytes];
      new java.security.SecureRandom().nextBytes(b);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(b),
          StandardCharsets.UTF_8);
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }

  /**
   * The simulated NSM's root CA and the enclave's measurement (PCR0), then the local KMS with the
   * two keys (auth, exec) whose policies allow Decrypt and GenerateDataKey only to an enclave
   * attesting that PCR0, then the KMS server. A rebuilt enclave measures differently: its PCR0
   * replaces the old one in the key policies (an operator does the same with PutKeyPolicy when
   * deploying a new image).
   */
  private void startKmsAndKeys() throws IOException {
    if (kms.running().isPresent()) {
      out.println("kms          already running (pid " + kms.running().get().pid() + ")");
      return;
    }
    requirePortFree(s.kmsPort(), "the local KMS");
    runTool(s.nsmCa(), List.of("init", nsmDir().toString()), "simulated NSM root CA");
    String pcr0 = runTool(s.nsmCa(), List.of("pcr0"), "enclave measurement").trim();
    if (!pcr0.matches("[0-9a-f]{96}")) {
      throw new StackException("unexpected PCR0 from the enclave image: " + pcr0);
    }
    writePcrsJson(pcr0);
    String created = runTool(s.kms(), List.of("create-keys", "--state-dir", kmsDir().toString(),
        "--pcr0", pcr0, "--region", REGION, "--update-policy"), "KMS keys");
    for (String line : created.split("\n")) {
      if (line.startsWith("{")) {
        Files.writeString(enclaveKeysFile(), line + "\n", StandardCharsets.UTF_8);
      }
    }
    out.println("kms          keys bound to enclave PCR0 " + pcr0.substring(0, 16) + "...");
    out.println("kms          starting on " + kmsUrl());
    launchKms();
  }

  private void launchKms() throws IOException {
    Path ready = s.home().resolve("run").resolve("kms.ready");
    Files.deleteIfExists(ready);
    kms.startSupervisable(s.kms().command(List.of("-Xmx256m"), List.of("serve",
        "--port", Integer.toString(s.kmsPort()),
        "--state-dir", kmsDir().toString(),
        "--nsm-root", nsmRoot().toString(),
        "--region", REGION,
        "--access-key-id", KMS_ACCESS_KEY_ID,
        "--ready-file", ready.toString())), s.home(), secrets(KMS_SECRET_ENV), List.of(ready));
    waitFor(kms, () -> Files.exists(ready), "the local KMS");
  }

  /** The expected measurements in the format {@code nitro-cli build-enclave} prints. */
  private void writePcrsJson(String pcr0) throws IOException {
    String zero = "0".repeat(96);
    String pcr1 = runTool(s.nsmCa(), List.of("pcr", "1"), "PCR1").trim();
    String pcr2 = runTool(s.nsmCa(), List.of("pcr", "2"), "PCR2").trim();
    Files.writeString(nsmDir().resolve("pcrs.json"), "{\"Measurements\":{\"HashAlgorithm\":"
        + "\"Sha384 { ... }\",\"PCR0\":\"" + pcr0 + "\",\"PCR1\":\"" + pcr1 + "\",\"PCR2\":\""
        + pcr2 + "\",\"PCR8\":\"" + zero + "\"}}\n", StandardCharsets.UTF_8);
  }

  /** Runs a short-lived tool and returns its standard output; fails with its log. */
  private String runTool(JavaProgram program, List<String> args, String what) throws IOException {
    Path outFile = s.home().resolve("run").resolve("tool.out");
    Path log = s.home().resolve("logs").resolve("tools.log");
    Process p = new ProcessBuilder(program.command(List.of("-Xmx256m"), args))
        .directory(s.home().toFile())
        .redirectOutput(outFile.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    try {
      if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new StackException("could not prepare the " + what + "; see " + log);
      }
      return Files.readString(outFile, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted");
    } finally {
      Files.deleteIfExists(outFile);
    }
  }

  /** How many calls of {@code op} the local KMS served with {@code outcome} (allowed/denied). */
  public long kmsCallCount(String op, String outcome) throws IOException {
    return kmsStatusCalls().path(op).path(outcome).asLong(0);
  }

  /** The {@code calls} object of the local KMS's {@code GET /status}. */
  private JsonNode kmsStatusCalls() throws IOException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(kmsUrl() + "/status"))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      return json.readTree(r.body()).path("calls");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }


  /** The local KMS's call counts, as one line, e.g. for {@code status}. */
  public String kmsCalls() {
    try {
      JsonNode calls = kmsStatusCalls();
      StringBuilder sb = new StringBuilder();
      calls.fields().forEachRemaining(e -> sb.append(sb.length() == 0 ? "" : ", ")
          .append(e.getKey()).append(' ').append(e.getValue().path("allowed").asLong())
          .append(" allowed/").append(e.getValue().path("denied").asLong()).append(" denied"));
      return sb.length() == 0 ? "none yet" : sb.toString();
    } catch (IOException e) {
      return "unavailable";
    }
  }


  /**
   * Stops everything this stack started: the supervisor, the further parent hosts and their
   * enclaves (those of {@code run/hosts} too, started by an earlier JVM), the parent host, the
   * enclave, then the JWT issuer, the KMS and PostgreSQL.
   */
  public void down() throws IOException {
    for (Host h : extraHosts()) {
      extraProcess(h.enclaveName());
      extraProcess(h.parentName());
    }
    // the supervisor first, so that it restarts nothing stopped here
    List<ManagedProcess> all = new ArrayList<>(List.of(supervisor));
    all.addAll(extras);
    all.addAll(List.of(parent, enclave, jwtIssuer, kms, postgres));
    for (ManagedProcess p : all) {
      boolean was = p.stop(STOP_GRACE);
      out.printf("%-13s %s%n", p.name(), was ? "stopped" : "was not running");
    }
    Files.deleteIfExists(enclaveSocket());
    for (Host h : extraHosts()) {
      Files.deleteIfExists(h.socket(s.home()));
    }
    Files.deleteIfExists(s.home().resolve("run").resolve(HOSTS_FILE));
    Files.deleteIfExists(jwtReadyFile());
    // restart counts are per supervisor run
    Files.deleteIfExists(s.home().resolve("run").resolve(Supervisor.STATE_FILE));
  }

  /**
   * The devkit JWT issuer ({@link DevIssuer}): its CA, server certificate and signing keys are
   * made in {@code home/jwt/} on first use and kept; its HTTPS server (a process of its own, like
   * the KMS) runs before the enclave, which fetches the JWKS from it.
   */
  private void startJwtIssuer() throws IOException {
    if (jwtIssuer.running().isPresent()) {
      out.println("jwt-issuer   already running (pid " + jwtIssuer.running().get().pid() + ")");
      return;
    }
    DevIssuer issuer = DevIssuer.loadOrCreate(jwtDir());
    if (s.jwtPort() != 0) {
      requirePortFree(s.jwtPort(), "the devkit JWT issuer");
    }
    Path ready = jwtReadyFile();
    Files.deleteIfExists(ready);
    // a fixed port even when the settings say "any": a restarted issuer must serve the JWKS
    // where the enclave was told it is
    int port = s.jwtPort() != 0 ? s.jwtPort() : anyFreePort();
    jwtIssuer.startSupervisable(s.jwtIssuer().command(List.of("-Xmx128m"), List.of("serve",
        "--state-dir", jwtDir().toString(),
        "--port", Integer.toString(port),
        "--ready-file", ready.toString())), s.home(), Map.of(), List.of(ready));
    waitFor(jwtIssuer, () -> Files.exists(ready), "the devkit JWT issuer");
    out.println("jwt-issuer   " + DevIssuer.ISSUER + " serving " + jwksUrl() + " (ES256 kid "
        + issuer.kid(DevIssuer.Alg.ES256).substring(0, 8) + "..., RS256 kid "
        + issuer.kid(DevIssuer.Alg.RS256).substring(0, 8) + "...)");
  }

  /** The devkit JWT issuer's state directory ({@link DevIssuer#load}). */
  public Path jwtDir() {
    return s.home().resolve("jwt");
  }

  private Path jwtReadyFile() {
    return s.home().resolve("run").resolve("jwt-issuer.ready");
  }

  /** Where the running devkit JWT issuer serves its JWKS (the port it actually listens on). */
  public String jwksUrl() {
    try {
      return DevIssuerServer.jwksUrl(Integer.parseInt(
          Files.readString(jwtReadyFile(), StandardCharsets.UTF_8).trim()));
    } catch (IOException | NumberFormatException e) {
      if (s.jwtPort() != 0) {
        return DevIssuerServer.jwksUrl(s.jwtPort());
      }
      throw new StackException("the devkit JWT issuer is not running (no "
          + jwtReadyFile() + ")");
    }
  }

  /** Sets an app's JWT issuer to the devkit issuer (the parent's set-app-jwt-issuer task). */
  private void setAppJwtIssuer(String appId) throws IOException {
    HttpRequest r = HttpRequest.newBuilder(URI.create(adminUrl()
            + "/tasks/set-app-jwt-issuer?app_id="
            + java.net.URLEncoder.encode(appId, StandardCharsets.UTF_8) + "&issuer="
            + java.net.URLEncoder.encode(DevIssuer.ISSUER, StandardCharsets.UTF_8)))
        .header("Authorization", "Bearer " + adminTaskToken())
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    try {
      HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != 200 || !resp.body().trim().equals("ok")) {
        throw new StackException("could not set the demo app's JWT issuer: HTTP "
            + resp.statusCode() + " " + resp.body().trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted");
    }
  }

  /**
   * Stops the local KMS, re-binds both keys' policies to {@code pcr0s} (as an operator would with
   * PutKeyPolicy), and starts it again.
   */
  public void rebindKmsPolicy(String... pcr0s) throws IOException {
    kms.stop(STOP_GRACE);
    runTool(s.kms(), List.of("create-keys", "--state-dir", kmsDir().toString(), "--pcr0",
        String.join(",", pcr0s), "--region", REGION, "--update-policy"), "KMS keys");
    launchKms();
  }

  /** The expected PCR0 of the local enclave image (hex), as written to nsm/pcrs.json. */
  public String enclavePcr0() throws IOException {
    return json.readTree(Files.readString(nsmDir().resolve("pcrs.json"), StandardCharsets.UTF_8))
        .get("Measurements").get("PCR0").asText();
  }

  public Path nsmRoot() {
    return nsmDir().resolve("root.pem");
  }

  /** The enclave process, if running (for diagnostics such as heap dumps). */
  public Optional<ProcessHandle> enclaveProcess() {
    return enclave.running();
  }

  /** Stops only the enclave process (used by tests and by operators to simulate a crash). */
  public boolean stopEnclave() throws IOException {
    return enclave.stop(STOP_GRACE);
  }

  /** Starts the enclave again if it is not running. */
  public void startEnclaveOnly() throws IOException {
    startEnclave();
  }

  /** The parent host process, if running. */
  public Optional<ProcessHandle> parentProcess() {
    return parent.running();
  }

  /**
   * Stops only the parent host and starts it again with the same configuration (ports, database,
   * enclave socket), then waits until it reports healthy: a parent host restart, as an operator
   * or a crash-and-supervisor would cause it, with PostgreSQL, the KMS and the enclave left
   * running.
   */
  public void restartParent() throws IOException {
    restartParent(List.of());
  }

  /**
   * {@link #restartParent()} with extra JVM options for the parent host from now on (recorded in
   * its supervisor spec, so a supervised restart keeps them), e.g. the crash points of
   * {@code io.nitrosign.parent.FaultInjection}. An empty list goes back to none.
   */
  public void restartParent(List<String> jvmOptions) throws IOException {
    parentJvmOptions = List.copyOf(jvmOptions);
    boolean was = parent.stop(STOP_GRACE);
    out.printf("%-12s %s%n", parent.name(), was ? "stopped for a restart" : "was not running");
    startParent();
    waitHealthy();
  }

  /**
   * One line per process (every parent host and enclave among them) with its pid, restarts,
   * address and, for a parent host, its health; returns true when all run and every parent host
   * is healthy.
   */
  public boolean status() throws IOException {
    boolean all = true;
    boolean healthy = true;
    List<String[]> rows = new ArrayList<>();
    Map<String, Supervisor.Restarts> restarts = restarts();
    // process, address, admin URL (parent hosts only)
    List<Object[]> shown = new ArrayList<>();
    shown.add(new Object[] {postgres, "127.0.0.1:" + s.pgPort(), null});
    shown.add(new Object[] {kms, kmsUrl(), null});
    shown.add(new Object[] {jwtIssuer, null, null});
    shown.add(new Object[] {enclave, "unix:" + enclaveSocket(), null});
    shown.add(new Object[] {parent, baseUrl(), adminUrl()});
    for (Host h : extraHosts()) {
      shown.add(new Object[] {extraProcess(h.enclaveName()), "unix:" + h.socket(s.home()), null});
      shown.add(new Object[] {extraProcess(h.parentName()), h.baseUrl(), h.adminUrl()});
    }
    for (Object[] row : shown) {
      ManagedProcess p = (ManagedProcess) row[0];
      Optional<ProcessHandle> h = p.running();
      all &= h.isPresent();
      String where = row[1] != null ? (String) row[1] : h.isPresent() ? jwksUrl() : "";
      String health = "";
      if (row[2] != null) {
        boolean ok = h.isPresent() && healthy((String) row[2]);
        healthy &= ok;
        health = ok ? "healthy" : h.isPresent() ? "UNHEALTHY" : "-";
      }
      Supervisor.Restarts r = restarts.get(p.name());
      rows.add(new String[] {p.name(), h.map(x -> "running  pid " + x.pid()).orElse("stopped"),
          where, r == null ? "" : r.count() + (r.last() == null ? ""
              : " (last " + r.last().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")"),
          health});
    }
    Optional<ProcessHandle> sup = supervisor.running();
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"PROCESS", "STATE", "RESTARTS", "HEALTH", "ADDRESS"});
    for (String[] r : rows) {
      table.add(new String[] {r[0], r[1], sup.isPresent() || !r[3].isEmpty() ? r[3] : "-", r[4],
          r[2]});
    }
    int n = table.stream().mapToInt(r -> r[0].length()).max().orElse(12);
    int w = table.stream().mapToInt(r -> r[2].length()).max().orElse(8);
    for (String[] r : table) {
      out.printf("%-" + n + "s %-20s %-" + w + "s  %-9s  %s%n", r[0], r[1], r[2], r[3], r[4]);
    }
    out.printf("%-" + n + "s %s%n", "supervisor", sup.map(x -> "running  pid " + x.pid()
        + " (restarts what dies; log " + supervisor.logFile() + ")")
        .orElse("not running (nothing restarts a process that dies)"));
    healthy &= all;
    int hosts = 1 + extraHosts().size();
    out.printf("%-" + n + "s %s%n", "health", healthy
        ? "healthy" + (hosts > 1 ? " (" + hosts + " parent hosts)" : "")
        : all ? "UNHEALTHY (see each parent host's /healthcheck on its admin port)"
        : "not running");
    if (kms.running().isPresent()) {
      out.printf("%-" + n + "s %s%n", "kms calls", kmsCalls());
    }
    if (Files.exists(stackEnv())) {
      out.printf("%-" + n + "s %s%n", "credentials", stackEnv());
    }
    return healthy;
  }

  private void waitFor(ManagedProcess p, java.util.function.BooleanSupplier ready, String what) {
    Instant until = Instant.now().plus(START_TIMEOUT);
    while (!ready.getAsBoolean()) {
      if (p.running().isEmpty()) {
        throw new StackException(p.name() + " exited during start-up; last log lines ("
            + p.logFile() + "):\n" + p.logTail(30));
      }
      if (Instant.now().isAfter(until)) {
        throw new StackException("timed out waiting for " + what + "; see " + p.logFile());
      }
      ManagedProcess.sleep(200);
    }
  }

  private static int anyFreePort() throws IOException {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return ss.getLocalPort();
    }
  }

  private static void requirePortFree(int port, String what) {
    try (ServerSocket ss = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      ss.setReuseAddress(true);
    } catch (IOException e) {
      throw new StackException("port " + port + " for " + what
          + " is in use; stop what holds it or choose another port (see ./appliance --help)");
    }
  }

  /** A start-up or shutdown problem with a message meant for the person at the terminal. */
  public static final class StackException extends RuntimeException {
    public StackException(String message) {
      super(message, null, false, false);
    }
  }
}
