package io.nitrosign.wire.vsock;

import java.io.FileDescriptor;
import java.io.IOException;
import java.net.SocketException;
import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.AFSocketFactory;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/** An AF_VSOCK stream socket. */
final class VsockSocket extends AFSocket<AFVSOCKSocketAddress> {

  VsockSocket(FileDescriptor fd, AFSocketFactory<AFVSOCKSocketAddress> factory)
      throws SocketException {
    super(new VsockSocketImpl(fd), factory);
  }

  static VsockSocket newInstance() throws IOException {
    return (VsockSocket) AFSocket.newInstance(VsockSocket::new, null);
  }

  static VsockSocket connectTo(AFVSOCKSocketAddress address) throws IOException {
    return (VsockSocket) AFSocket.connectTo(VsockSocket::new, address);
  }

  @Override
  protected VsockSocketChannel newChannel() {
    return new VsockSocketChannel(this);
  }

  @Override
  public VsockSocketChannel getChannel() {
    return (VsockSocketChannel) super.getChannel();
  }
}
