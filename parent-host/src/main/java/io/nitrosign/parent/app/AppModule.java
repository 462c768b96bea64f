package io.nitrosign.parent.app;

import io.dropwizard.core.setup.Environment;
import io.nitrosign.parent.audit.AuditWriter;
import io.nitrosign.parent.auth.AppAuthFilter;
import io.nitrosign.parent.auth.AuthFailures;
import java.security.SecureRandom;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/** Wires apps and their authentication filter. */
public final class AppModule {
  private AppModule() {}

  public static AppManager install(Environment env, Jdbi jdbi, SecureRandom random, Clock clock,
      AuditWriter auditWriter) {
    AppManager apps = new AppManager(jdbi, random, clock, env.getObjectMapper());
    AuthFailures failures = new AuthFailures(env.metrics(), auditWriter::offer, clock);
    env.jersey().register(new AppAuthFilter(apps, failures,
        io.nitrosign.parent.metrics.LatencyHistogram.stage(env.metrics(), "auth")));
    return apps;
  }
}
