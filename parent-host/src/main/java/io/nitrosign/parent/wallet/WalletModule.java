package io.nitrosign.parent.wallet;

import io.dropwizard.core.setup.Environment;
import io.nitrosign.parent.audit.AuditWriter;
import io.nitrosign.parent.enclave.EnclaveGateway;
import io.nitrosign.parent.policy.PolicyEnforcement;
import io.nitrosign.parent.authz.PrivyRequestAuthorizer;
import java.security.SecureRandom;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/** Wires the wallet endpoints: resource → manager → store. */
public final class WalletModule {
  private WalletModule() {}

  public static WalletManager install(Environment env, Jdbi jdbi, EnclaveGateway enclave,
      SecureRandom random, Clock clock, PrivyRequestAuthorizer authorizer,
      AuditWriter auditWriter, PolicyEnforcement policies) {
    WalletManager manager = new WalletManager(jdbi, enclave, auditWriter, env.getObjectMapper(),
        random, clock, env.metrics(), authorizer, policies);
    env.jersey().register(new WalletResource(manager,
        new KeyTransferManager(jdbi, enclave, env.getObjectMapper(), random, clock, authorizer)));
    return manager;
  }
}
