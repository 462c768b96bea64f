package io.nitrosign.parent.metrics;

import com.codahale.metrics.MetricRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics/prometheus} on the admin port: the metric registry in the Prometheus text
 * format. Read-only (other methods answer 405), no parameters, no request data echoed. It is
 * exposed exactly as Dropwizard's own {@code /metrics}: on the admin connector, which listens on
 * 127.0.0.1 unless the operator binds it elsewhere, without the task token (tasks change state;
 * metrics do not and hold no secrets: counts, latencies, states, app ids).
 */
public final class PrometheusServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private final transient MetricRegistry registry;

  public PrometheusServlet(MetricRegistry registry) {
    this.registry = registry;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    StringWriter text = new StringWriter();
    PrometheusText.write(registry, text);
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    resp.setStatus(HttpServletResponse.SC_OK);
    resp.setContentType(PrometheusText.CONTENT_TYPE);
    resp.setHeader("Cache-Control", "no-store");
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }
}
