package io.nitrosign.parent;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.nitrosign.parent.admin.HealthResource;
import io.nitrosign.parent.admin.TaskAuthFilter;
import io.nitrosign.parent.api.ApiModule;
import io.nitrosign.parent.app.AppModule;
import io.nitrosign.parent.audit.AuditChainName;
import io.nitrosign.parent.audit.AuditCheckpointer;
import io.nitrosign.parent.audit.AuditWriter;
import io.nitrosign.parent.authz.PrivyRequestAuthorizer;
import io.nitrosign.parent.app.CreateAppCommand;
import io.nitrosign.parent.db.MigrateCommand;
import io.nitrosign.parent.enclave.EnclaveClientGateway;
import io.nitrosign.parent.enclave.EnclaveHealthCheck;
import io.nitrosign.parent.enclave.EnclaveResource;
import io.nitrosign.parent.idempotency.IdempotencyModule;
import io.nitrosign.parent.policy.PolicyModule;
import io.nitrosign.parent.quorum.KeyQuorumModule;
import io.nitrosign.parent.sealing.EnclaveBootstrapper;
import io.nitrosign.parent.sealing.SealingConfiguration;
import io.nitrosign.parent.sealing.SealingTasks;
import io.nitrosign.parent.wallet.WalletModule;
import io.nitrosign.parent.wallet.WalletResealer;
import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Gauge;
import io.nitrosign.parent.app.AppManager;
import io.nitrosign.parent.logging.RequestIdFilter;
import io.nitrosign.parent.metrics.MetricNames;
import io.nitrosign.parent.metrics.PrometheusServlet;
import io.nitrosign.parent.ratelimit.AppRateLimiter;
import io.nitrosign.parent.ratelimit.RateLimitFilter;
import io.nitrosign.parent.ratelimit.RateLimitTask;
import jakarta.servlet.DispatcherType;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * The parent host: REST API in front of the enclave. Each module wires itself; this class only
 * builds the shared pieces (database, enclave gateway) and hands them over.
 */
public class ParentHostApplication extends Application<ParentHostConfiguration> {

  public static final String DATABASE = "database";

  public static void main(String[] args) throws Exception {
    new ParentHostApplication().run(args);
  }

  @Override
  public String getName() {
    return "nitrosign-parent-host";
  }

  @Override
  public void initialize(Bootstrap<ParentHostConfiguration> bootstrap) {
    // ${VAR} in the YAML (e.g. the database password) comes from the environment.
    bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
        bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    bootstrap.addCommand(new CreateAppCommand());
    bootstrap.addCommand(new MigrateCommand());
  }

