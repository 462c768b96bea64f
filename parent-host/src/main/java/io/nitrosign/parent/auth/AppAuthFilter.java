package io.nitrosign.parent.auth;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.api.ApiExceptionMapper;
import io.nitrosign.parent.api.ErrorBody;
import io.nitrosign.parent.app.App;
import io.nitrosign.parent.app.AppManager;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;

/**
 * HTTP Basic {@code app_id:app_secret} on every route of the application port, unless the matched
 * resource method (or its class) is annotated {@link PublicEndpoint}. The decision is made on the
 * route Jersey matched, after matching, so no spelling of a path (matrix parameters, encoded or
 * doubled slashes, letter case) can reach a resource without it. Requests that match no route
 * (404, 405, 406, 415) answer 401 unless they carry valid credentials, so routing cannot be probed
 * anonymously. An optional {@code privy-app-id} header must name the same app. Failures answer 401
 * with {@code WWW-Authenticate: Basic realm="nitrosign"} and are recorded by {@link AuthFailures}.
 */
@Priority(Priorities.AUTHENTICATION)
public final class AppAuthFilter implements ContainerRequestFilter, ContainerResponseFilter {

  public static final String PRIVY_APP_ID = "privy-app-id";
  private static final int MAX_HEADER_CHARS = 1024;
  /** Set on every request that reached a matched route (and so went through the request filter). */
  private static final String ROUTED = AppAuthFilter.class.getName() + ".routed";

  private final AppManager apps;
  private final AuthFailures failures;
  private final ApiExceptionMapper mapper = new ApiExceptionMapper();
  private final io.nitrosign.parent.metrics.LatencyHistogram authStage;

  @Context
  private ResourceInfo resourceInfo;

  public AppAuthFilter(AppManager apps, AuthFailures failures) {
    this(apps, failures, new io.nitrosign.parent.metrics.LatencyHistogram());
  }

  /** {@code authStage}: records how long checking the app credentials takes. */
  public AppAuthFilter(AppManager apps, AuthFailures failures,
      io.nitrosign.parent.metrics.LatencyHistogram authStage) {
    this.apps = apps;
    this.failures = failures;
    this.authStage = authStage;
  }

  /** A failed login: why, and the real app the credentials named (or null). */
  private static final class LoginFailed extends RuntimeException {
    final AuthFailures.Reason reason;
    final String namedAppId;

    LoginFailed(AuthFailures.Reason reason, String namedAppId, String message) {
      super(message, null, false, false);
      this.reason = reason;
      this.namedAppId = namedAppId;
    }
  }

  @Override
  public void filter(ContainerRequestContext request) {
    request.setProperty(ROUTED, Boolean.TRUE);
    if (isPublic(resourceInfo)) {
      return;
    }
    try (io.nitrosign.parent.metrics.LatencyHistogram.Context t = authStage.time()) {
      App app = authenticate(request);
      setPrincipal(request, app);
    } catch (LoginFailed e) {
      failures.record(e.reason, e.namedAppId);
      request.abortWith(mapper.toResponse(ApiException.unauthorized(e.getMessage())));
    }
  }

  /** Requests that matched no route: only a caller with valid credentials learns why. */
  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(ROUTED) != null) {
      return;
    }
    try {
      authenticate(request);
    } catch (LoginFailed e) {
      failures.record(e.reason, e.namedAppId);
      ApiException unauthorized = ApiException.unauthorized(e.getMessage());
      response.getHeaders().clear();
      unauthorized.headers().forEach(response.getHeaders()::add);
      response.setStatus(unauthorized.status());
      response.setEntity(new ErrorBody(unauthorized.getMessage(), unauthorized.code()),
          new Annotation[0], MediaType.APPLICATION_JSON_TYPE);
    }
  }

  static boolean isPublic(ResourceInfo info) {
    if (info == null) {
      return false;
    }
    Method method = info.getResourceMethod();
    Class<?> type = info.getResourceClass();
    if (method == null || type == null) {
      return false; // e.g. Jersey's generated OPTIONS answers: not ours, so not public
    }
    return method.isAnnotationPresent(PublicEndpoint.class)
        || type.isAnnotationPresent(PublicEndpoint.class);
  }

  private static void setPrincipal(ContainerRequestContext request, App app) {
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
  }

  private App authenticate(ContainerRequestContext request) {
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      throw new LoginFailed(AuthFailures.Reason.MISSING, null,
          "missing Authorization header (HTTP Basic app_id:app_secret)");
    }
    if (header.length() > MAX_HEADER_CHARS || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw malformed();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw malformed();
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw malformed();
    }
    String appId = decoded.substring(0, colon);
    String secret = decoded.substring(colon + 1);
    AppManager.Login login = apps.login(appId, secret);
    if (!login.succeeded()) {
      throw new LoginFailed(AuthFailures.Reason.INVALID_CREDENTIALS, login.namedAppId(),
          "invalid app credentials");
    }
    String privyAppId = request.getHeaderString(PRIVY_APP_ID);
    if (privyAppId != null && !privyAppId.equals(login.app().id())) {
      throw new LoginFailed(AuthFailures.Reason.APP_ID_MISMATCH, login.app().id(),
          "privy-app-id header does not match the authenticated app");
    }
    return login.app();
  }

  private static LoginFailed malformed() {
    return new LoginFailed(AuthFailures.Reason.MALFORMED, null,
        "malformed Authorization header (expected HTTP Basic)");
  }

  /** The app a filtered request was authenticated as. */
  public static App appOf(SecurityContext context) {
    if (context != null && context.getUserPrincipal() instanceof AppPrincipal p) {
      return p.app();
    }
    throw ApiException.unauthorized("unauthorized");
  }
}
