package io.nitrosign.wire;

/**
 * The enclave side of the wire: a Netty server that accepts connections on an
 * {@link EnclaveAddress}, decodes length-prefixed {@code EnclaveRequest} frames (bounded by
 * {@code maxFrameBytes}), hands them to a {@link RequestHandler} and writes the responses back.
 */
public final class WireServer implements AutoCloseable {

  /** Binds and starts serving; returns once the socket is bound. */
  public static WireServer start(EnclaveAddress address, int maxFrameBytes, RequestHandler handler)
      throws java.io.IOException, InterruptedException {
    throw new UnsupportedOperationException("being written");
  }

  /** The address actually bound (for TCP port 0, the chosen port). */
  public EnclaveAddress boundAddress() {
    throw new UnsupportedOperationException("being written");
  }

  /** Stops accepting, closes every connection, releases the event loops. */
  @Override
  public void close() {
    throw new UnsupportedOperationException("being written");
  }
}
