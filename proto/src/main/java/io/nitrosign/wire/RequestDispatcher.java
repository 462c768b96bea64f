package io.nitrosign.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side, one per connection: hands each request to the {@link RequestHandler} and writes the
 * response, tagged with the request's id, whenever it completes (in any order). Bounds the number
 * of requests in flight on the connection and the serialized bytes they hold, on the connection
 * and (through the shared {@link ResourceBudget}) across the server.
 *
 * <p>A request over a budget is answered {@code RESOURCE_EXHAUSTED} at once and dropped, rather
 * than stopping to read: the peer learns at once that it should back off, the other requests on
 * the connection (Health among them) keep flowing, and the frame being refused is already the only
 * one this connection holds, so refusing costs no more memory than the read that preceded it.
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<EnclaveRequest> {

  private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

  private final RequestHandler handler;
  private final int maxFrameBytes;
  private final int maxInFlight;
  private final long maxPendingBytes;
  private final ResourceBudget budget;
  /** Touched only on the channel's event loop. */
  private int inFlight;
  /** Serialized bytes of this connection's unanswered requests; touched only on the event loop. */
  private long pendingBytes;

  /** Fixed detail of the refusal when a byte budget is exhausted. */
  static final String BUDGET_EXHAUSTED = "request byte budget exhausted";

  RequestDispatcher(RequestHandler handler, int maxFrameBytes, ResourceBudget budget) {
    this.handler = handler;
    this.maxFrameBytes = maxFrameBytes;
    this.maxInFlight = budget.limits().maxInFlightPerConnection();
    this.maxPendingBytes = budget.limits().maxPendingBytesPerConnection();
    this.budget = budget;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, EnclaveRequest request) {
    long id = request.getRequestId();
    if (id == 0) {
      ctx.writeAndFlush(ErrorResponses.error(0, ErrorCode.INVALID_REQUEST, "request_id is 0"));
      return;
    }
    if (inFlight >= maxInFlight) {
      ctx.writeAndFlush(ErrorResponses.error(id, ErrorCode.RESOURCE_EXHAUSTED,
          "too many requests in flight on this connection"));
      return;
    }
    long size = request.getSerializedSize();
    if (pendingBytes + size > maxPendingBytes || !budget.tryReserve(size)) {
      budget.requestRefused();
      ctx.writeAndFlush(ErrorResponses.error(id, ErrorCode.RESOURCE_EXHAUSTED, BUDGET_EXHAUSTED));
      return;
    }
    pendingBytes += size;
    inFlight++;
    CompletableFuture<EnclaveResponse> result;
    try {
      result = handler.handle(request);
      if (result == null) {
        result = CompletableFuture.failedFuture(new NullPointerException("handler returned null"));
      }
    } catch (RuntimeException | Error e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete((response, failure) -> respond(ctx, id, size, response, failure));
  }

  private void respond(ChannelHandlerContext ctx, long id, long size, EnclaveResponse response,
      Throwable failure) {
    EnclaveResponse out;
    if (failure != null || response == null) {
      log.warn("request handler failed for request {} ({})", id,
          failure == null ? "null response" : failure.getClass().getSimpleName());
      out = ErrorResponses.internal(id);
    } else {
      out = response.getRequestId() == id ? response : response.toBuilder().setRequestId(id).build();
      if (out.getSerializedSize() > maxFrameBytes) {
        log.warn("response to request {} exceeds the maximum frame size", id);
        out = ErrorResponses.error(id, ErrorCode.RESOURCE_EXHAUSTED, "response too large");
      }
    }
    EnclaveResponse toWrite = out;
    try {
      ctx.executor().execute(() -> {
        inFlight--;
        pendingBytes -= size;
        budget.release(size);
        if (ctx.channel().isActive()) {
          ctx.writeAndFlush(toWrite);
        }
      });
    } catch (RejectedExecutionException e) {
      budget.release(size);
      log.debug("server shutting down; dropping response to request {}", id);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // Backpressure: stop reading requests while the peer is not reading our responses.
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }
}
