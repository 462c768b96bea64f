package io.nitrosign.parent.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import io.nitrosign.parent.ParentHostConfiguration;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code java -jar parent-host.jar create-app --name demo config.yml}: migrates the database,
 * creates an app and prints exactly one JSON line {@code {"app_id":"…","app_secret":"…"}} to
 * stdout. The secret is shown only this once. Logging goes to stderr while the command runs.
 */
public final class CreateAppCommand extends ConfiguredCommand<ParentHostConfiguration> {

  public CreateAppCommand() {
    super("create-app", "Creates an app and prints its id and secret (shown only once) as JSON");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("--name").dest("name").required(true).help("a name for the app (1-128 characters)");
    subparser.addArgument("--allow-raw-sign").dest("allow_raw_sign").action(Arguments.storeTrue())
        .help("allow secp256k1_sign (raw digest signing) for this app; off by default");
    subparser.addArgument("--allow-export").dest("allow_export").action(Arguments.storeTrue())
        .help("allow this app to export private keys (HPKE-encrypted); off by default");
    subparser.addArgument("--rate-limit-per-second").dest("rate_limit_per_second")
        .type(Double.class)
        .help("the app's own rate limit: requests per second (token bucket refill); default: the"
            + " configuration's rateLimit.defaultPerSecond");
    subparser.addArgument("--rate-limit-burst").dest("rate_limit_burst").type(Integer.class)
        .help("the app's token bucket size (requests it may send at once); needs"
            + " --rate-limit-per-second; default: the rate rounded up");
    subparser.addArgument("--jwt-issuer").dest("jwt_issuer")
        .help("the JWT issuer (iss) of the app's users: one of the enclave's --jwt-issuer");
  }

  @Override
  protected void run(Bootstrap<ParentHostConfiguration> bootstrap, Namespace namespace,
      ParentHostConfiguration config) throws Exception {
    App.RateLimit rateLimit = rateLimit(namespace.get("rate_limit_per_second"),
        namespace.get("rate_limit_burst"));
    // Keep stdout for the one JSON line: anything else (logs, Flyway) goes to stderr.
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      if (config.isMigrateOnStart()) {
        config.migrate(bootstrap.getMetricRegistry());
      }
      ManagedDataSource dataSource = config.getDatabase().build(bootstrap.getMetricRegistry(), "create-app");
      try {
        ObjectMapper json = bootstrap.getObjectMapper();
        Jdbi jdbi = Jdbi.create(dataSource);
        // the app.create row goes to this host's audit chain, as the server's rows do
        jdbi.getConfig(io.nitrosign.parent.audit.AuditChainName.Config.class)
            .set(config.getAudit().chainName());
        AppManager apps = new AppManager(jdbi, new SecureRandom(), Clock.systemUTC(), json);
        CreatedApp created = apps.create(namespace.getString("name"),
            Boolean.TRUE.equals(namespace.getBoolean("allow_raw_sign")),
            Boolean.TRUE.equals(namespace.getBoolean("allow_export")), rateLimit);
        String jwtIssuer = namespace.getString("jwt_issuer");
        if (jwtIssuer != null) {
          Jdbi.create(dataSource).useTransaction(h -> new io.nitrosign.parent.user.UserStore(h)
              .setAppIssuer(created.app().id(), jwtIssuer, java.time.Instant.now()));
        }
        ObjectNode line = json.createObjectNode();
        line.put("app_id", created.app().id());
        line.put("app_secret", created.secret());
        if (rateLimit != null) {
          line.put("rate_limit_per_second", rateLimit.perSecond());
          line.put("rate_limit_burst", rateLimit.burst());
        }
        stdout.println(json.writeValueAsString(line));
        stdout.flush();
      } finally {
        dataSource.stop();
      }
    } finally {
      System.setOut(stdout);
    }
  }

  /** The options' rate limit, or null for the default; refuses a burst without a rate. */
  public static App.RateLimit rateLimit(Double perSecond, Integer burst) {
    if (perSecond == null) {
      if (burst != null) {
        throw new IllegalArgumentException("--rate-limit-burst needs --rate-limit-per-second");
      }
      return null;
    }
    int size = burst != null ? burst
        : (int) Math.max(1, Math.min(App.RateLimit.MAX_BURST, Math.ceil(perSecond)));
    return new App.RateLimit(perSecond, size);
  }
}
