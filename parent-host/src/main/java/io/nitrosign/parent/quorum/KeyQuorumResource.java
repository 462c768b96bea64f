package io.nitrosign.parent.quorum;

import com.codahale.metrics.annotation.Timed;
import io.nitrosign.parent.api.Bodies;
import io.nitrosign.parent.auth.AppAuthFilter;
import io.nitrosign.parent.idempotency.Idempotent;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;

/**
 * Privy's key quorum endpoints. Bodies are read raw (with a size cap): a change is authorized by
 * signatures over the exact bytes received. Privy has no list endpoint for key quorums; neither do
 * we.
 */
@Path("/v1/key_quorums")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public final class KeyQuorumResource {

  private final KeyQuorumManager quorums;

  public KeyQuorumResource(KeyQuorumManager quorums) {
    this.quorums = quorums;
  }

  @POST
  @Idempotent
  @Timed(name = "key_quorums.create")
  public KeyQuorumView create(@Context SecurityContext security, InputStream body) {
    return quorums.create(AppAuthFilter.appOf(security), capped(body));
  }

  @GET
  @Path("{id}")
  @Timed(name = "key_quorums.get")
  public KeyQuorumView get(@Context SecurityContext security, @PathParam("id") String id) {
    return quorums.get(AppAuthFilter.appOf(security), id);
  }

  @PATCH
  @Path("{id}")
  @Timed(name = "key_quorums.update")
  public KeyQuorumView update(@Context SecurityContext security, @Context HttpHeaders headers,
      @PathParam("id") String id, InputStream body) {
    return quorums.update(AppAuthFilter.appOf(security), id, capped(body), headers);
  }

  @DELETE
  @Path("{id}")
  @Timed(name = "key_quorums.delete")
  public KeyQuorumView.Deleted delete(@Context SecurityContext security,
      @Context HttpHeaders headers, @PathParam("id") String id) {
    return quorums.delete(AppAuthFilter.appOf(security), id, headers);
  }

  private static byte[] capped(InputStream body) {
    return Bodies.readCapped(body, Bodies.MAX_BODY_BYTES).orElseThrow(Bodies::tooLarge);
  }
}
