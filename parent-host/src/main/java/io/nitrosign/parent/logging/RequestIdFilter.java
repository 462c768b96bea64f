package io.nitrosign.parent.logging;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.MDC;

/**
 * Gives every request on the application port an id: the client's {@code X-Request-Id} when it is
 * 1 to 128 visible ASCII characters (0x21 to 0x7E), else a new random UUID. The id is returned in
 * the {@code X-Request-Id} response header (set before the request is handled, so errors carry it
 * too) and is in the logging MDC as {@code request_id} while the request runs, so every log line of
 * the request names it. A client id that does not qualify is replaced, never cut or escaped: it
 * cannot inject into logs or headers.
 */
public final class RequestIdFilter implements Filter {

  public static final String HEADER = "X-Request-Id";
  public static final String MDC_KEY = "request_id";
  public static final int MAX_CHARS = 128;

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String id = ofClient(((HttpServletRequest) req).getHeader(HEADER));
    if (id == null) {
      id = UUID.randomUUID().toString();
    }
    ((HttpServletResponse) res).setHeader(HEADER, id);
    String previous = MDC.get(MDC_KEY);
    MDC.put(MDC_KEY, id);
    try {
      chain.doFilter(req, res);
    } finally {
      if (previous == null) {
        MDC.remove(MDC_KEY);
      } else {
        MDC.put(MDC_KEY, previous);
      }
    }
  }

  /** The client's id if it qualifies, else null. */
  static String ofClient(String header) {
    if (header == null || header.isEmpty() || header.length() > MAX_CHARS) {
      return null;
    }
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return null;
      }
    }
    return header;
  }
}
