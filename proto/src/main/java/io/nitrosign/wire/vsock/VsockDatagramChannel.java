package io.nitrosign.wire.vsock;

import org.newsclub.net.unix.AFDatagramChannel;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/** Selectable channel of an AF_VSOCK datagram socket (registration only). */
final class VsockDatagramChannel extends AFDatagramChannel<AFVSOCKSocketAddress> {
  VsockDatagramChannel(VsockDatagramSocket socket) {
    super(VsockSelectorProvider.provider(), socket);
  }
}
