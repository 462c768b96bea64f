package io.nitrosign.wire;

import java.nio.channels.spi.SelectorProvider;

/** Where the AF_VSOCK selector provider comes from. */
final class VsockSupport {
  private VsockSupport() {}

  static SelectorProvider selectorProvider() {
    throw new UnsupportedOperationException("AF_VSOCK transport is being written");
  }
}
