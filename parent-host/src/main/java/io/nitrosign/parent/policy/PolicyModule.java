package io.nitrosign.parent.policy;

import io.dropwizard.core.setup.Environment;
import io.nitrosign.parent.authz.RequestAuthorizer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * Wires the policy endpoints (policies and rules, condition sets and items, aggregations):
 * resources → managers → stores, with the given authorizer for owned resources.
 */
public final class PolicyModule {
  private PolicyModule() {}

  public static void install(Environment env, Jdbi jdbi, RequestAuthorizer authorizer,
      SecureRandom random, Clock clock) {
    Objects.requireNonNull(authorizer);
    env.jersey().register(new PolicyResource(
        new PolicyManager(jdbi, authorizer, env.getObjectMapper(), random, clock)));
    env.jersey().register(new ConditionSetResource(
        new ConditionSetManager(jdbi, authorizer, env.getObjectMapper(), random, clock)));
    env.jersey().register(new AggregationResource(
        new AggregationManager(jdbi, authorizer, env.getObjectMapper(), random, clock)));
  }
}
