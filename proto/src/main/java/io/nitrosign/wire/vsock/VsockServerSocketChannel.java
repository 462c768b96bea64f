package io.nitrosign.wire.vsock;

import org.newsclub.net.unix.AFServerSocketChannel;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/** Selectable channel of a listening AF_VSOCK socket. */
final class VsockServerSocketChannel extends AFServerSocketChannel<AFVSOCKSocketAddress> {
  VsockServerSocketChannel(VsockServerSocket socket) {
    super(socket, VsockSelectorProvider.provider());
  }
}
