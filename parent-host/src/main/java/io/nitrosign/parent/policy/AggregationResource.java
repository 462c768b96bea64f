package io.nitrosign.parent.policy;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nitrosign.parent.auth.AppAuthFilter;
import io.nitrosign.parent.idempotency.Idempotent;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;

/** Privy's aggregation endpoints (no update: an aggregation is replaced, not changed). */
@Path("/v1/aggregations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public final class AggregationResource {

  private final AggregationManager aggregations;

  public AggregationResource(AggregationManager aggregations) {
    this.aggregations = aggregations;
  }

  @POST
  @Idempotent
  @Timed(name = "aggregations.create")
  public ObjectNode create(@Context SecurityContext security, InputStream body) {
    return aggregations.create(AppAuthFilter.appOf(security), PolicyResource.capped(body));
  }

  @GET
  @Timed(name = "aggregations.list")
  public Views.Page<ObjectNode> list(@Context SecurityContext security,
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return aggregations.list(AppAuthFilter.appOf(security), limit, cursor);
  }

  @GET
  @Path("{id}")
  @Timed(name = "aggregations.get")
  public ObjectNode get(@Context SecurityContext security, @PathParam("id") String id) {
    return aggregations.get(AppAuthFilter.appOf(security), id);
  }

  @DELETE
  @Path("{id}")
  @Timed(name = "aggregations.delete")
  public Views.Deleted delete(@Context SecurityContext security, @Context HttpHeaders headers,
      @PathParam("id") String id) {
    return aggregations.delete(AppAuthFilter.appOf(security), id, headers);
  }
}
