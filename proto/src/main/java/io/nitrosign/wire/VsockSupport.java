package io.nitrosign.wire;

import io.nitrosign.wire.vsock.VsockSelectorProvider;
import java.nio.channels.spi.SelectorProvider;

/** Where the AF_VSOCK selector provider comes from. */
final class VsockSupport {
  private VsockSupport() {}

  /**
   * The AF_VSOCK provider. Initializing it also registers our VSOCK socket classes with
   * junixsocket, which must happen before any VSOCK socket or address is used for I/O.
   */
  static SelectorProvider selectorProvider() {
    return VsockSelectorProvider.provider();
  }
}
