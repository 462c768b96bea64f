package io.nitrosign.enclave.users;

import io.nitrosign.wire.vsock.VsockSelectorProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.newsclub.net.unix.AFVSOCKSocketAddress;

/**
 * Fetches a JWKS over HTTPS the way the enclave reaches KMS: TLS runs inside the enclave (pinned
 * roots only, host name verified, SNI set), on top of an AF_VSOCK stream to the parent's
 * vsock-proxy (production) or a direct TCP connection (local mode, where the devkit issuer
 * listens on loopback). The parent relays ciphertext and can only refuse to relay.
 *
 * <p>Plain HTTP/1.1 {@code GET} with {@code Connection: close}: the response must be {@code 200},
 * at most {@value #MAX_BYTES} bytes, with a {@code Content-Length} or chunked body. There is no
 * DNS in the enclave: the host in the URL is used only for SNI and certificate checks; a proxy
 * forwards to the one host it was started for.
 */
public final class TlsJwksFetcher implements JwksFetcher {

  /** Largest accepted JWKS response (headers and body). */
  public static final int MAX_BYTES = 256 * 1024;
  private static final int TIMEOUT_MILLIS = 5_000;

  private final SSLContext tls;

  /** @param tls a context that trusts the pinned roots only ({@code PinnedTrust}) */
  public TlsJwksFetcher(SSLContext tls) {
    this.tls = tls;
  }

  @Override
  public byte[] fetch(JwtIssuer issuer) throws IOException {
    Socket raw = issuer.proxy().isPresent()
        ? VsockSelectorProvider.provider().openSocketChannel().socket() : new Socket();
    try {
      if (issuer.proxy().isPresent()) {
        var p = issuer.proxy().get();
        raw.connect(AFVSOCKSocketAddress.ofPortAndCID(p.port(), p.cid()), TIMEOUT_MILLIS);
      } else {
        raw.connect(new InetSocketAddress(issuer.host(), issuer.port()), TIMEOUT_MILLIS);
      }
      raw.setSoTimeout(TIMEOUT_MILLIS);
      try (SSLSocket s = (SSLSocket) tls.getSocketFactory()
          .createSocket(raw, issuer.host(), issuer.port(), true)) {
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (!issuer.host().matches("[0-9.]+|\\[.*\\]")) {
          params.setServerNames(List.of(new SNIHostName(issuer.host())));
        }
        s.setSSLParameters(params);
        s.startHandshake();
        OutputStream out = s.getOutputStream();
        String hostHeader = issuer.port() == 443 ? issuer.host()
            : issuer.host() + ":" + issuer.port();
        out.write(("GET " + issuer.path() + " HTTP/1.1\r\nHost: " + hostHeader
            + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return body(readAll(s.getInputStream()));
      }
    } finally {
      raw.close();
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) >= 0) {
      buf.write(chunk, 0, n);
      if (buf.size() > MAX_BYTES) {
        throw new IOException("jwks response too large");
      }
    }
    return buf.toByteArray();
  }

  /** The body of a complete HTTP/1.1 response (status 200 only). */
  static byte[] body(byte[] response) throws IOException {
    int headerEnd = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
    if (headerEnd < 0) {
      throw new IOException("jwks response has no header end");
    }
    String[] lines = new String(response, 0, headerEnd, StandardCharsets.ISO_8859_1)
        .split("\r\n");
    if (!lines[0].matches("HTTP/1\\.[01] 200( .*)?")) {
      throw new IOException("jwks response status is not 200");
    }
    long length = -1;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("content-length")) {
        try {
          length = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new IOException("bad content-length");
        }
      } else if (name.equals("transfer-encoding")) {
        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
      }
    }
    int start = headerEnd + 4;
    if (chunked) {
      return dechunk(response, start);
    }
    int available = response.length - start;
    if (length < 0) {
      return java.util.Arrays.copyOfRange(response, start, response.length);
    }
    if (length > available) {
      throw new IOException("jwks response is truncated");
    }
    return java.util.Arrays.copyOfRange(response, start, start + (int) length);
  }

  private static byte[] dechunk(byte[] r, int pos) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] crlf = {'\r', '\n'};
    while (true) {
      int lineEnd = indexOf(r, crlf, pos);
      if (lineEnd < 0) {
        throw new IOException("bad chunk");
      }
      String sizeText = new String(r, pos, lineEnd - pos, StandardCharsets.US_ASCII);
      int semi = sizeText.indexOf(';');
      int size;
      try {
        size = Integer.parseInt((semi >= 0 ? sizeText.substring(0, semi) : sizeText).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size");
      }
      pos = lineEnd + 2;
      if (size == 0) {
        return out.toByteArray();
      }
      if (size < 0 || pos + size > r.length) {
        throw new IOException("chunk is truncated");
      }
      out.write(r, pos, size);
      pos += size + 2;
    }
  }

  private static int indexOf(byte[] data, byte[] needle, int from) {
    outer:
    for (int i = from; i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
