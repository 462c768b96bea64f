package io.nitrosign.wire.vsock;

import java.io.FileDescriptor;
import java.net.SocketException;
import org.newsclub.net.unix.AFSocketImpl;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/** Socket implementation for the "vsock" family; options not meaningful for VSOCK are ignored. */
final class VsockSocketImpl extends AFSocketImpl<AFVSOCKSocketAddress> {

  VsockSocketImpl(FileDescriptor fd) {
    super(VsockSelectorProvider.AF_VSOCK, fd);
  }

  @Override
  public Object getOption(int optId) throws SocketException {
    return getOptionLenient(optId);
  }

  @Override
  public void setOption(int optId, Object value) throws SocketException {
    setOptionLenient(optId, value);
  }
}
