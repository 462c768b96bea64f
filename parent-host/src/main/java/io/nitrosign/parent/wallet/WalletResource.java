package io.nitrosign.parent.wallet;

import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.Timed;
import io.nitrosign.parent.api.Bodies;
import io.nitrosign.parent.auth.AppAuthFilter;
import io.nitrosign.parent.idempotency.IdempotencyFilter;
import io.nitrosign.parent.idempotency.Idempotent;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
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
  private final KeyTransferManager transfers;

  public WalletResource(WalletManager wallets, KeyTransferManager transfers) {
    this.wallets = wallets;
    this.transfers = transfers;
  }

  @POST
  @Path("import/init")
  @Timed(name = "wallets.import.init")
  public KeyTransferManager.ImportInit importInit(@Context SecurityContext security,
      InputStream body) {
    return transfers.importInit(AppAuthFilter.appOf(security), capped(body));
  }

  @POST
  @Idempotent
  @Path("import/submit")
  @Timed(name = "wallets.import.submit")
  public WalletView importSubmit(@Context SecurityContext security, InputStream body) {
    return transfers.importSubmit(AppAuthFilter.appOf(security), capped(body));
  }

  @POST
  @Path("{id}/export")
  @Timed(name = "wallets.export")
  public KeyTransferManager.Exported export(@Context SecurityContext security,
      @Context HttpHeaders headers, @PathParam("id") String id, InputStream body) {
    return transfers.export(AppAuthFilter.appOf(security), id, capped(body), headers);
  }

  private static byte[] capped(InputStream body) {
    return Bodies.readCapped(body, Bodies.MAX_BODY_BYTES).orElseThrow(Bodies::tooLarge);
  }

  @POST
  @Idempotent
  @Timed(name = "wallets.create")
  @ExceptionMetered(name = "wallets.create.exceptions")
  public WalletView create(@Context SecurityContext security, InputStream body) {
    return wallets.create(AppAuthFilter.appOf(security), capped(body));
  }

  /**
   * Reads every query parameter (not only known ones), so that an unknown filter is refused
   * rather than silently ignored.
   */
  @GET
  @Timed(name = "wallets.list")
  public WalletView.Page list(@Context SecurityContext security, @Context UriInfo uri) {
    return wallets.list(AppAuthFilter.appOf(security), uri.getQueryParameters());
  }

  @PATCH
  @Path("{id}")
  @Timed(name = "wallets.update")
  public WalletView update(@Context SecurityContext security, @Context HttpHeaders headers,
      @PathParam("id") String id, InputStream body) {
    return wallets.update(AppAuthFilter.appOf(security), id,
        Bodies.readCapped(body, Bodies.MAX_BODY_BYTES), headers);
  }

  @GET
  @Path("{id}")
  @Timed(name = "wallets.get")
  public WalletView get(@Context SecurityContext security, @PathParam("id") String id) {
    return wallets.get(AppAuthFilter.appOf(security), id);
  }

  @POST
  @Idempotent(resumable = true)
  @Path("{id}/rpc")
  @Timed(name = "wallets.sign")
  @ExceptionMetered(name = "wallets.sign.exceptions")
  public Object rpc(@Context SecurityContext security, @Context HttpHeaders headers,
      @Context ContainerRequestContext request, @PathParam("id") String id, InputStream body) {
    return answer(request, wallets.rpc(AppAuthFilter.appOf(security), id,
        Bodies.readCapped(body, Bodies.MAX_BODY_BYTES), headers,
        IdempotencyFilter.claimOf(request)));
  }

  /**
   * A signing request's answer: with an idempotency key, a success was stored with its audit row
   * ({@link WalletManager.Committed}) and is sent as exactly those bytes.
   */
  private static Object answer(ContainerRequestContext request, WalletManager.RpcReply reply) {
    if (reply instanceof WalletManager.Committed committed) {
      IdempotencyFilter.markCommitted(request);
      return Response.ok(committed.body(), WalletManager.Committed.CONTENT_TYPE).build();
    }
    return reply;
  }

  /**
   * Privy's raw sign. Like {@code /rpc}: the body is read raw (capped) and the manager answers
   * {@code {"method": "raw_sign", "data": {...}}}.
   */
  @POST
  @Idempotent(resumable = true)
  @Path("{id}/raw_sign")
  @Timed(name = "wallets.raw_sign")
  @ExceptionMetered(name = "wallets.raw_sign.exceptions")
  public Object rawSign(@Context SecurityContext security,
      @Context HttpHeaders headers, @Context ContainerRequestContext request,
      @PathParam("id") String id, InputStream body) {
    return answer(request, wallets.rawSign(AppAuthFilter.appOf(security), id,
        Bodies.readCapped(body, Bodies.MAX_BODY_BYTES), headers,
        IdempotencyFilter.claimOf(request)));
  }
}
