package io.nitrosign.wire;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the enclave listens, or where the parent connects.
 *
 * <p>Textual forms: {@code unix:/path/to/socket}, {@code vsock:CID:PORT} (CID may be {@code any}
 * for a listener), {@code tcp:127.0.0.1:PORT} (loopback only; a debugging aid, never production).
 */
public sealed interface EnclaveAddress {

  /** VMADDR_CID_ANY from linux/vm_sockets.h: listen on every CID. */
  int VSOCK_CID_ANY = -1;

  record Unix(Path path) implements EnclaveAddress {
    @Override
    public String toString() {
      return "unix:" + path;
    }
  }

  record Vsock(int cid, int port) implements EnclaveAddress {
    @Override
    public String toString() {
      return "vsock:" + (cid == VSOCK_CID_ANY ? "any" : Integer.toUnsignedString(cid)) + ":" + port;
    }
  }

  record Tcp(String host, int port) implements EnclaveAddress {
    public Tcp {
      if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
        throw new IllegalArgumentException("tcp transport is for loopback debugging only");
      }
    }

    @Override
    public String toString() {
      return "tcp:" + host + ":" + port;
    }
  }

  /** Parses the textual form; throws {@link IllegalArgumentException} with a clear message. */
  static EnclaveAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("enclave address is empty");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("unix:")) {
      String path = text.substring(5);
      if (path.isEmpty()) {
        throw new IllegalArgumentException("unix address needs a path: unix:/path/to/socket");
      }
      return new Unix(Path.of(path));
    }
    if (lower.startsWith("vsock:")) {
      String[] parts = text.substring(6).split(":");
      if (parts.length != 2) {
        throw new IllegalArgumentException("vsock address must be vsock:CID:PORT");
      }
      int cid = parts[0].equalsIgnoreCase("any") ? VSOCK_CID_ANY : parseUnsigned(parts[0], "CID");
      int port = parseUnsigned(parts[1], "port");
      return new Vsock(cid, port);
    }
    if (lower.startsWith("tcp:")) {
      String rest = text.substring(4);
      int colon = rest.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("tcp address must be tcp:127.0.0.1:PORT");
      }
      int port = parseUnsigned(rest.substring(colon + 1), "port");
      if (port > 65535) {
        throw new IllegalArgumentException("tcp port out of range");
      }
      return new Tcp(rest.substring(0, colon), port);
    }
    throw new IllegalArgumentException("unknown enclave address scheme (use unix:, vsock: or tcp:)");
  }

  private static int parseUnsigned(String s, String what) {
    try {
      return Integer.parseUnsignedInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid " + what + " in enclave address");
    }
  }
}
