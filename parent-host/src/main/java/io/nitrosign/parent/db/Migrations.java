package io.nitrosign.parent.db;

import io.dropwizard.db.DataSourceFactory;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Flyway migrations from {@code classpath:db/migration}, applied before anything is served, by
 * the schema owner ({@code migrationDatabase:} in the configuration, else {@code database:}).
 * The placeholder {@code serviceRole} is the role the service connects as ({@code database.user});
 * the migrations grant it DML only (V5), never DDL, and only INSERT and SELECT on the audit log.
 */
public final class Migrations {
  private Migrations() {}

  /** PostgreSQL role names the migrations accept (unquoted identifiers). */
  public static final String ROLE_NAME = "[a-z_][a-z0-9_]{0,62}";

  public static MigrateResult migrate(DataSource dataSource, String serviceRole) {
    if (serviceRole == null || !serviceRole.matches(ROLE_NAME)) {
      throw new IllegalArgumentException("the service's database user must match " + ROLE_NAME);
    }
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .placeholders(Map.of("serviceRole", serviceRole))
        .load()
        .migrate();
  }

  /** The connection migrations use: {@code migrationDatabase} when configured. */
  public static DataSourceFactory ownerOf(DataSourceFactory service, DataSourceFactory migration) {
    return migration != null ? migration : service;
  }
}
