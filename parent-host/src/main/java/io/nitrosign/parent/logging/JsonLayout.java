package io.nitrosign.parent.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TimeZone;

/**
 * One log event as one line of JSON: {@code timestamp} (ISO-8601 with offset), {@code level},
 * {@code logger}, {@code thread}, {@code message} (the formatted message), {@code request_id} when
 * the event happened during a request ({@link RequestIdFilter}), and for an event with an
 * exception {@code exception}: the class names of the exception and its causes, outermost first.
 *
 * <p>No stack traces and no exception messages: messages of library exceptions can carry request
 * data (a SQL parameter, a header value), and the parent's own log statements already name the
 * failure without secrets or bodies. Every string is escaped, so no logged value can break the
 * line or forge fields.
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {

  private static final int MAX_CAUSES = 5;
  private final DateTimeFormatter timestamps;

  public JsonLayout(TimeZone timeZone) {
    this.timestamps = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(timeZone.toZoneId());
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"timestamp\":");
    string(b, timestamps.format(Instant.ofEpochMilli(event.getTimeStamp())));
    b.append(",\"level\":");
    string(b, event.getLevel().toString());
    b.append(",\"logger\":");
    string(b, event.getLoggerName());
    b.append(",\"thread\":");
    string(b, event.getThreadName());
    b.append(",\"message\":");
    string(b, event.getFormattedMessage());
    Map<String, String> mdc = event.getMDCPropertyMap();
    String requestId = mdc == null ? null : mdc.get(RequestIdFilter.MDC_KEY);
    if (requestId != null) {
      b.append(",\"request_id\":");
      string(b, requestId);
    }
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) {
      b.append(",\"exception\":[");
      for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
        if (i > 0) {
          b.append(',');
        }
        string(b, t.getClassName());
      }
      b.append(']');
    }
    return b.append("}\n").toString();
  }

  @Override
  public String getContentType() {
    return "application/json";
  }

  /** Appends {@code s} as a JSON string (null as null). */
  static void string(StringBuilder b, String s) {
    io.nitrosign.chains.json.JsonStrings.appendQuoted(b, s);
  }
}
