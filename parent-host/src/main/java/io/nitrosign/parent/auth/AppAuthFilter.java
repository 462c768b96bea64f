package io.nitrosign.parent.auth;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ApiExceptionMapper;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.app.AppManager;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Optional;

/**
 * HTTP Basic {@code app_id:app_secret} on every {@code /v1} path (matched or not, so unknown
 * routes do not leak to unauthenticated callers). An optional {@code privy-app-id} header must
 * name the same app. Failures answer 401 with {@code WWW-Authenticate: Basic realm="nitrosign"}.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class AppAuthFilter implements ContainerRequestFilter {

  public static final String PRIVY_APP_ID = "privy-app-id";
  private static final int MAX_HEADER_CHARS = 1024;

  private final AppManager apps;
  private final ApiExceptionMapper mapper = new ApiExceptionMapper();

  public AppAuthFilter(AppManager apps) {
    this.apps = apps;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (!(path.equals("v1") || path.startsWith("v1/"))) {
      return;
    }
    try {
      App app = authenticate(request);
      SecurityContext original = request.getSecurityContext();
      AppPrincipal principal = new AppPrincipal(app);
      request.setSecurityContext(new SecurityContext() {
        @Override
        public Principal getUserPrincipal() {
          return principal;
        }

        @Override
        public boolean isUserInRole(String role) {
          return false;
        }

        @Override
        public boolean isSecure() {
          return original != null && original.isSecure();
        }

        @Override
        public String getAuthenticationScheme() {
          return SecurityContext.BASIC_AUTH;
        }
      });
    } catch (ApiException e) {
      request.abortWith(mapper.toResponse(e));
    }
  }

  private App authenticate(ContainerRequestContext request) {
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      throw ApiException.unauthorized("missing Authorization header (HTTP Basic app_id:app_secret)");
    }
    if (header.length() > MAX_HEADER_CHARS || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw ApiException.unauthorized("malformed Authorization header (expected HTTP Basic)");
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.unauthorized("malformed Authorization header (expected HTTP Basic)");
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw ApiException.unauthorized("malformed Authorization header (expected HTTP Basic)");
    }
    String appId = decoded.substring(0, colon);
    String secret = decoded.substring(colon + 1);
    Optional<App> app = apps.authenticate(appId, secret);
    if (app.isEmpty()) {
      throw ApiException.unauthorized("invalid app credentials");
    }
    String privyAppId = request.getHeaderString(PRIVY_APP_ID);
    if (privyAppId != null && !privyAppId.equals(app.get().id())) {
      throw ApiException.unauthorized("privy-app-id header does not match the authenticated app");
    }
    return app.get();
  }

  /** The app a filtered request was authenticated as. */
  public static App appOf(SecurityContext context) {
    if (context != null && context.getUserPrincipal() instanceof AppPrincipal p) {
      return p.app();
    }
    throw ApiException.unauthorized("unauthorized");
  }
}
