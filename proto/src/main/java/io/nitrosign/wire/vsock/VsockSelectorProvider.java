package io.nitrosign.wire.vsock;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import org.newsclub.net.unix.AFAddressFamily;
import org.newsclub.net.unix.AFAddressFamilyConfig;
import org.newsclub.net.unix.AFDatagramChannel;
import org.newsclub.net.unix.AFDatagramSocket;
import org.newsclub.net.unix.AFSelectorProvider;
import org.newsclub.net.unix.AFServerSocket;
import org.newsclub.net.unix.AFServerSocketChannel;
import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.AFSocketChannel;
import org.newsclub.net.unix.AFSocketPair;
import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFSomeSocket;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/**
 * NIO {@link java.nio.channels.spi.SelectorProvider} for AF_VSOCK stream sockets, built on
 * junixsocket-common and its native library (the {@code junixsocket-vsock} artifact is not
 * available to this build, so this package is our own thin equivalent).
 *
 * <p>Loading this class registers the socket implementations of the "vsock" address family with
 * junixsocket ({@link AFAddressFamily#registerAddressFamilyImpl}). junixsocket-common only falls
 * back to loading {@code org.newsclub.net.unix.vsock.AFVSOCKSelectorProvider} by name when no
 * implementation was registered; our transport always initializes this class before creating a
 * VSOCK socket, so no class of that name is needed.
 *
 * <p>Use with Netty: {@code new NioEventLoopGroup(n, threadFactory, VsockSelectorProvider.provider())}
 * and channels wrapping sockets opened through this provider.
 */
public final class VsockSelectorProvider extends AFSelectorProvider<AFVSOCKSocketAddress> {

  static final AFAddressFamily<AFVSOCKSocketAddress> AF_VSOCK =
      AFAddressFamily.registerAddressFamilyImpl("vsock", AFVSOCKSocketAddress.addressFamily(),
          new Registration());

  private static final VsockSelectorProvider INSTANCE = new VsockSelectorProvider();

  private VsockSelectorProvider() {}

  /** The singleton provider. */
  public static VsockSelectorProvider provider() {
    return INSTANCE;
  }

  /** True when junixsocket's native library loaded and reports AF_VSOCK support. */
  public static boolean isSupported() {
    return AFSocket.isSupported()
        && AFSocket.supports(org.newsclub.net.unix.AFSocketCapability.CAPABILITY_VSOCK);
  }

  @Override
  protected <P extends AFSomeSocket> AFSocketPair<P> newSocketPair(P s1, P s2) {
    return new VsockSocketPair<>(s1, s2);
  }

  @Override
  protected VsockSocket newSocket() throws IOException {
    return VsockSocket.newInstance();
  }

  @Override
  public AFServerSocketChannel<AFVSOCKSocketAddress> openServerSocketChannel() throws IOException {
    return VsockServerSocket.newInstance().getChannel();
  }

  @Override
  public AFServerSocketChannel<AFVSOCKSocketAddress> openServerSocketChannel(SocketAddress address)
      throws IOException {
    return VsockServerSocket.bindOn(AFVSOCKSocketAddress.unwrap(address)).getChannel();
  }

  @Override
  public AFSocketChannel<AFVSOCKSocketAddress> openSocketChannel(SocketAddress address)
      throws IOException {
    return VsockSocket.connectTo(AFVSOCKSocketAddress.unwrap(address)).getChannel();
  }

  @Override
  public AFDatagramChannel<AFVSOCKSocketAddress> openDatagramChannel() throws IOException {
    return VsockDatagramSocket.newInstance().getChannel();
  }

  @Override
  public AFDatagramChannel<AFVSOCKSocketAddress> openDatagramChannel(AFSocketType type)
      throws IOException {
    if (type != AFSocketType.SOCK_DGRAM) {
      throw new UnsupportedOperationException("only SOCK_DGRAM");
    }
    return openDatagramChannel();
  }

  @Override
  protected ProtocolFamily protocolFamily() {
    return VsockProtocolFamily.VSOCK;
  }

  @Override
  protected AFAddressFamily<AFVSOCKSocketAddress> addressFamily() {
    return AF_VSOCK;
  }

  /** Tells junixsocket which classes implement the "vsock" family. */
  private static final class Registration extends AFAddressFamilyConfig<AFVSOCKSocketAddress> {
    @Override
    protected Class<? extends AFSocket<AFVSOCKSocketAddress>> socketClass() {
      return VsockSocket.class;
    }

    @Override
    protected AFSocket.Constructor<AFVSOCKSocketAddress> socketConstructor() {
      return VsockSocket::new;
    }

    @Override
    protected Class<? extends AFServerSocket<AFVSOCKSocketAddress>> serverSocketClass() {
      return VsockServerSocket.class;
    }

    @Override
    protected AFServerSocket.Constructor<AFVSOCKSocketAddress> serverSocketConstructor() {
      return VsockServerSocket::new;
    }

    @Override
    protected Class<? extends AFSocketChannel<AFVSOCKSocketAddress>> socketChannelClass() {
      return VsockSocketChannel.class;
    }

    @Override
    protected Class<? extends AFServerSocketChannel<AFVSOCKSocketAddress>>
        serverSocketChannelClass() {
      return VsockServerSocketChannel.class;
    }

    @Override
    protected Class<? extends AFDatagramSocket<AFVSOCKSocketAddress>> datagramSocketClass() {
      return VsockDatagramSocket.class;
    }

    @Override
    protected AFDatagramSocket.Constructor<AFVSOCKSocketAddress> datagramSocketConstructor() {
      return VsockDatagramSocket::new;
    }

    @Override
    protected Class<? extends AFDatagramChannel<AFVSOCKSocketAddress>> datagramChannelClass() {
      return VsockDatagramChannel.class;
    }
  }
}
