package io.nitrosign.wire.vsock;

import java.io.IOException;
import org.newsclub.net.unix.AFDatagramChannel;
import org.newsclub.net.unix.AFProtocolFamily;
import org.newsclub.net.unix.AFServerSocketChannel;
import org.newsclub.net.unix.AFSocketChannel;

/** The AF_VSOCK protocol family, for {@code open*Channel(ProtocolFamily)}. */
enum VsockProtocolFamily implements AFProtocolFamily {
  VSOCK;

  @Override
  public AFDatagramChannel<?> openDatagramChannel() throws IOException {
    return VsockSelectorProvider.provider().openDatagramChannel();
  }

  @Override
  public AFServerSocketChannel<?> openServerSocketChannel() throws IOException {
    return VsockSelectorProvider.provider().openServerSocketChannel();
  }

  @Override
  public AFSocketChannel<?> openSocketChannel() throws IOException {
    return VsockSelectorProvider.provider().openSocketChannel();
  }
}
