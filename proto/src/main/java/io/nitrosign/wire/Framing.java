package io.nitrosign.wire;

import com.google.protobuf.MessageLite;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufEncoder;

/**
 * The wire framing shared by both ends: a 4-byte big-endian length, then exactly one serialized
 * protobuf message.
 *
 * <p>Frames longer than the maximum are refused as soon as their length prefix is read; the
 * connection is then closed. A frame that is empty or does not parse as the expected message type
 * also closes the connection. Other connections are never affected.
 */
public final class Framing {

  /** The default hard maximum frame size: 1 MiB (not counting the 4-byte prefix). */
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;

  /** Size of the length prefix. */
  public static final int LENGTH_FIELD_BYTES = 4;

  private Framing() {}

  /**
   * Installs the codec, then {@code application}, then a last handler that closes the connection on
   * any decoding error or exception that reached the end of the pipeline.
   *
   * @param pipeline the channel's pipeline
   * @param maxFrameBytes hard maximum length of one message, in bytes (at least 1)
   * @param inboundPrototype default instance of the message type this side receives
   * @param application the handler that consumes decoded messages
   */
  public static void install(ChannelPipeline pipeline, int maxFrameBytes,
      MessageLite inboundPrototype, ChannelHandler application) {
    if (maxFrameBytes < 1 || maxFrameBytes > Integer.MAX_VALUE - LENGTH_FIELD_BYTES) {
      throw new IllegalArgumentException("maxFrameBytes out of range");
    }
    // Netty's limit counts the length field too.
    pipeline.addLast("frameDecoder", new LengthFieldBasedFrameDecoder(
        maxFrameBytes + LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES, true));
    pipeline.addLast("messageDecoder", new ProtobufFrameDecoder<>(inboundPrototype));
    pipeline.addLast("frameEncoder", new LengthFieldPrepender(LENGTH_FIELD_BYTES));
    pipeline.addLast("messageEncoder", new ProtobufEncoder());
    pipeline.addLast("application", application);
    pipeline.addLast("closeOnError", new CloseOnErrorHandler());
  }
}
