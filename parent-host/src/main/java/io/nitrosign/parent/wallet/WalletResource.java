package io.nitrosign.parent.wallet;

import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.Timed;
import io.nitrosign.parent.api.Bodies;
import io.nitrosign.parent.auth.AppAuthFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;

/**
 * Privy-style wallet endpoints. Bodies are read raw (with a size cap) and parsed by the manager,
 * so malformed JSON takes the same audited path as any other rejected request. Bodies are never
 * logged.
 */
@Path("/v1/wallets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public final class WalletResource {

  private final WalletManager wallets;

  public WalletResource(WalletManager wallets) {
    this.wallets = wallets;
  }

  @POST
  @Timed(name = "wallets.create")
  @ExceptionMetered(name = "wallets.create.exceptions")
  public WalletView create(@Context SecurityContext security, InputStream body) {
    byte[] bytes = Bodies.readCapped(body, Bodies.MAX_BODY_BYTES).orElseThrow(Bodies::tooLarge);
    return wallets.create(AppAuthFilter.appOf(security), bytes);
  }

  @GET
  @Timed(name = "wallets.list")
  public WalletView.Page list(@Context SecurityContext security, @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor, @QueryParam("chain_type") String chainType) {
    return wallets.list(AppAuthFilter.appOf(security), limit, cursor, chainType);
  }

  @GET
  @Path("{id}")
  @Timed(name = "wallets.get")
  public WalletView get(@Context SecurityContext security, @PathParam("id") String id) {
    return wallets.get(AppAuthFilter.appOf(security), id);
  }

  @POST
  @Path("{id}/rpc")
  @Timed(name = "wallets.sign")
  @ExceptionMetered(name = "wallets.sign.exceptions")
  public WalletManager.RpcResult rpc(@Context SecurityContext security, @PathParam("id") String id,
      InputStream body) {
    return wallets.rpc(AppAuthFilter.appOf(security), id, Bodies.readCapped(body, Bodies.MAX_BODY_BYTES));
  }
}
