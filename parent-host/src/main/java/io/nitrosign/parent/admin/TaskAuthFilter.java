package io.nitrosign.parent.admin;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Guards {@code /tasks/*} on the admin port: {@code Authorization: Bearer TOKEN} must equal
 * {@code admin.taskToken} (compared in constant time over SHA-256 digests, so neither the content
 * nor the length leaks through timing). No token configured: 403 for every task. Missing or wrong
 * token: 401. The presented token is never logged.
 */
public final class TaskAuthFilter implements Filter {

  private final byte[] expectedDigest;

  public TaskAuthFilter(String token) {
    this.expectedDigest = token == null || token.isEmpty() ? null : sha256(token);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    if (expectedDigest == null) {
      refuse(response, HttpServletResponse.SC_FORBIDDEN,
          "admin tasks are disabled: no admin.taskToken is configured");
      return;
    }
    String header = request.getHeader("Authorization");
    String prefix = "Bearer ";
    boolean ok = header != null && header.regionMatches(true, 0, prefix, 0, prefix.length())
        && MessageDigest.isEqual(expectedDigest, sha256(header.substring(prefix.length()).strip()));
    if (!ok) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"nitrosign-admin\"");
      refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "admin task token missing or wrong");
      return;
    }
    chain.doFilter(req, res);
  }

  private static void refuse(HttpServletResponse response, int status, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.getWriter().println("{\"error\":\"" + message + "\"}");
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
