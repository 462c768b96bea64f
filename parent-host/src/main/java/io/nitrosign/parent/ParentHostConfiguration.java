package io.nitrosign.parent;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.nitrosign.parent.admin.AdminConfiguration;
import io.nitrosign.parent.enclave.EnclaveConfiguration;
import io.nitrosign.parent.sealing.SealingConfiguration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** The parent host's YAML configuration: Dropwizard's server/logging/metrics plus ours. */
public class ParentHostConfiguration extends Configuration {

  @Valid
  @NotNull
  private DataSourceFactory database = new DataSourceFactory();

  /**
   * The schema owner's connection, for Flyway only (migrations and the grants to
   * {@code database.user}); absent: {@code database} is used. The service itself never connects
   * with it.
   */
  @Valid
  private DataSourceFactory migrationDatabase;

  /**
   * Run the migrations when the server (or create-app) starts. False where a separate
   * {@code migrate} command runs them first (AWS), so the server never holds the owner's password.
   */
  private boolean migrateOnStart = true;

  @Valid
  @NotNull
  private AdminConfiguration admin = new AdminConfiguration();

  @Valid
  @NotNull
  private EnclaveConfiguration enclave = new EnclaveConfiguration();

  @Valid
  @NotNull
  private SealingConfiguration sealing = new SealingConfiguration();

  /** The audit chain this host appends to ({@code audit: chain:}; default the hostname). */
  @Valid
  @NotNull
  private io.nitrosign.parent.audit.AuditConfiguration audit =
      new io.nitrosign.parent.audit.AuditConfiguration();

  @JsonProperty("audit")
  public io.nitrosign.parent.audit.AuditConfiguration getAudit() {
    return audit;
  }

  @JsonProperty("audit")
  public void setAudit(io.nitrosign.parent.audit.AuditConfiguration audit) {
    this.audit = audit;
  }

  /** How often the enclave signs this host's audit chain head ({@code auditCheckpoints:}). */
  @Valid
  @NotNull
  private io.nitrosign.parent.audit.AuditCheckpointConfiguration auditCheckpoints =
      new io.nitrosign.parent.audit.AuditCheckpointConfiguration();

  @JsonProperty("auditCheckpoints")
  public io.nitrosign.parent.audit.AuditCheckpointConfiguration getAuditCheckpoints() {
    return auditCheckpoints;
  }

  @JsonProperty("auditCheckpoints")
  public void setAuditCheckpoints(
      io.nitrosign.parent.audit.AuditCheckpointConfiguration auditCheckpoints) {
    this.auditCheckpoints = auditCheckpoints;
  }

  /** The default per-app rate limit ({@code rateLimit:}); apps may have their own. */
  @Valid
  @NotNull
  private io.nitrosign.parent.ratelimit.RateLimitConfiguration rateLimit =
      new io.nitrosign.parent.ratelimit.RateLimitConfiguration();

  @JsonProperty("rateLimit")
  public io.nitrosign.parent.ratelimit.RateLimitConfiguration getRateLimit() {
    return rateLimit;
  }

  @JsonProperty("rateLimit")
  public void setRateLimit(io.nitrosign.parent.ratelimit.RateLimitConfiguration rateLimit) {
    this.rateLimit = rateLimit;
  }

  /**
   * The API's public base URL as clients sign requests for it (Privy's authorization signatures
   * cover {@code url}), without a trailing slash, e.g. {@code https://signer.example.com}; the
   * enclave must be started with the same {@code --public-base-url}. Empty: the URL is built from
   * the request's Host header and the enclave compares only the path.
   */
  @jakarta.validation.constraints.Pattern(regexp = "|https?://[A-Za-z0-9.:\\[\\]-]+(/[A-Za-z0-9._~/-]*[^/])?")
  private String publicBaseUrl = "";

  @JsonProperty("publicBaseUrl")
  public String getPublicBaseUrl() {
    return publicBaseUrl;
  }

  @JsonProperty("publicBaseUrl")
  public void setPublicBaseUrl(String publicBaseUrl) {
    this.publicBaseUrl = publicBaseUrl;
  }

  @JsonProperty("migrationDatabase")
  public DataSourceFactory getMigrationDatabase() {
    return migrationDatabase;
  }

  @JsonProperty("migrationDatabase")
  public void setMigrationDatabase(DataSourceFactory migrationDatabase) {
    this.migrationDatabase = migrationDatabase;
  }

  @JsonProperty("migrateOnStart")
  public boolean isMigrateOnStart() {
    return migrateOnStart;
  }

  @JsonProperty("migrateOnStart")
  public void setMigrateOnStart(boolean migrateOnStart) {
    this.migrateOnStart = migrateOnStart;
  }

  /** Runs the migrations as the owner ({@code migrationDatabase}, else {@code database}). */
  public void migrate(com.codahale.metrics.MetricRegistry metrics) {
    io.dropwizard.db.ManagedDataSource owner = io.nitrosign.parent.db.Migrations
        .ownerOf(database, migrationDatabase).build(metrics, "migrations");
    try {
      io.nitrosign.parent.db.Migrations.migrate(owner, database.getUser());
    } finally {
      try {
        owner.stop();
      } catch (Exception e) {
        throw new IllegalStateException("closing the migration connection pool", e);
      }
    }
  }

  @JsonProperty("admin")
  public AdminConfiguration getAdmin() {
    return admin;
  }

  @JsonProperty("admin")
  public void setAdmin(AdminConfiguration admin) {
    this.admin = admin;
  }

  @JsonProperty("sealing")
  public SealingConfiguration getSealing() {
    return sealing;
  }

  @JsonProperty("sealing")
  public void setSealing(SealingConfiguration sealing) {
    this.sealing = sealing;
  }

  @JsonProperty("database")
  public DataSourceFactory getDatabase() {
    return database;
  }

  @JsonProperty("database")
  public void setDatabase(DataSourceFactory database) {
    this.database = database;
  }

  @JsonProperty("enclave")
  public EnclaveConfiguration getEnclave() {
    return enclave;
  }

  @JsonProperty("enclave")
  public void setEnclave(EnclaveConfiguration enclave) {
    this.enclave = enclave;
  }
}
