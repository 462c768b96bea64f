package io.nitrosign.parent.admin;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code GET /health} on the application port, unauthenticated, for the load balancer (the admin
 * port is bound to 127.0.0.1 and unreachable from it): 200 when every health check passes
 * (database, enclave), else 503. Only the overall verdict: no check names or messages.
 */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
@io.nitrosign.parent.auth.PublicEndpoint
public final class HealthResource {

  private final HealthCheckRegistry checks;

  public HealthResource(HealthCheckRegistry checks) {
    this.checks = checks;
  }

  @GET
  public Response health() {
    SortedMap<String, HealthCheck.Result> results = checks.runHealthChecks();
    boolean healthy = results.values().stream().allMatch(HealthCheck.Result::isHealthy);
    return Response.status(healthy ? 200 : 503).entity(Map.of("healthy", healthy)).build();
  }
}
