package io.nitrosign.parent.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.logging.common.layout.DiscoverableLayoutFactory;
import java.util.TimeZone;

/**
 * {@code layout: {type: json}} for an appender of the application log ({@code logging.appenders}):
 * one JSON object per line ({@link JsonLayout}). For the application log only: the request log
 * ({@code server.requestLog}) keeps Dropwizard's access format.
 */
@JsonTypeName("json")
public final class JsonLayoutFactory implements DiscoverableLayoutFactory<ILoggingEvent> {

  @Override
  public LayoutBase<ILoggingEvent> build(LoggerContext context, TimeZone timeZone) {
    JsonLayout layout = new JsonLayout(timeZone);
    layout.setContext(context);
    return layout;
  }
}