  @Override
  public void run(ParentHostConfiguration config, Environment env) {
    // Our own mappers render every error as {"error","code"}; Dropwizard's defaults would not.
    if (config.getServerFactory() instanceof AbstractServerFactory server) {
      server.setRegisterDefaultExceptionMappers(false);
    }
    bindAdminToLoopbackByDefault(config);
    // Admin tasks (rotation, reseal) need admin.taskToken; /healthcheck, /ping stay open.
    env.admin().addFilter("task-auth", new TaskAuthFilter(config.getAdmin().taskToken()))
        .addMappingForUrlPatterns(null, true, "/tasks/*");
    // Read-only, like Dropwizard's /metrics beside it: no task token (docs/operations.md).
    env.admin().addServlet("prometheus", new PrometheusServlet(env.metrics()))
        .addMapping("/metrics/prometheus");
    // First on the application port: every log line of a request carries its id.
    env.servlets().addFilter("request-id", new RequestIdFilter())
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    SecureRandom random = new SecureRandom();
    Clock clock = Clock.systemUTC();

    if (config.isMigrateOnStart()) {
      config.migrate(env.metrics());
    }
    ManagedDataSource dataSource = config.getDatabase().build(env.metrics(), DATABASE);
    // Registers the "database" health check (the validation query, SELECT 1) and manages the pool.
    Jdbi jdbi = new JdbiFactory().build(env, config.getDatabase(), dataSource, DATABASE);
    // This host's audit chain: every AuditStore on this Jdbi's handles appends to it.
    AuditChainName auditChain = config.getAudit().chainName();
    jdbi.getConfig(AuditChainName.Config.class).set(auditChain);

    EnclaveClientGateway enclave = new EnclaveClientGateway(config.getEnclave(), clock,
        env.metrics());
    env.lifecycle().manage(new Managed() {
      @Override
      public void start() {
        enclave.start();
      }

      @Override
      public void stop() {
        enclave.close();
      }
    });
    env.healthChecks().register("enclave", new EnclaveHealthCheck(enclave));
    env.jersey().register(new EnclaveResource(enclave));
    env.jersey().register(new HealthResource(env.healthChecks()));

    ApiModule.install(env.jersey());
    // privy-idempotency-key on the POSTs that create or sign (@Idempotent)
    IdempotencyModule.install(env, jdbi);
    // Group commit for audit rows in transactions of their own (signing, failed logins).
    AuditWriter auditWriter = new AuditWriter(jdbi, clock, auditChain);
    env.lifecycle().manage(auditWriter);
    AppManager apps = AppModule.install(env, jdbi, random, clock, auditWriter);
    // After authentication (priority AUTHORIZATION): the app's token bucket, 429 when empty.
    env.jersey().register(new RateLimitFilter(
        new AppRateLimiter(clock, config.getRateLimit().defaultLimit()), env.metrics()));
    env.admin().addTask(new RateLimitTask(apps));
    // The enclave signs this host's chain head every N rows or T seconds (audit verify checks
    // them).
    AuditCheckpointer checkpointer = new AuditCheckpointer(jdbi, enclave, clock,
        config.getAuditCheckpoints(), auditChain);
    env.metrics().register(MetricNames.AUDIT_HEAD_SEQ, auditHead(checkpointer));
    env.lifecycle().manage(checkpointer);
    env.admin().addTask(AuditCheckpointer.task(checkpointer));
    env.metrics().register(MetricNames.AUDIT_CHECKPOINT_LAG, new CachedGauge<Long>(5,
        TimeUnit.SECONDS) {
      @Override
      protected Long loadValue() {
        return checkpointer.lagRows();
      }
    });
    PrivyRequestAuthorizer authorizer = new PrivyRequestAuthorizer(config.getPublicBaseUrl(), clock,
        io.nitrosign.parent.user.UserModule.sessions(jdbi, clock));
    io.nitrosign.parent.wallet.WalletManager wallets = WalletModule.install(env, jdbi, enclave,
        random, clock, authorizer, auditWriter,
        io.nitrosign.parent.policy.PolicyEnforcement.create(jdbi, clock));
    io.nitrosign.parent.user.UserModule.install(env, jdbi, enclave, wallets, random, clock);
    KeyQuorumModule.install(env, jdbi, authorizer, random, clock);
    PolicyModule.install(env, jdbi, authorizer, random, clock);

    // KMS-mode enclaves: credentials, first-boot provisioning, unsealing after restarts.
    SealingConfiguration sealing = config.getSealing();
    EnclaveBootstrapper bootstrapper = new EnclaveBootstrapper(enclave, jdbi, sealing.source(clock),
        java.time.Duration.ofMillis(sealing.getCheckInterval().toMilliseconds()),
        java.time.Duration.ofMillis(sealing.getCredentialsRefreshMargin().toMilliseconds()), clock);
    env.lifecycle().manage(bootstrapper);
    env.admin().addTask(SealingTasks.rotate(bootstrapper));
    env.admin().addTask(SealingTasks.reseal(new WalletResealer(jdbi, enclave, clock)));
  }

  /**
   * The sequence number (row id) of this host's audit chain head, read at most every 5 s; the
   * checkpoint lag (the chain's rows after its last checkpoint) is its companion.
   */
  private static Gauge<Long> auditHead(AuditCheckpointer checkpointer) {
    return new CachedGauge<Long>(5, TimeUnit.SECONDS) {
      @Override
      protected Long loadValue() {
        return checkpointer.headSeq();
      }
    };
  }

  /**
   * Admin connectors without a bindHost listen on 127.0.0.1, not on every interface (Dropwizard's
   * default): the admin port serves tasks and health details for operators on the instance only.
   */
  static void bindAdminToLoopbackByDefault(ParentHostConfiguration config) {
    if (config.getServerFactory() instanceof DefaultServerFactory server) {
      for (ConnectorFactory c : server.getAdminConnectors()) {
        if (c instanceof HttpConnectorFactory http && (http.getBindHost() == null
            || http.getBindHost().isBlank())) {
          http.setBindHost("127.0.0.1");
        }
      }
    }
  }
}
