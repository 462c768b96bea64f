package io.nitrosign.wire.vsock;

import org.newsclub.net.unix.AFSocketChannel;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/** Selectable channel of a connected (or connecting) AF_VSOCK stream socket. */
final class VsockSocketChannel extends AFSocketChannel<AFVSOCKSocketAddress> {
  VsockSocketChannel(VsockSocket socket) {
    super(socket, VsockSelectorProvider.provider());
  }
}
