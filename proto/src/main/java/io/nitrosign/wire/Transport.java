package io.nitrosign.wire;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/**
 * One Netty NIO transport per address kind. AF_UNIX and AF_VSOCK plug into NIO through a
 * junixsocket {@link SelectorProvider}; TCP uses the JDK's. Everything above the channel (framing,
 * dispatch) is the same code for all three.
 */
final class Transport {

  private final SelectorProvider provider;

  private Transport(SelectorProvider provider) {
    this.provider = provider;
  }

  static Transport forAddress(EnclaveAddress address) {
    if (address instanceof EnclaveAddress.Unix) {
      return new Transport(AFUNIXSelectorProvider.provider());
    }
    if (address instanceof EnclaveAddress.Vsock) {
      return new Transport(VsockSupport.selectorProvider());
    }
    return new Transport(SelectorProvider.provider());
  }

  /** A new event loop group whose selectors come from this transport's provider. */
  EventLoopGroup newGroup(int threads, String name, boolean daemon) {
    return new NioEventLoopGroup(threads, new DefaultThreadFactory(name, daemon), provider);
  }

  /**
   * Opens and binds a listening socket, then wraps it for Netty. Binding happens before the
   * channel is registered with a selector: junixsocket's selector closes a channel whose socket
   * polls as invalid, which an unbound or unconnected AF_UNIX/AF_VSOCK socket does.
   */
  ServerChannel bind(SocketAddress address, int backlog) throws IOException {
    ServerSocketChannel socket = provider.openServerSocketChannel();
    try {
      socket.bind(address, backlog);
      return new NioServerSocketChannel(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Connects a socket (blocking, bounded by {@code timeoutMillis}), then wraps it for Netty.
   * Connecting first, for the same reason as in {@link #bind}. Call off the event loop.
   */
  Channel connect(SocketAddress address, int timeoutMillis) throws IOException {
    SocketChannel socket = provider.openSocketChannel();
    try {
      socket.socket().connect(address, timeoutMillis);
      return new NioSocketChannel(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** The socket address to bind or connect to. */
  static SocketAddress socketAddress(EnclaveAddress address) throws IOException {
    if (address instanceof EnclaveAddress.Unix unix) {
      return AFUNIXSocketAddress.of(unix.path());
    }
    if (address instanceof EnclaveAddress.Vsock vsock) {
      VsockSupport.selectorProvider(); // registers our VSOCK implementation first
      return AFVSOCKSocketAddress.ofPortAndCID(vsock.port(), vsock.cid());
    }
    EnclaveAddress.Tcp tcp = (EnclaveAddress.Tcp) address;
    return new InetSocketAddress(tcp.host(), tcp.port());
  }

  /** The address a listener actually bound, in our own terms. */
  static EnclaveAddress boundAddress(EnclaveAddress requested, SocketAddress local) {
    if (requested instanceof EnclaveAddress.Vsock && local instanceof AFVSOCKSocketAddress v) {
      return new EnclaveAddress.Vsock(v.getVSOCKCID(), v.getVSOCKPort());
    }
    if (requested instanceof EnclaveAddress.Tcp tcp && local instanceof InetSocketAddress inet) {
      return new EnclaveAddress.Tcp(tcp.host(), inet.getPort());
    }
    return requested;
  }
}
