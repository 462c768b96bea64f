package io.nitrosign.parent.user;

import io.dropwizard.core.setup.Environment;
import io.nitrosign.parent.authz.PrivyRequestAuthorizer;
import io.nitrosign.parent.enclave.EnclaveGateway;
import io.nitrosign.parent.wallet.WalletManager;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Wires users: {@code /v1/users}, {@code POST /v1/wallets/authenticate}, the admin task that sets
 * an app's JWT issuer, the source of stored sessions for the request authorizer, and the sweep
 * that deletes expired sessions ({@link UserSessionSweep}).
 */
public final class UserModule {

  private UserModule() {}

  /** Where the request authorizer finds users' live sessions. */
  public static PrivyRequestAuthorizer.SessionSource sessions(Jdbi jdbi, Clock clock) {
    return (appId, issuer, subject) -> jdbi.withHandle(h ->
        new UserStore(h).liveSessions(appId, issuer, subject, clock.instant()));
  }

  public static void install(Environment env, Jdbi jdbi, EnclaveGateway enclave,
      WalletManager wallets, SecureRandom random, Clock clock) {
    env.jersey().register(new UserResource(new UserManager(jdbi, env.getObjectMapper(), random,
        clock)));
    env.jersey().register(new WalletAuthenticateResource(new UserAuthenticator(jdbi, enclave,
        wallets, env.getObjectMapper(), clock)));
    env.admin().addTask(setJwtIssuerTask(jdbi, clock));
    env.lifecycle().manage(new UserSessionSweep(jdbi, clock));
  }

  /**
   * {@code POST /tasks/set-app-jwt-issuer?app_id=…&issuer=…}: which of the enclave's configured
   * issuers ({@code --jwt-issuer}) the app's users authenticate with. It decides the issuer sealed
   * into user members from now on; wallets already sealed keep theirs.
   */
  static io.dropwizard.servlets.tasks.Task setJwtIssuerTask(Jdbi jdbi, Clock clock) {
    return new io.dropwizard.servlets.tasks.Task("set-app-jwt-issuer") {
      @Override
      public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        String appId = single(parameters, "app_id");
        String issuer = single(parameters, "issuer");
        if (appId == null || issuer == null || issuer.isEmpty() || issuer.length() > 512) {
          output.println("error: app_id and issuer (1-512 characters) are required");
          return;
        }
        boolean set = jdbi.inTransaction(h -> {
          if (new io.nitrosign.parent.app.AppStore(h).find(appId).isEmpty()) {
            return false;
          }
          new UserStore(h).setAppIssuer(appId, issuer, clock.instant());
          return true;
        });
        output.println(set ? "ok" : "error: no such app");
      }
    };
  }

  private static String single(Map<String, List<String>> parameters, String name) {
    List<String> v = parameters.get(name);
    return v == null || v.size() != 1 ? null : v.get(0);
  }
}
