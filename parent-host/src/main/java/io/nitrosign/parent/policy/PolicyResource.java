package io.nitrosign.parent.policy;

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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;

/**
 * Privy's policy endpoints, and their rules one by one. Bodies are read raw (with a size cap): a
 * change of an owned policy is authorized by signatures over the exact bytes received.
 */
@Path("/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public final class PolicyResource {

  private final PolicyManager policies;

  public PolicyResource(PolicyManager policies) {
    this.policies = policies;
  }

  @POST
  @Idempotent
  @Timed(name = "policies.create")
  public Views.PolicyView create(@Context SecurityContext security, InputStream body) {
    return policies.create(AppAuthFilter.appOf(security), capped(body));
  }

  @GET
  @Timed(name = "policies.list")
  public Views.Page<Views.PolicyView> list(@Context SecurityContext security,
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return policies.list(AppAuthFilter.appOf(security), limit, cursor);
  }

  @GET
  @Path("{id}")
  @Timed(name = "policies.get")
  public Views.PolicyView get(@Context SecurityContext security, @PathParam("id") String id) {
    return policies.get(AppAuthFilter.appOf(security), id);
  }

  @PATCH
  @Path("{id}")
  @Timed(name = "policies.update")
  public Views.PolicyView update(@Context SecurityContext security, @Context HttpHeaders headers,
      @PathParam("id") String id, InputStream body) {
    return policies.update(AppAuthFilter.appOf(security), id, capped(body), headers);
  }

  @DELETE
  @Path("{id}")
  @Timed(name = "policies.delete")
  public Views.Deleted delete(@Context SecurityContext security, @Context HttpHeaders headers,
      @PathParam("id") String id) {
    return policies.delete(AppAuthFilter.appOf(security), id, headers);
  }

  @POST
  @Path("{id}/rules")
  @Timed(name = "policies.rules.create")
  public Views.RuleView addRule(@Context SecurityContext security, @Context HttpHeaders headers,
      @PathParam("id") String id, InputStream body) {
    return policies.addRule(AppAuthFilter.appOf(security), id, capped(body), headers);
  }

  @GET
  @Path("{id}/rules/{rule_id}")
  @Timed(name = "policies.rules.get")
  public Views.RuleView getRule(@Context SecurityContext security, @PathParam("id") String id,
      @PathParam("rule_id") String ruleId) {
    return policies.getRule(AppAuthFilter.appOf(security), id, ruleId);
  }

  @PATCH
  @Path("{id}/rules/{rule_id}")
  @Timed(name = "policies.rules.update")
  public Views.RuleView updateRule(@Context SecurityContext security,
      @Context HttpHeaders headers, @PathParam("id") String id,
      @PathParam("rule_id") String ruleId, InputStream body) {
    return policies.updateRule(AppAuthFilter.appOf(security), id, ruleId, capped(body), headers);
  }

  @DELETE
  @Path("{id}/rules/{rule_id}")
  @Timed(name = "policies.rules.delete")
  public Views.Deleted deleteRule(@Context SecurityContext security,
      @Context HttpHeaders headers, @PathParam("id") String id,
      @PathParam("rule_id") String ruleId) {
    return policies.deleteRule(AppAuthFilter.appOf(security), id, ruleId, headers);
  }

  static byte[] capped(InputStream body) {
    return Bodies.readCapped(body, Bodies.MAX_BODY_BYTES).orElseThrow(Bodies::tooLarge);
  }
}
