package io.nitrosign.wire;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The parent side of the wire: a small pool of connections to the enclave, requests multiplexed
 * by {@code request_id}, a deadline on every call, automatic reconnect with backoff.
 *
 * <p>{@link #call} assigns the request id itself. The returned future fails with
 * {@link EnclaveUnavailableException} when no connection is up (or one drops mid-call), and with
 * {@link EnclaveTimeoutException} when the deadline passes. Responses with an {@code Error} body
 * complete normally: interpreting them is the caller's job.
 *
 * <p>Futures complete on a Netty I/O thread: dependent stages that block must use an
 * {@code *Async} variant with their own executor. Thread-safe.
 */
public final class EnclaveClient implements AutoCloseable {

  /**
   * Client settings.
   *
   * @param address where the enclave listens
   * @param connections size of the connection pool (at least 1)
   * @param maxFrameBytes hard maximum size of one message, both ways
   * @param connectTimeout limit on one connection attempt
   * @param reconnectMaxBackoff cap of the exponential reconnect backoff (which starts at 50 ms)
   */
  public record Config(EnclaveAddress address, int connections, int maxFrameBytes,
      Duration connectTimeout, Duration reconnectMaxBackoff) {

    /** Validates the settings. */
    public Config {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(reconnectMaxBackoff, "reconnectMaxBackoff");
      if (connections < 1) {
        throw new IllegalArgumentException("connections must be at least 1");
      }
      if (maxFrameBytes < 1) {
        throw new IllegalArgumentException("maxFrameBytes must be positive");
      }
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive");
      }
      if (reconnectMaxBackoff.isNegative()) {
        throw new IllegalArgumentException("reconnectMaxBackoff must not be negative");
      }
    }

    /** Defaults: 4 connections, 1 MiB frames, 2 s connect timeout, 5 s maximum backoff. */
    public static Config defaults(EnclaveAddress address) {
      return new Config(address, 4, Framing.DEFAULT_MAX_FRAME_BYTES, Duration.ofSeconds(2),
          Duration.ofSeconds(5));
    }
  }

  private final Config config;
  private final EventLoopGroup group;
  private final ScheduledThreadPoolExecutor connector;
  private final ClientConnection[] connections;
  private final AtomicLong nextRequestId = new AtomicLong();
  private final AtomicInteger roundRobin = new AtomicInteger();
  private volatile boolean closed;

  private EnclaveClient(Config config, EventLoopGroup group, ScheduledThreadPoolExecutor connector,
      ClientConnection[] connections) {
    this.config = config;
    this.group = group;
    this.connector = connector;
    this.connections = connections;
  }

  /** Starts connecting in the background; never blocks and never throws for an absent enclave. */
  public static EnclaveClient start(Config config) {
    Objects.requireNonNull(config, "config");
    SocketAddress remote;
    try {
      remote = Transport.socketAddress(config.address());
    } catch (IOException e) {
      throw new UncheckedIOException("invalid enclave address " + config.address(), e);
    }
    Transport transport = Transport.forAddress(config.address());
    EventLoopGroup group = transport.newGroup(
        Math.min(config.connections(), Math.max(1, Runtime.getRuntime().availableProcessors())),
        "nitrosign-wire-client", true);
    // Connections are connected (blocking, bounded by connectTimeout) on these threads, then
    // handed to the event loop group: see Transport#connect.
    ScheduledThreadPoolExecutor connector = new ScheduledThreadPoolExecutor(
        Math.min(config.connections(), 4), new DefaultThreadFactory("nitrosign-wire-connect", true));
    connector.setRemoveOnCancelPolicy(true);
    Bootstrap bootstrap = new Bootstrap().group(group).resolver(NoopAddressResolverGroup.INSTANCE);
    ClientConnection[] connections = new ClientConnection[config.connections()];
    for (int i = 0; i < connections.length; i++) {
      connections[i] = new ClientConnection(i, transport, connector, bootstrap, remote,
          config.address(), config.maxFrameBytes(), config.connectTimeout(),
          config.reconnectMaxBackoff());
    }
    EnclaveClient client = new EnclaveClient(config, group, connector, connections);
    for (ClientConnection c : connections) {
      c.connect();
    }
    return client;
  }

  /**
   * Sends one request on a live connection. Sets {@code request_id} on a copy of the builder (the
   * caller's builder is left as it was).
   *
   * @param request the request; its body must be set
   * @param deadline how long to wait for the response
   * @return the response, or a future failed with {@link EnclaveUnavailableException},
   *     {@link EnclaveTimeoutException}, or {@link IllegalArgumentException} for a request above
   *     the maximum frame size
   */
  public CompletableFuture<EnclaveResponse> call(EnclaveRequest.Builder request, Duration deadline) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(deadline, "deadline");
    if (closed) {
      return CompletableFuture.failedFuture(
          new EnclaveUnavailableException("enclave client closed"));
    }
    long id = nextId();
    EnclaveRequest message = request.clone().setRequestId(id).build();
    if (message.getSerializedSize() > config.maxFrameBytes()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("request exceeds the maximum frame size"));
    }
    ClientConnection connection = pickLive();
    if (connection == null) {
      return CompletableFuture.failedFuture(new EnclaveUnavailableException("enclave unavailable"));
    }
    return connection.send(message, deadline);
  }

  /** True when at least one connection is up. */
  public boolean isConnected() {
    if (closed) {
      return false;
    }
    for (ClientConnection c : connections) {
      if (c.isUp()) {
        return true;
      }
    }
    return false;
  }

  /** How many of the pool's connections are up right now (for health checks and metrics). */
  public int connectedCount() {
    if (closed) {
      return 0;
    }
    int up = 0;
    for (ClientConnection c : connections) {
      if (c.isUp()) {
        up++;
      }
    }
    return up;
  }

  /** Fails every pending call with {@link EnclaveUnavailableException} and releases the threads. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    connector.shutdownNow();
    for (ClientConnection c : connections) {
      c.close();
    }
    var terminated = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    boolean onOwnThread = false;
    for (var loop : group) {
      onOwnThread |= loop.inEventLoop();
    }
    if (!onOwnThread) {
      terminated.awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
  }

  private long nextId() {
    long id;
    do {
      id = nextRequestId.incrementAndGet();
    } while (id == 0);
    return id;
  }

  private ClientConnection pickLive() {
    int n = connections.length;
    int start = Math.floorMod(roundRobin.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      ClientConnection c = connections[(start + i) % n];
      if (c.isUp()) {
        return c;
      }
    }
    return null;
  }
}
