package io.nitrosign.wire;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.nitrosign.proto.v1.EnclaveRequest;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enclave side of the wire: a Netty server that accepts connections on an
 * {@link EnclaveAddress}, decodes length-prefixed {@code EnclaveRequest} frames (bounded by
 * {@code maxFrameBytes}), hands them to a {@link RequestHandler} and writes the responses back.
 *
 * <p>Requests are answered in any order, tagged with their {@code request_id}. A request with
 * {@code request_id} 0 gets {@code INVALID_REQUEST}; more than
 * {@link #MAX_IN_FLIGHT_PER_CONNECTION} (or the configured bound) unanswered requests on one
 * connection get {@code RESOURCE_EXHAUSTED}; a handler that throws or fails its future gets
 * {@code INTERNAL "internal error"}. An oversize, empty or unparsable frame closes that connection
 * only.
 *
 * <p>Resources are bounded by {@link Limits}: at most {@code maxConnections} connections are open
 * at once (a connection beyond that is accepted and closed at once, before anything is read from
 * it), and the serialized bytes of requests that were read but not yet answered are counted per
 * connection and across the server. A request that would take either count over its budget is
 * answered {@code RESOURCE_EXHAUSTED "request byte budget exhausted"} at once and dropped, so the
 * server never holds more than the global budget in pending requests, plus at most one frame being
 * decoded per connection.
 */
public final class WireServer implements AutoCloseable {

  /**
   * Default number of unanswered requests allowed on one connection before new ones are refused.
   * Sized so that a small client pool (2 to 4 connections) can carry a few thousand concurrent
   * calls; the parent host is the only peer and bounds its own concurrency.
   */
  public static final int MAX_IN_FLIGHT_PER_CONNECTION = 1024;

  /**
   * Bounds on what one server holds on behalf of its peers.
   *
   * @param maxConnections connections open at once; more are accepted and closed at once
   * @param maxInFlightPerConnection unanswered requests on one connection
   * @param maxPendingBytesPerConnection serialized bytes of unanswered requests on one connection
   * @param maxPendingBytes serialized bytes of unanswered requests across all connections
   */
  public record Limits(int maxConnections, int maxInFlightPerConnection,
      long maxPendingBytesPerConnection, long maxPendingBytes) {

    /** Default connection cap: the parent's pool is 1 to 64 connections. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Default per-connection budget of unanswered request bytes: 16 MiB. */
    public static final long DEFAULT_MAX_PENDING_BYTES_PER_CONNECTION = 16L << 20;
    /** Default server-wide budget of unanswered request bytes: 64 MiB. */
    public static final long DEFAULT_MAX_PENDING_BYTES = 64L << 20;

    public Limits {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be positive");
      }
      if (maxInFlightPerConnection < 1) {
        throw new IllegalArgumentException("maxInFlightPerConnection must be positive");
      }
      if (maxPendingBytesPerConnection < 1 || maxPendingBytes < 1) {
        throw new IllegalArgumentException("pending byte budgets must be positive");
      }
    }

    /** The defaults: safe for the enclave's heap with 1 MiB frames. */
    public static Limits defaults() {
      return new Limits(DEFAULT_MAX_CONNECTIONS, MAX_IN_FLIGHT_PER_CONNECTION,
          DEFAULT_MAX_PENDING_BYTES_PER_CONNECTION, DEFAULT_MAX_PENDING_BYTES);
    }

    public Limits withMaxInFlightPerConnection(int n) {
      return new Limits(maxConnections, n, maxPendingBytesPerConnection, maxPendingBytes);
    }
  }

  private static final int BACKLOG = 128;
  private static final Logger log = LoggerFactory.getLogger(WireServer.class);

  private final EnclaveAddress boundAddress;
  private final Channel serverChannel;
  private final EventLoopGroup group;
  private final ResourceBudget budget;

  private WireServer(EnclaveAddress boundAddress, Channel serverChannel, EventLoopGroup group,
      ResourceBudget budget) {
    this.boundAddress = boundAddress;
    this.serverChannel = serverChannel;
    this.group = group;
    this.budget = budget;
  }

  /** Binds and starts serving; returns once the socket is bound. */
  public static WireServer start(EnclaveAddress address, int maxFrameBytes, RequestHandler handler)
      throws java.io.IOException, InterruptedException {
    return start(address, maxFrameBytes, MAX_IN_FLIGHT_PER_CONNECTION, handler);
  }

  /**
   * Binds and starts serving with an explicit bound on unanswered requests per connection; returns
   * once the socket is bound.
   *
   * @param address where to listen; a stale AF_UNIX socket file is replaced, a live one is not
   * @param maxFrameBytes hard maximum size of one message, both ways
   * @param maxInFlightPerConnection unanswered requests per connection before
   *     {@code RESOURCE_EXHAUSTED}
   * @param handler serves the requests
   */
  public static WireServer start(EnclaveAddress address, int maxFrameBytes,
      int maxInFlightPerConnection, RequestHandler handler)
      throws java.io.IOException, InterruptedException {
    return start(address, maxFrameBytes,
        Limits.defaults().withMaxInFlightPerConnection(maxInFlightPerConnection), handler);
  }

  /**
   * Binds and starts serving within {@code limits}; returns once the socket is bound.
   *
   * @param address where to listen; a stale AF_UNIX socket file is replaced, a live one is not
   * @param maxFrameBytes hard maximum size of one message, both ways
   * @param limits connection and pending-request bounds
   * @param handler serves the requests
   */
  public static WireServer start(EnclaveAddress address, int maxFrameBytes, Limits limits,
      RequestHandler handler) throws java.io.IOException, InterruptedException {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(limits, "limits");
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be positive");
    }
    ResourceBudget budget = new ResourceBudget(limits);
    if (address instanceof EnclaveAddress.Unix unix) {
      UnixSocketFiles.prepareForBind(unix.path());
    }
    SocketAddress bindTo = Transport.socketAddress(address);
    Transport transport = Transport.forAddress(address);
    ServerChannel listener = transport.bind(bindTo, BACKLOG);
    if (address instanceof EnclaveAddress.Unix unix) {
      UnixSocketFiles.restrictToOwner(unix.path());
    }
    EventLoopGroup group = transport.newGroup(serverThreads(), "nitrosign-wire-server", false);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channelFactory(() -> listener)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            if (!budget.tryOpenConnection()) {
              // Refused before any handler is installed: nothing is read from it.
              ch.close();
              return;
            }
            ch.closeFuture().addListener(f -> budget.connectionClosed());
            Framing.install(ch.pipeline(), maxFrameBytes, EnclaveRequest.getDefaultInstance(),
                new RequestDispatcher(handler, maxFrameBytes, budget));
          }
        });
    ChannelFuture registered = bootstrap.register().await();
    if (!registered.isSuccess()) {
      listener.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      Throwable cause = registered.cause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot serve " + address, cause);
    }
    EnclaveAddress actual = Transport.boundAddress(address, listener.localAddress());
    log.info("wire server listening on {}", actual);
    return new WireServer(actual, listener, group, budget);
  }

  /** The address actually bound (for TCP port 0, the chosen port). */
  public EnclaveAddress boundAddress() {
    return boundAddress;
  }

  /** Connections open now (refused ones are never counted). */
  public int openConnections() {
    return budget.openConnections();
  }

  /** Serialized bytes of requests read but not yet answered, across all connections. */
  public long pendingRequestBytes() {
    return budget.pendingBytes();
  }

  /** The highest {@link #pendingRequestBytes()} seen since the server started. */
  public long peakPendingRequestBytes() {
    return budget.peakPendingBytes();
  }

  /** Stops accepting, closes every connection, releases the event loops. */
  @Override
  public void close() {
    serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (boundAddress instanceof EnclaveAddress.Unix unix) {
      UnixSocketFiles.deleteQuietly(unix.path());
    }
    log.info("wire server on {} stopped", boundAddress);
  }

  private static int serverThreads() {
    return Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
  }
}
