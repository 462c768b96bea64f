package io.nitrosign.parent.db;

import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import io.nitrosign.parent.ParentHostConfiguration;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code parent-host.jar migrate CONFIG}: as the schema owner ({@code migrationDatabase}),
 * creates or re-passwords the service's login role ({@code database.user}) when
 * {@code NITROSIGN_DB_SERVICE_PASSWORD} is set in the environment, then runs the migrations
 * (which grant that role its DML). Run before the server where the server must not hold the
 * owner's password (AWS: nitrosign-db-migrate.service).
 */
public final class MigrateCommand extends ConfiguredCommand<ParentHostConfiguration> {

  public static final String SERVICE_PASSWORD_ENV = "NITROSIGN_DB_SERVICE_PASSWORD";

  public MigrateCommand() {
    super("migrate", "create the service's database role and run the migrations as the owner");
  }

  @Override
  protected void run(Bootstrap<ParentHostConfiguration> bootstrap, Namespace namespace,
      ParentHostConfiguration config) throws Exception {
    String password = System.getenv(SERVICE_PASSWORD_ENV);
    if (password != null && !password.isEmpty()) {
      if (config.getMigrationDatabase() == null) {
        throw new IllegalStateException(SERVICE_PASSWORD_ENV + " is set but there is no"
            + " migrationDatabase: the service role is created by the owner");
      }
      ManagedDataSource owner = config.getMigrationDatabase()
          .build(bootstrap.getMetricRegistry(), "service-role");
      try {
        ServiceRole.ensure(owner, config.getDatabase().getUser(), password);
      } finally {
        owner.stop();
      }
    }
    config.migrate(bootstrap.getMetricRegistry());
    System.err.println("migrations applied; service role " + config.getDatabase().getUser());
  }
}
