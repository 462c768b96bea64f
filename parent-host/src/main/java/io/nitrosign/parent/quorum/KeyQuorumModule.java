package io.nitrosign.parent.quorum;

import io.dropwizard.core.setup.Environment;
import io.nitrosign.parent.authz.RequestAuthorizer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/** Wires the key quorum endpoints: resource → manager → store, with the given authorizer. */
public final class KeyQuorumModule {
  private KeyQuorumModule() {}

  public static KeyQuorumManager install(Environment env, Jdbi jdbi, RequestAuthorizer authorizer,
      SecureRandom random, Clock clock) {
    KeyQuorumManager manager = new KeyQuorumManager(jdbi, Objects.requireNonNull(authorizer),
        env.getObjectMapper(), random, clock);
    env.jersey().register(new KeyQuorumResource(manager));
    return manager;
  }
}
