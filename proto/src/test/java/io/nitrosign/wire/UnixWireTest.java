package io.nitrosign.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The whole wire over real AF_UNIX sockets. */
class UnixWireTest {

  private static final Duration DEADLINE = Duration.ofSeconds(5);

  @TempDir Path dir;
  private Path socket;
  private EnclaveAddress address;
  private final TestHandler handler = new TestHandler();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void setUp() {
    // keep the path short: sun_path is limited to 108 bytes
    socket = dir.resolve("e.sock");
    address = new EnclaveAddress.Unix(socket);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    handler.close();
  }

  private WireServer server() throws Exception {
    WireServer server = WireServer.start(address, Framing.DEFAULT_MAX_FRAME_BYTES, handler);
    toClose.add(server);
    return server;
  }

  private EnclaveClient client(int connections) {
    EnclaveClient client = EnclaveClient.start(new EnclaveClient.Config(address, connections,
        Framing.DEFAULT_MAX_FRAME_BYTES, Duration.ofSeconds(1), Duration.ofMillis(200)));
    toClose.add(client);
    return client;
  }

  private static void awaitConnected(EnclaveClient client) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!client.isConnected() && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertTrue(client.isConnected(), "client did not connect");
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  private static AFUNIXSocket raw(Path socket) throws IOException {
    AFUNIXSocket s = AFUNIXSocket.newInstance();
    s.connect(AFUNIXSocketAddress.of(socket));
    s.setSoTimeout(5000);
    return s;
  }

  @Test
  void healthCallWorks() throws Exception {
    WireServer server = server();
    assertEquals(address, server.boundAddress());
    EnclaveClient client = client(2);
    awaitConnected(client);
    EnclaveRequest.Builder request = TestHandler.health();
    EnclaveResponse response = client.call(request, DEADLINE).get(5, TimeUnit.SECONDS);
    assertEquals(EnclaveState.READY, response.getHealth().getState());
    assertTrue(response.getRequestId() != 0);
    assertEquals(0, request.getRequestId(), "the caller's builder is not modified");
  }

  @Test
  void socketFileIsOwnerOnlyAndRemovedOnClose() throws Exception {
    WireServer server = server();
    assertEquals(PosixFilePermissions.fromString("rw-------"),
        Files.getPosixFilePermissions(socket));
    server.close();
    assertFalse(Files.exists(socket));
  }

  @Test
  void staleSocketFileIsReplacedButALiveOneIsNot() throws Exception {
    // a stale socket: bound once, never cleaned up
    AFUNIXSocketAddress stale = AFUNIXSocketAddress.of(socket);
    try (var ss = org.newsclub.net.unix.AFUNIXServerSocket.newInstance()) {
      ss.setDeleteOnClose(false);
      ss.bind(stale);
    }
    assertTrue(Files.exists(socket));
    server();
    assertThrows(BindException.class,
        () -> WireServer.start(address, Framing.DEFAULT_MAX_FRAME_BYTES, handler));
  }

  @Test
  void parentDirectoryIsCreated() throws Exception {
    address = new EnclaveAddress.Unix(dir.resolve("run/n/e.sock"));
    WireServer server = server();
    assertTrue(Files.exists(dir.resolve("run/n/e.sock")));
    server.close();
  }

