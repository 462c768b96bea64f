package io.nitrosign.wire.vsock;

import java.io.FileDescriptor;
import java.io.IOException;
import org.newsclub.net.unix.AFDatagramSocket;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/**
 * AF_VSOCK datagram socket. The wire protocol never uses it; junixsocket requires every address
 * family to name one when registering.
 */
final class VsockDatagramSocket extends AFDatagramSocket<AFVSOCKSocketAddress> {

  VsockDatagramSocket(FileDescriptor fd) throws IOException {
    super(new VsockDatagramSocketImpl(fd));
  }

  static VsockDatagramSocket newInstance() throws IOException {
    return (VsockDatagramSocket) AFDatagramSocket.newInstance(VsockDatagramSocket::new);
  }

  @Override
  protected VsockDatagramChannel newChannel() {
    return new VsockDatagramChannel(this);
  }

  @Override
  public VsockDatagramChannel getChannel() {
    return (VsockDatagramChannel) super.getChannel();
  }

  @Override
  protected VsockDatagramSocket newDatagramSocketInstance() throws IOException {
    return new VsockDatagramSocket(null);
  }
}
