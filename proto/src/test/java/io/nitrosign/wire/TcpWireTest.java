package io.nitrosign.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.proto.v1.EnclaveResponse;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Smoke test of the TCP loopback transport (a debugging aid) through the same code. */
class TcpWireTest {

  @Test
  void callsWorkOverTcpLoopback() throws Exception {
    try (TestHandler handler = new TestHandler();
        WireServer server = WireServer.start(new EnclaveAddress.Tcp("127.0.0.1", 0),
            Framing.DEFAULT_MAX_FRAME_BYTES, handler)) {
      EnclaveAddress.Tcp bound = (EnclaveAddress.Tcp) server.boundAddress();
      assertNotEquals(0, bound.port());
      try (EnclaveClient client = EnclaveClient.start(new EnclaveClient.Config(bound, 2,
          Framing.DEFAULT_MAX_FRAME_BYTES, Duration.ofSeconds(1), Duration.ofMillis(200)))) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!client.isConnected() && System.nanoTime() < until) {
          Thread.sleep(10);
        }
        assertTrue(client.call(TestHandler.health(), Duration.ofSeconds(5))
            .get(5, TimeUnit.SECONDS).hasHealth());
        List<CompletableFuture<EnclaveResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          calls.add(client.call(TestHandler.sign(i), Duration.ofSeconds(5)));
        }
        for (int i = 0; i < 100; i++) {
          assertEquals(i, TestHandler.signedNumber(calls.get(i).get(5, TimeUnit.SECONDS)));
        }
      }
      // a garbage frame closes that TCP connection too
      try (Socket raw = new Socket("127.0.0.1", bound.port())) {
        raw.setSoTimeout(5000);
        raw.getOutputStream().write(RawFrames.frame(new byte[] {(byte) 0xff, 1}));
        assertTrue(RawFrames.closedByPeer(raw));
      }
    }
  }
}