  @Test
  void thousandConcurrentCallsOverTwoConnectionsGetTheirOwnResponses() throws Exception {
    server();
    EnclaveClient client = client(2);
    awaitConnected(client);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < until && client.connectedCount() < 2) {
      Thread.sleep(10);
    }
    assertEquals(2, client.connectedCount());
    List<CompletableFuture<EnclaveResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      calls.add(client.call(TestHandler.sign(i), DEADLINE));
    }
    for (int i = 0; i < 1000; i++) {
      EnclaveResponse response = calls.get(i).get(10, TimeUnit.SECONDS);
      assertEquals(i, TestHandler.signedNumber(response), "response to call " + i);
    }
    long distinctIds = calls.stream().map(CompletableFuture::join)
        .mapToLong(EnclaveResponse::getRequestId).distinct().count();
    assertEquals(1000, distinctIds);
  }

  @Test
  void oversizeLengthPrefixClosesOnlyThatConnection() throws Exception {
    server();
    EnclaveClient client = client(1);
    awaitConnected(client);
    try (AFUNIXSocket bad = raw(socket)) {
      OutputStream out = bad.getOutputStream();
      out.write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      out.flush();
      assertTrue(RawFrames.closedByPeer(bad));
    }
    assertEquals(EnclaveState.READY,
        client.call(TestHandler.health(), DEADLINE).get(5, TimeUnit.SECONDS).getHealth().getState());
  }

  @Test
  void garbageFrameClosesOnlyThatConnection() throws Exception {
    server();
    EnclaveClient client = client(1);
    awaitConnected(client);
    try (AFUNIXSocket bad = raw(socket)) {
      bad.getOutputStream().write(RawFrames.frame(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2}));
      assertTrue(RawFrames.closedByPeer(bad));
    }
    try (AFUNIXSocket empty = raw(socket)) {
      empty.getOutputStream().write(RawFrames.frame(new byte[0]));
      assertTrue(RawFrames.closedByPeer(empty));
    }
    assertTrue(client.call(TestHandler.health(), DEADLINE).get(5, TimeUnit.SECONDS).hasHealth());
  }

  @Test
  void requestIdZeroIsAnInvalidRequest() throws Exception {
    server();
    try (AFUNIXSocket s = raw(socket)) {
      s.getOutputStream().write(RawFrames.frame(TestHandler.health().build().toByteArray()));
      EnclaveResponse response = RawFrames.readResponse(s);
      assertEquals(ErrorCode.INVALID_REQUEST, response.getError().getCode());
      assertEquals(0, response.getRequestId());
    }
  }

  @Test
  void tooManyRequestsInFlightAreRefused() throws Exception {
    toClose.add(WireServer.start(address, Framing.DEFAULT_MAX_FRAME_BYTES, 2, handler));
    EnclaveClient client = client(1);
    awaitConnected(client);
    List<CompletableFuture<EnclaveResponse>> hanging = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      hanging.add(client.call(TestHandler.generateKey("hang"), DEADLINE));
    }
    EnclaveResponse refused = client.call(TestHandler.health(), DEADLINE).get(5, TimeUnit.SECONDS);
    assertEquals(ErrorCode.RESOURCE_EXHAUSTED, refused.getError().getCode());
    handler.hanging.forEach(f -> f.complete(EnclaveResponse.getDefaultInstance()));
    for (CompletableFuture<EnclaveResponse> f : hanging) {
      f.get(5, TimeUnit.SECONDS);
    }
    assertTrue(client.call(TestHandler.health(), DEADLINE).get(5, TimeUnit.SECONDS).hasHealth());
  }

  @Test
  void handlerFailuresBecomeInternalErrorsWithoutDetail() throws Exception {
    server();
    EnclaveClient client = client(1);
    awaitConnected(client);
    for (String mode : List.of("throw", "fail")) {
      EnclaveResponse response =
          client.call(TestHandler.generateKey(mode), DEADLINE).get(5, TimeUnit.SECONDS);
      assertEquals(ErrorCode.INTERNAL, response.getError().getCode(), mode);
      assertEquals("internal error", response.getError().getDetail(), mode);
    }
  }

  @Test
  void deadlineExpiresWhenTheEnclaveNeverAnswers() throws Exception {
    server();
    EnclaveClient client = client(1);
    awaitConnected(client);
    CompletableFuture<EnclaveResponse> call =
        client.call(TestHandler.generateKey("hang"), Duration.ofMillis(100));
    assertInstanceOf(EnclaveTimeoutException.class, failureOf(call));
    // the late answer is dropped and the connection keeps working
    handler.hanging.forEach(f -> f.complete(EnclaveResponse.getDefaultInstance()));
    assertTrue(client.call(TestHandler.health(), DEADLINE).get(5, TimeUnit.SECONDS).hasHealth());
  }

  @Test
  void clientStartedBeforeTheEnclaveConnectsOnceItIsUp() throws Exception {
    EnclaveClient client = client(2);
    assertFalse(client.isConnected());
    CompletableFuture<EnclaveResponse> early = client.call(TestHandler.health(), DEADLINE);
    assertTrue(early.isDone(), "fails fast without a connection");
    Throwable failure = failureOf(early);
    assertInstanceOf(EnclaveUnavailableException.class, failure);
    assertEquals("enclave unavailable", failure.getMessage());
    Thread.sleep(300); // let a few reconnect attempts fail
    server();
    awaitConnected(client);
    assertTrue(client.call(TestHandler.health(), DEADLINE).get(5, TimeUnit.SECONDS).hasHealth());
  }

  @Test
  void serverStopFailsPendingCallsAndRestartRecovers() throws Exception {
    WireServer server = server();
    EnclaveClient client = client(2);
    awaitConnected(client);
    List<CompletableFuture<EnclaveResponse>> pending = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pending.add(client.call(TestHandler.generateKey("hang"), Duration.ofSeconds(30)));
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (handler.hanging.size() < 10 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    server.close();
    for (CompletableFuture<EnclaveResponse> f : pending) {
      assertInstanceOf(EnclaveUnavailableException.class, failureOf(f));
    }
    until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (client.isConnected() && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertFalse(client.isConnected());
    assertInstanceOf(EnclaveUnavailableException.class,
        failureOf(client.call(TestHandler.health(), DEADLINE)));

    server();
    awaitConnected(client);
    assertTrue(client.call(TestHandler.health(), DEADLINE).get(5, TimeUnit.SECONDS).hasHealth());
  }

  @Test
  void closingTheClientFailsPendingCalls() throws Exception {
    server();
    EnclaveClient client = client(1);
    awaitConnected(client);
    CompletableFuture<EnclaveResponse> call =
        client.call(TestHandler.generateKey("hang"), Duration.ofSeconds(30));
    client.close();
    assertInstanceOf(EnclaveUnavailableException.class, failureOf(call));
    assertFalse(client.isConnected());
    assertInstanceOf(EnclaveUnavailableException.class,
        failureOf(client.call(TestHandler.health(), DEADLINE)));
  }

  @Test
  void oversizeRequestIsRefusedBeforeSending() throws Exception {
    server();
    EnclaveClient client = EnclaveClient.start(new EnclaveClient.Config(address, 1, 16,
        Duration.ofSeconds(1), Duration.ofMillis(200)));
    toClose.add(client);
    awaitConnected(client);
    assertInstanceOf(IllegalArgumentException.class,
        failureOf(client.call(TestHandler.sign(1), DEADLINE)));
  }
}
