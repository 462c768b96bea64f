package io.nitrosign.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.HealthResponse;
import io.nitrosign.proto.v1.SignRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** Connection and pending-request-byte limits, over real AF_UNIX sockets. */
class BoundedResourcesTest {

  private static final int MIB = 1 << 20;
  /** A sign request whose serialized size is just under 1 MiB. */
  private static final ByteString NEAR_MIB = ByteString.copyFrom(new byte[MIB - 64]);

  @TempDir Path dir;
  private Path socket;
  private EnclaveAddress address;
  private final HoldingHandler handler = new HoldingHandler();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void setUp() {
    socket = dir.resolve("e.sock");
    address = new EnclaveAddress.Unix(socket);
  }

  @AfterEach
  void tearDown() throws Exception {
    handler.releaseAll();
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    handler.close();
  }

  /**
   * Health answers at once; Sign is held until released (or, with a delay set, answered by one
   * slow worker). Records the most request bytes it held at once, independently of the server.
   */
  static final class HoldingHandler implements RequestHandler, AutoCloseable {
    final ConcurrentLinkedQueue<CompletableFuture<EnclaveResponse>> held =
        new ConcurrentLinkedQueue<>();
    final AtomicLong heldBytes = new AtomicLong();
    final AtomicLong peakHeldBytes = new AtomicLong();
    volatile long serveDelayMillis = -1;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "slow-handler");
      t.setDaemon(true);
      return t;
    });

    @Override
    public CompletableFuture<EnclaveResponse> handle(EnclaveRequest request) {
      if (request.hasHealth()) {
        return CompletableFuture.completedFuture(ready());
      }
      long size = request.getSerializedSize();
      peakHeldBytes.accumulateAndGet(heldBytes.addAndGet(size), Math::max);
      CompletableFuture<EnclaveResponse> f = new CompletableFuture<>();
      f.whenComplete((r, e) -> heldBytes.addAndGet(-size));
      if (serveDelayMillis >= 0) {
        worker.execute(() -> {
          try {
            Thread.sleep(serveDelayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          f.complete(ready());
        });
      } else {
        held.add(f);
      }
      return f;
    }

    void releaseAll() {
      CompletableFuture<EnclaveResponse> f;
      while ((f = held.poll()) != null) {
        f.complete(ready());
      }
    }

    @Override
    public void close() {
      worker.shutdownNow();
    }

    private static EnclaveResponse ready() {
      return EnclaveResponse.newBuilder()
          .setHealth(HealthResponse.newBuilder().setState(EnclaveState.READY).setVersion("t"))
          .build();
    }
  }

  private WireServer server(WireServer.Limits limits) throws Exception {
    WireServer server = WireServer.start(address, Framing.DEFAULT_MAX_FRAME_BYTES, limits, handler);
    toClose.add(server);
    return server;
  }

  private AFUNIXSocket connect() throws IOException {
    AFUNIXSocket s = AFUNIXSocket.newInstance();
    s.connect(AFUNIXSocketAddress.of(socket));
    s.setSoTimeout(10_000);
    toClose.add(s);
    return s;
  }

  private static byte[] health(long id) {
    return RawFrames.frame(TestHandler.health().setRequestId(id).build().toByteArray());
  }

  private static byte[] bigSign(long id) {
    return RawFrames.frame(EnclaveRequest.newBuilder().setRequestId(id)
        .setSign(SignRequest.newBuilder().setDigest(NEAR_MIB)).build().toByteArray());
  }

  private static void send(AFUNIXSocket s, byte[] frame) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(frame);
    out.flush();
  }

  private static boolean isServed(EnclaveResponse response) {
    return response.hasHealth() && response.getHealth().getState() == EnclaveState.READY;
  }

  private static boolean isBudgetRefusal(EnclaveResponse response) {
    return response.getError().getCode() == ErrorCode.RESOURCE_EXHAUSTED
        && response.getError().getDetail().equals("request byte budget exhausted");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  private void assertHealthIsServedOnANewConnection() throws IOException {
    AFUNIXSocket s = connect();
    send(s, health(424242));
    EnclaveResponse response = RawFrames.readResponse(s);
    assertEquals(424242, response.getRequestId());
    assertTrue(isServed(response), "health is served");
  }

  @Test
  void connectionsBeyondTheCapAreClosedAndTheFirstOnesKeepWorking() throws Exception {
    WireServer server = server(new WireServer.Limits(3, 16, 4 * MIB, 8 * MIB));
    List<AFUNIXSocket> admitted = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      AFUNIXSocket s = connect();
      send(s, health(i));
      assertTrue(isServed(RawFrames.readResponse(s)));
      admitted.add(s);
    }
    assertEquals(3, server.openConnections());
    for (int i = 0; i < 20; i++) {
      AFUNIXSocket excess = connect();
      assertTrue(RawFrames.closedByPeer(excess), "connection " + (4 + i) + " is closed");
    }
    assertEquals(3, server.openConnections());
    for (AFUNIXSocket s : admitted) {
      send(s, health(7));
      assertTrue(isServed(RawFrames.readResponse(s)), "an admitted connection still works");
    }
    admitted.get(0).close();
    await(() -> server.openConnections() == 2, "a closed connection frees its slot");
    assertHealthIsServedOnANewConnection();
  }

  @Test
  void aConnectionOverItsOwnByteBudgetIsRefusedWhileAnotherConnectionIsStillServed()
      throws Exception {
    WireServer server = server(new WireServer.Limits(8, 1024, 3L * MIB, 64L * MIB));
    AFUNIXSocket greedy = connect();
    for (int id = 1; id <= 4; id++) {
      send(greedy, bigSign(id));
    }
    EnclaveResponse fourth = RawFrames.readResponse(greedy);
    assertEquals(4, fourth.getRequestId(), "only the request over the budget is answered at once");
    assertTrue(isBudgetRefusal(fourth));
    await(() -> handler.held.size() == 3, "three requests fit the budget");

    AFUNIXSocket other = connect();
    send(other, bigSign(1));
    await(() -> handler.held.size() == 4, "another connection has its own budget");
    assertTrue(server.pendingRequestBytes() <= 4L * MIB);

    handler.releaseAll();
    for (int i = 0; i < 3; i++) {
      assertTrue(isServed(RawFrames.readResponse(greedy)));
    }
    assertTrue(isServed(RawFrames.readResponse(other)));
    await(() -> server.pendingRequestBytes() == 0, "answered requests free their bytes");
    send(greedy, bigSign(5));
    await(() -> handler.held.size() == 1, "the budget is available again");
    handler.releaseAll();
    assertTrue(isServed(RawFrames.readResponse(greedy)));
  }

  @Test
  void theServerWideByteBudgetIsSharedByAllConnections() throws Exception {
    WireServer server = server(new WireServer.Limits(8, 1024, 64L * MIB, 3L * MIB));
    AFUNIXSocket a = connect();
    AFUNIXSocket b = connect();
    send(a, bigSign(1));
    send(a, bigSign(2));
    await(() -> handler.held.size() == 2, "the first two fit");
    send(b, bigSign(3));
    await(() -> handler.held.size() == 3, "the third fits");
    send(b, bigSign(4));
    EnclaveResponse refused = RawFrames.readResponse(b);
    assertEquals(4, refused.getRequestId());
    assertTrue(isBudgetRefusal(refused));
    assertTrue(server.peakPendingRequestBytes() <= 3L * MIB);
    handler.releaseAll();
    await(() -> server.pendingRequestBytes() == 0, "answered requests free their bytes");
    assertHealthIsServedOnANewConnection();
  }

  @Test
  void aFloodOfNearMebibyteFramesIsRefusedWithinTheBudgetAndTheServerKeepsServing()
      throws Exception {
    long budget = 6L * MIB;
    WireServer server = server(new WireServer.Limits(8, 1024, 3L * MIB, budget));
    handler.serveDelayMillis = 100; // one request every 100 ms: far slower than the flood
    int connections = 4;
    int framesPerConnection = 24;
    ExecutorService flooders = Executors.newFixedThreadPool(connections * 2);
    try {
      List<Future<Map<String, Integer>>> outcomes = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        AFUNIXSocket s = connect();
        flooders.submit(() -> {
          for (int id = 1; id <= framesPerConnection; id++) {
            send(s, bigSign(id));
          }
          return null;
        });
        outcomes.add(flooders.submit(() -> {
          Map<String, Integer> counts = new HashMap<>();
          for (int i = 0; i < framesPerConnection; i++) {
            EnclaveResponse r = RawFrames.readResponse(s);
            String kind = isServed(r) ? "served" : isBudgetRefusal(r) ? "refused" : "other";
            counts.merge(kind, 1, Integer::sum);
          }
          return counts;
        }));
      }
      Map<String, Integer> total = new HashMap<>();
      for (Future<Map<String, Integer>> f : outcomes) {
        f.get(60, TimeUnit.SECONDS).forEach((k, v) -> total.merge(k, v, Integer::sum));
      }
      assertEquals(null, total.get("other"), "every answer is served or a typed refusal");
      assertEquals(connections * framesPerConnection,
          total.getOrDefault("served", 0) + total.getOrDefault("refused", 0));
      assertTrue(total.getOrDefault("refused", 0) > 0, "the flood is refused: " + total);
      assertTrue(total.getOrDefault("served", 0) > 0, "some of it is served: " + total);
    } finally {
      flooders.shutdownNow();
    }
    assertTrue(server.peakPendingRequestBytes() <= budget,
        "counted pending bytes stayed within the budget: " + server.peakPendingRequestBytes());
    assertTrue(handler.peakHeldBytes.get() <= budget,
        "the handler never held more than the budget: " + handler.peakHeldBytes.get());
    await(() -> server.pendingRequestBytes() == 0, "everything answered frees its bytes");
    assertHealthIsServedOnANewConnection();
  }
}
