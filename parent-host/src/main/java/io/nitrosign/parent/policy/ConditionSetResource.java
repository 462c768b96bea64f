package io.nitrosign.parent.policy;

import com.codahale.metrics.annotation.Timed;
import io.nitrosign.parent.auth.AppAuthFilter;
import io.nitrosign.parent.idempotency.Idempotent;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;
import java.util.List;

/** Privy's condition set endpoints, and their items. */
@Path("/v1/condition_sets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public final class ConditionSetResource {

  private final ConditionSetManager sets;

  public ConditionSetResource(ConditionSetManager sets) {
    this.sets = sets;
  }

  @POST
  @Idempotent
  @Timed(name = "condition_sets.create")
  public Views.ConditionSetView create(@Context SecurityContext security, InputStream body) {
    return sets.create(AppAuthFilter.appOf(security), PolicyResource.capped(body));
  }

  @GET
  @Timed(name = "condition_sets.list")
  public Views.Page<Views.ConditionSetView> list(@Context SecurityContext security,
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return sets.list(AppAuthFilter.appOf(security), limit, cursor);
  }

  @GET
  @Path("{id}")
  @Timed(name = "condition_sets.get")
  public Views.ConditionSetView get(@Context SecurityContext security,
      @PathParam("id") String id) {
    return sets.get(AppAuthFilter.appOf(security), id);
  }

  @PATCH
  @Path("{id}")
  @Timed(name = "condition_sets.update")
  public Views.ConditionSetView update(@Context SecurityContext security,
      @Context HttpHeaders headers, @PathParam("id") String id, InputStream body) {
    return sets.update(AppAuthFilter.appOf(security), id, PolicyResource.capped(body), headers);
  }

  @DELETE
  @Path("{id}")
  @Timed(name = "condition_sets.delete")
  public Views.Deleted delete(@Context SecurityContext security, @Context HttpHeaders headers,
      @PathParam("id") String id) {
    return sets.delete(AppAuthFilter.appOf(security), id, headers);
  }

  @POST
  @Path("{id}/condition_set_items")
  @Timed(name = "condition_sets.items.add")
  public List<Views.ItemView> addItems(@Context SecurityContext security,
      @Context HttpHeaders headers, @PathParam("id") String id, InputStream body) {
    return sets.addItems(AppAuthFilter.appOf(security), id, PolicyResource.capped(body), headers);
  }

  @PUT
  @Path("{id}/condition_set_items")
  @Timed(name = "condition_sets.items.replace")
  public List<Views.ItemView> replaceItems(@Context SecurityContext security,
      @Context HttpHeaders headers, @PathParam("id") String id, InputStream body) {
    return sets.replaceItems(AppAuthFilter.appOf(security), id, PolicyResource.capped(body),
        headers);
  }

  @GET
  @Path("{id}/condition_set_items")
  @Timed(name = "condition_sets.items.list")
  public Views.ItemsPage listItems(@Context SecurityContext security, @PathParam("id") String id,
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return sets.listItems(AppAuthFilter.appOf(security), id, limit, cursor);
  }

  @GET
  @Path("{id}/condition_set_items/{item_id}")
  @Timed(name = "condition_sets.items.get")
  public Views.ItemView getItem(@Context SecurityContext security, @PathParam("id") String id,
      @PathParam("item_id") String itemId) {
    return sets.getItem(AppAuthFilter.appOf(security), id, itemId);
  }

  @DELETE
  @Path("{id}/condition_set_items/{item_id}")
  @Timed(name = "condition_sets.items.delete")
  public Views.Deleted deleteItem(@Context SecurityContext security,
      @Context HttpHeaders headers, @PathParam("id") String id,
      @PathParam("item_id") String itemId) {
    return sets.deleteItem(AppAuthFilter.appOf(security), id, itemId, headers);
  }
}
