package io.nitrosign.enclave.kms;

import io.nitrosign.wire.vsock.VsockSelectorProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.apache.http.HttpHost;
import org.apache.http.conn.DnsResolver;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/**
 * The HTTPS socket factory of the enclave's KMS client when KMS is reached through the parent's
 * vsock-proxy: every connection is an AF_VSOCK stream to the proxy (which forwards the bytes to
 * KMS on port 443), and TLS runs inside the enclave on top of it, with the host name verified
 * against the KMS host. The parent relays ciphertext only.
 *
 * <p>Apache HttpClient resolves the host before it connects; inside the enclave there is no DNS,
 * so {@link #dnsResolver()} answers the KMS host with a placeholder address that is never dialed,
 * and refuses every other name.
 */
final class VsockTlsSocketFactory extends SSLConnectionSocketFactory {

  private final KmsEndpointConfig.VsockProxy proxy;
  private final String kmsHost;

  VsockTlsSocketFactory(SSLContext tls, KmsEndpointConfig.VsockProxy proxy, String kmsHost) {
    super(tls, new String[] {"TLSv1.3", "TLSv1.2"}, null,
        SSLConnectionSocketFactory.getDefaultHostnameVerifier());
    this.proxy = proxy;
    this.kmsHost = kmsHost.toLowerCase(Locale.ROOT);
  }

  /** An unconnected AF_VSOCK stream socket. */
  @Override
  public Socket createSocket(HttpContext context) throws IOException {
    return VsockSelectorProvider.provider().openSocketChannel().socket();
  }

  /**
   * Connects {@code socket} (or a new one) to the vsock proxy, ignoring {@code remoteAddress},
   * then layers TLS for {@code host} (handshake and host-name verification included).
   */
  @Override
  public Socket connectSocket(int connectTimeout, Socket socket, HttpHost host,
      InetSocketAddress remoteAddress, InetSocketAddress localAddress, HttpContext context)
      throws IOException {
    if (!kmsHost.equals(host.getHostName().toLowerCase(Locale.ROOT))) {
      throw new IOException("the vsock proxy only reaches the configured KMS host");
    }
    Socket s = socket != null ? socket : createSocket(context);
    try {
      s.connect(proxyAddress(), Math.max(connectTimeout, 0));
      int port = host.getPort() > 0 ? host.getPort() : 443;
      return createLayeredSocket(s, host.getHostName(), port, context);
    } catch (IOException | RuntimeException e) {
      closeQuietly(s);
      throw e;
    }
  }

  /** The proxy's address: CID and port. */
  AFVSOCKSocketAddress proxyAddress() throws IOException {
    return AFVSOCKSocketAddress.ofPortAndCID(proxy.port(), proxy.cid());
  }

  /** Resolves only the KMS host, to a placeholder (0.0.0.0) that is never connected to. */
  DnsResolver dnsResolver() {
    return host -> {
      if (!kmsHost.equals(host.toLowerCase(Locale.ROOT))) {
        throw new UnknownHostException("only the KMS host is reachable from the enclave");
      }
      return new InetAddress[] {InetAddress.getByAddress(host, new byte[4])};
    };
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already failing
    }
  }
}
