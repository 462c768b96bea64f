package io.nitrosign.wire.vsock;

import java.io.FileDescriptor;
import java.io.IOException;
import org.newsclub.net.unix.AFServerSocket;
import org.newsclub.net.unix.AFSocketImpl;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/** A listening AF_VSOCK stream socket. */
final class VsockServerSocket extends AFServerSocket<AFVSOCKSocketAddress> {

  VsockServerSocket(FileDescriptor fd) throws IOException {
    super(fd);
  }

  static VsockServerSocket newInstance() throws IOException {
    return (VsockServerSocket) AFServerSocket.newInstance(VsockServerSocket::new);
  }

  static VsockServerSocket bindOn(AFVSOCKSocketAddress address) throws IOException {
    return (VsockServerSocket) AFServerSocket.bindOn(VsockServerSocket::new, address);
  }

  @Override
  protected VsockServerSocketChannel newChannel() {
    return new VsockServerSocketChannel(this);
  }

  @Override
  public VsockServerSocketChannel getChannel() {
    return (VsockServerSocketChannel) super.getChannel();
  }

  @Override
  protected AFSocketImpl<AFVSOCKSocketAddress> newImpl(FileDescriptor fd) {
    return new VsockSocketImpl(fd);
  }

  @Override
  protected VsockSocket newSocketInstance() throws IOException {
    return VsockSocket.newInstance();
  }
}
