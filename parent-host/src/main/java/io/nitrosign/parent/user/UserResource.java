package io.nitrosign.parent.user;

import com.codahale.metrics.annotation.Timed;
import io.nitrosign.parent.api.Bodies;
import io.nitrosign.parent.auth.AppAuthFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

/** Privy-style user endpoints ({@code /v1/users}). */
@Path("/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public final class UserResource {

  private final UserManager users;

  public UserResource(UserManager users) {
    this.users = users;
  }

  private static byte[] capped(InputStream body) {
    return Bodies.readCapped(body, Bodies.MAX_BODY_BYTES).orElseThrow(Bodies::tooLarge);
  }

  @POST
  @Timed(name = "users.create")
  public UserView create(@Context SecurityContext security, InputStream body) {
    return users.create(AppAuthFilter.appOf(security), capped(body));
  }

  @GET
  @Timed(name = "users.list")
  public UserView.Page list(@Context SecurityContext security, @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor) {
    return users.list(AppAuthFilter.appOf(security), limit, cursor);
  }

  @GET
  @Path("{id}")
  @Timed(name = "users.get")
  public UserView get(@Context SecurityContext security, @PathParam("id") String id) {
    return users.get(AppAuthFilter.appOf(security), id);
  }

  @DELETE
  @Path("{id}")
  @Timed(name = "users.delete")
  public io.nitrosign.parent.quorum.KeyQuorumView.Deleted delete(
      @Context SecurityContext security, @PathParam("id") String id) {
    users.delete(AppAuthFilter.appOf(security), id);
    return new io.nitrosign.parent.quorum.KeyQuorumView.Deleted(true);
  }

  @POST
  @Path("custom_auth/id")
  @Timed(name = "users.by_custom_auth_id")
  public UserView byCustomAuthId(@Context SecurityContext security, InputStream body) {
    return users.byCustomUserId(AppAuthFilter.appOf(security), capped(body));
  }
}
