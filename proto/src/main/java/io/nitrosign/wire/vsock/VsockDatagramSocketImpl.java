package io.nitrosign.wire.vsock;

import java.io.FileDescriptor;
import java.net.SocketException;
import org.newsclub.net.unix.AFDatagramSocketImpl;
import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/** Datagram implementation for the "vsock" family (registration only; see VsockDatagramSocket). */
final class VsockDatagramSocketImpl extends AFDatagramSocketImpl<AFVSOCKSocketAddress> {

  VsockDatagramSocketImpl(FileDescriptor fd) throws SocketException {
    super(VsockSelectorProvider.AF_VSOCK, fd, AFSocketType.SOCK_DGRAM);
  }
}
