package io.nitrosign.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.HealthRequest;
import io.nitrosign.proto.v1.SignRequest;
import org.junit.jupiter.api.Test;

class FramingTest {

  private static EmbeddedChannel channel(int maxFrameBytes) {
    EmbeddedChannel ch = new EmbeddedChannel();
    Framing.install(ch.pipeline(), maxFrameBytes, EnclaveRequest.getDefaultInstance(),
        new ChannelInboundHandlerAdapter());
    return ch;
  }

  private static EnclaveRequest sample(long id) {
    return EnclaveRequest.newBuilder().setRequestId(id)
        .setSign(SignRequest.newBuilder().setDigest(ByteString.copyFrom(new byte[32])))
        .build();
  }

  private static ByteBuf frame(byte[] body) {
    ByteBuf buf = Unpooled.buffer();
    buf.writeInt(body.length);
    buf.writeBytes(body);
    return buf;
  }

  @Test
  void fragmentedFrameReassemblesAtEverySplitPoint() {
    ByteBuf whole = frame(sample(7).toByteArray());
    int length = whole.readableBytes();
    for (int split = 0; split <= length; split++) {
      EmbeddedChannel ch = channel(Framing.DEFAULT_MAX_FRAME_BYTES);
      ch.writeInbound(whole.retainedSlice(0, split));
      if (split < length) {
        assertNull(ch.readInbound(), "no message before the frame is complete, split " + split);
      }
      ch.writeInbound(whole.retainedSlice(split, length - split));
      assertEquals(sample(7), ch.readInbound(), "split at " + split);
      assertNull(ch.readInbound());
      assertTrue(ch.isOpen());
      ch.finishAndReleaseAll();
    }
    whole.release();
  }

  @Test
  void byteByByteDeliveryReassembles() {
    ByteBuf whole = frame(sample(9).toByteArray());
    EmbeddedChannel ch = channel(Framing.DEFAULT_MAX_FRAME_BYTES);
    while (whole.isReadable()) {
      ch.writeInbound(whole.readRetainedSlice(1));
    }
    assertEquals(sample(9), ch.readInbound());
    whole.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void twoMessagesInOneBufferAreBothDecoded() {
    ByteBuf both = Unpooled.wrappedBuffer(frame(sample(1).toByteArray()),
        frame(sample(2).toByteArray()));
    EmbeddedChannel ch = channel(Framing.DEFAULT_MAX_FRAME_BYTES);
    ch.writeInbound(both);
    assertEquals(sample(1), ch.readInbound());
    assertEquals(sample(2), ch.readInbound());
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void frameOfExactlyTheMaximumIsAccepted() {
    EnclaveRequest request = sample(3);
    EmbeddedChannel ch = channel(request.getSerializedSize());
    ch.writeInbound(frame(request.toByteArray()));
    assertEquals(request, ch.readInbound());
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void oversizeFrameClosesTheChannelAsSoonAsThePrefixArrives() {
    EmbeddedChannel ch = channel(1024);
    ByteBuf prefixOnly = Unpooled.buffer().writeInt(1025);
    ch.writeInbound(prefixOnly);
    assertFalse(ch.isOpen());
    assertNull(ch.readInbound());
    ch.finishAndReleaseAll();
  }

  @Test
  void hugeUnsignedLengthClosesTheChannel() {
    EmbeddedChannel ch = channel(Framing.DEFAULT_MAX_FRAME_BYTES);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, 1, 2, 3}));
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void garbageFrameClosesTheChannel() {
    EmbeddedChannel ch = channel(Framing.DEFAULT_MAX_FRAME_BYTES);
    ch.writeInbound(frame(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
    assertFalse(ch.isOpen());
    assertNull(ch.readInbound());
    ch.finishAndReleaseAll();
  }

  @Test
  void zeroLengthFrameClosesTheChannel() {
    EmbeddedChannel ch = channel(Framing.DEFAULT_MAX_FRAME_BYTES);
    ch.writeInbound(frame(new byte[0]));
    assertFalse(ch.isOpen());
    assertNull(ch.readInbound());
    ch.finishAndReleaseAll();
  }

  @Test
  void outboundMessagesGetALengthPrefix() throws Exception {
    EmbeddedChannel ch = channel(Framing.DEFAULT_MAX_FRAME_BYTES);
    EnclaveRequest request = EnclaveRequest.newBuilder().setRequestId(5)
        .setHealth(HealthRequest.getDefaultInstance()).build();
    ch.writeOutbound(request);
    ByteBuf out = Unpooled.buffer();
    for (ByteBuf part; (part = ch.readOutbound()) != null; ) {
      out.writeBytes(part);
      part.release();
    }
    assertEquals(request.getSerializedSize(), out.readInt());
    byte[] body = new byte[out.readableBytes()];
    out.readBytes(body);
    assertEquals(request, EnclaveRequest.parseFrom(body));
    ch.finishAndReleaseAll();
  }
}
