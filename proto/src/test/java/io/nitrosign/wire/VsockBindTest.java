package io.nitrosign.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nitrosign.wire.vsock.VsockSelectorProvider;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves a real AF_VSOCK port binds on this machine through our own VSOCK classes. (This VM has
 * no vsock loopback, so nothing can connect to it; the client is only shown to fail cleanly.)
 */
class VsockBindTest {

  @BeforeAll
  static void requireVsock() {
    assumeTrue(Files.exists(Path.of("/dev/vsock")), "no /dev/vsock on this machine");
  }

  private static int randomPort() {
    int port;
    do {
      port = ThreadLocalRandom.current().nextInt(20000, 60000);
    } while (port == 5007);
    return port;
  }

  @Test
  void nativeLibraryReportsVsockSupport() {
    assertTrue(VsockSelectorProvider.isSupported());
  }

  @Test
  void bindsARealVsockPortOnAnyCid() throws Exception {
    WireServer server = null;
    EnclaveAddress.Vsock address = null;
    for (int attempt = 0; attempt < 5 && server == null; attempt++) {
      address = new EnclaveAddress.Vsock(EnclaveAddress.VSOCK_CID_ANY, randomPort());
      try {
        server = WireServer.start(address, Framing.DEFAULT_MAX_FRAME_BYTES, new TestHandler());
      } catch (BindException e) {
        // port taken by someone else: try another
      }
    }
    assertTrue(server != null, "could not bind any vsock port");
    try (WireServer bound = server) {
      assertEquals(address, bound.boundAddress());
      assertEquals("vsock:any:" + address.port(), bound.boundAddress().toString());
      EnclaveAddress.Vsock same = address;
      IOException second = assertThrows(IOException.class,
          () -> WireServer.start(same, Framing.DEFAULT_MAX_FRAME_BYTES, new TestHandler()));
      assertTrue(second instanceof BindException
          || String.valueOf(second.getMessage()).toLowerCase().contains("in use"),
          "second bind must fail with address in use, got " + second.getClass().getSimpleName());
    }
    // closed: the port is free again
    try (WireServer again = WireServer.start(address, Framing.DEFAULT_MAX_FRAME_BYTES,
        new TestHandler())) {
      assertEquals(address, again.boundAddress());
    }
  }

  @Test
  void clientToAnUnreachableVsockPeerFailsCleanly() throws Exception {
    EnclaveAddress address = new EnclaveAddress.Vsock(3, randomPort());
    try (EnclaveClient client = EnclaveClient.start(new EnclaveClient.Config(address, 1,
        Framing.DEFAULT_MAX_FRAME_BYTES, Duration.ofMillis(300), Duration.ofMillis(200)))) {
      assertFalse(client.isConnected());
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> client.call(TestHandler.health(), Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS));
      assertInstanceOf(EnclaveUnavailableException.class, e.getCause());
    }
  }
}
