package io.nitrosign.parent.user;

import com.codahale.metrics.annotation.Timed;
import io.nitrosign.parent.api.Bodies;
import io.nitrosign.parent.auth.AppAuthFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;

/** {@code POST /v1/wallets/authenticate}: a user's JWT for an encrypted session key. */
@Path("/v1/wallets/authenticate")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public final class WalletAuthenticateResource {

  private final UserAuthenticator authenticator;

  public WalletAuthenticateResource(UserAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  @POST
  @Timed(name = "wallets.authenticate")
  public UserAuthenticator.Authenticated authenticate(@Context SecurityContext security,
      InputStream body) {
    return authenticator.authenticate(AppAuthFilter.appOf(security),
        Bodies.readCapped(body, Bodies.MAX_BODY_BYTES).orElseThrow(Bodies::tooLarge));
  }
}
