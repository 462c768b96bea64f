package io.nitrosign.wire.vsock;

import org.newsclub.net.unix.AFSocketPair;
import org.newsclub.net.unix.AFSomeSocket;

/** A pair of connected AF_VSOCK sockets (required by the provider contract). */
final class VsockSocketPair<T extends AFSomeSocket> extends AFSocketPair<T> {
  VsockSocketPair(T first, T second) {
    super(first, second);
  }
}
