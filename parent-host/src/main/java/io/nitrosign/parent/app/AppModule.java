package io.nitrosign.parent.app;

import io.dropwizard.core.setup.Environment;
import io.nitrosign.parent.auth.AppAuthFilter;
import java.security.SecureRandom;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/** Wires apps and their authentication filter. */
public final class AppModule {
  private AppModule() {}

  public static AppManager install(Environment env, Jdbi jdbi, SecureRandom random, Clock clock) {
    AppManager apps = new AppManager(jdbi, random, clock, env.getObjectMapper());
    env.jersey().register(new AppAuthFilter(apps));
    return apps;
  }
}
