package io.nitrosign.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Parses one complete frame into one protobuf message. An empty frame, or bytes that do not parse,
 * raise {@link CorruptedFrameException} (without any payload in its message).
 */
final class ProtobufFrameDecoder<T extends MessageLite> extends MessageToMessageDecoder<ByteBuf> {

  private final Parser<T> parser;

  @SuppressWarnings("unchecked")
  ProtobufFrameDecoder(T prototype) {
    this.parser = (Parser<T>) prototype.getParserForType();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    int length = frame.readableBytes();
    if (length == 0) {
      throw new CorruptedFrameException("empty frame");
    }
    try {
      T message;
      if (frame.hasArray()) {
        message = parser.parseFrom(frame.array(), frame.arrayOffset() + frame.readerIndex(), length);
      } else {
        message = parser.parseFrom(ByteBufUtil.getBytes(frame, frame.readerIndex(), length, false));
      }
      frame.skipBytes(length);
      out.add(message);
    } catch (InvalidProtocolBufferException e) {
      throw new CorruptedFrameException("frame does not parse as the expected message");
    }
  }
}
