package io.nitrosign.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler in every wire pipeline: closes the connection on any exception. Logs what kind of
 * fault it was, never exception text or payload bytes.
 */
final class CloseOnErrorHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(CloseOnErrorHandler.class);

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    String connection = ctx.channel().id().asShortText();
    Throwable root = cause instanceof DecoderException && cause.getCause() != null
        ? cause.getCause() : cause;
    if (root instanceof TooLongFrameException) {
      log.warn("closing connection {}: frame exceeds the maximum frame size", connection);
    } else if (root instanceof CorruptedFrameException) {
      log.warn("closing connection {}: malformed frame", connection);
    } else if (root instanceof IOException) {
      log.debug("closing connection {}: I/O error ({})", connection,
          root.getClass().getSimpleName());
    } else {
      log.warn("closing connection {}: unexpected {}", connection,
          root.getClass().getSimpleName());
    }
    ctx.close();
  }
}
