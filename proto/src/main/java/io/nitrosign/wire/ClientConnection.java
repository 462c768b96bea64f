package io.nitrosign.wire;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of the client's pool: its pending calls by request id, and its own reconnect loop
 * with exponential backoff.
 */
final class ClientConnection {

  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
  static final long INITIAL_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final int index;
  private final Transport transport;
  private final ScheduledExecutorService connector;
  private final int connectTimeoutMillis;
  private final Bootstrap bootstrap;
  private final SocketAddress remote;
  private final EnclaveAddress address;
  private final long maxBackoffNanos;
  private final Map<Long, CompletableFuture<EnclaveResponse>> pending = new ConcurrentHashMap<>();

  private volatile Channel channel;
  private volatile boolean closed;
  // Touched by one connect attempt or its callbacks at a time (attempts never overlap for one
  // connection); volatile because those run on the connector thread and on the event loop.
  private volatile long backoffNanos = INITIAL_BACKOFF_NANOS;
  private volatile boolean everConnected;
  private volatile boolean downReported;

  ClientConnection(int index, Transport transport, ScheduledExecutorService connector,
      Bootstrap bootstrap, SocketAddress remote, EnclaveAddress address, int maxFrameBytes,
      Duration connectTimeout, Duration maxBackoff) {
    this.index = index;
    this.transport = transport;
    this.connector = connector;
    this.connectTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
        connectTimeout.toMillis()));
    this.bootstrap = bootstrap.clone().handler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        Framing.install(ch.pipeline(), maxFrameBytes, EnclaveResponse.getDefaultInstance(),
            new ResponseRouter());
      }
    });
    this.remote = remote;
    this.address = address;
    this.maxBackoffNanos = Math.max(INITIAL_BACKOFF_NANOS, delayNanos(maxBackoff));
  }

  boolean isUp() {
    Channel ch = channel;
    return ch != null && ch.isActive();
  }

  /** Starts (or restarts) connecting, on the connector thread. */
  void connect() {
    if (closed) {
      return;
    }
    try {
      connector.execute(this::attempt);
    } catch (RejectedExecutionException e) {
      // the client is closing
    }
  }

  private void attempt() {
    if (closed) {
      return;
    }
    Channel ch;
    try {
      ch = transport.connect(remote, connectTimeoutMillis);
    } catch (IOException | RuntimeException e) {
      onAttemptFailed(e);
      return;
    }
    ChannelFuture registered;
    try {
      registered = bootstrap.clone().channelFactory(() -> ch).register();
    } catch (RejectedExecutionException e) {
      ch.unsafe().closeForcibly();
      return;
    }
    registered.addListener(f -> {
      if (f.isSuccess()) {
        onConnected(ch);
      } else {
        ch.unsafe().closeForcibly();
        onAttemptFailed(f.cause());
      }
    });
  }

  private void onAttemptFailed(Throwable cause) {
    if (closed) {
      return;
    }
    if (!downReported) {
      downReported = true;
      log.warn("enclave connection {} to {} unavailable ({}); retrying in the background",
          index, address, describe(cause));
    } else {
      log.debug("enclave connection {} attempt failed ({})", index, describe(cause));
    }
    scheduleReconnect();
  }

  private void onConnected(Channel ch) {
    if (closed) {
      ch.close();
      return;
    }
    channel = ch;
    backoffNanos = INITIAL_BACKOFF_NANOS;
    downReported = false;
    log.info("enclave connection {} {} to {}", index, everConnected ? "re-established" : "up",
        address);
    everConnected = true;
    ch.closeFuture().addListener(f -> onClosed(ch));
  }

  private void onClosed(Channel ch) {
    if (channel == ch) {
      channel = null;
    }
    failAll(closed ? "enclave client closed" : "enclave connection lost");
    if (!closed) {
      log.warn("enclave connection {} to {} lost; reconnecting", index, address);
      downReported = true;
      scheduleReconnect();
    }
  }

  private void scheduleReconnect() {
    if (closed) {
      return;
    }
    long delay = backoffNanos;
    backoffNanos = Math.min(maxBackoffNanos, backoffNanos * 2);
    try {
      connector.schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // the client is closing: nothing to reconnect for
    }
  }

  /** Sends one request (its id already set) and returns the future of its response. */
  CompletableFuture<EnclaveResponse> send(EnclaveRequest request, Duration deadline) {
    CompletableFuture<EnclaveResponse> result = new CompletableFuture<>();
    Channel ch = channel;
    if (ch == null || !ch.isActive() || closed) {
      result.completeExceptionally(new EnclaveUnavailableException("enclave unavailable"));
      return result;
    }
    long id = request.getRequestId();
    pending.put(id, result);
    ScheduledFuture<?> timer;
    try {
      timer = ch.eventLoop().schedule(() -> {
        if (pending.remove(id, result)) {
          result.completeExceptionally(new EnclaveTimeoutException(
              "enclave did not answer within " + deadline.toMillis() + " ms"));
        }
      }, delayNanos(deadline), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      pending.remove(id, result);
      result.completeExceptionally(new EnclaveUnavailableException("enclave client closed"));
      return result;
    }
    result.whenComplete((r, e) -> timer.cancel(false));
    ch.writeAndFlush(request).addListener(f -> {
      if (!f.isSuccess() && pending.remove(id, result)) {
        result.completeExceptionally(new EnclaveUnavailableException("enclave connection lost"));
      }
    });
    return result;
  }

  /** Fails every pending call on this connection with {@link EnclaveUnavailableException}. */
  void failAll(String message) {
    for (Long id : pending.keySet()) {
      CompletableFuture<EnclaveResponse> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(new EnclaveUnavailableException(message));
      }
    }
  }

  void close() {
    closed = true;
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
    failAll("enclave client closed");
  }

  private static long delayNanos(Duration deadline) {
    if (deadline.isNegative()) {
      return 0;
    }
    try {
      return deadline.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  private static String describe(Throwable cause) {
    return cause == null ? "unknown" : cause.getClass().getSimpleName();
  }

  /** Completes the pending call matching each response's id. */
  private final class ResponseRouter extends SimpleChannelInboundHandler<EnclaveResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, EnclaveResponse response) {
      CompletableFuture<EnclaveResponse> f = pending.remove(response.getRequestId());
      if (f == null) {
        log.debug("dropping response with unknown request id {}", response.getRequestId());
        return;
      }
      f.complete(response);
    }
  }
}
