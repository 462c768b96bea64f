package io.nitrosign.wire;

import io.nitrosign.proto.v1.EnclaveResponse;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** Raw-socket helpers for tests that misbehave on purpose. */
final class RawFrames {
  private RawFrames() {}

  static byte[] frame(byte[] body) {
    byte[] out = new byte[4 + body.length];
    out[0] = (byte) (body.length >>> 24);
    out[1] = (byte) (body.length >>> 16);
    out[2] = (byte) (body.length >>> 8);
    out[3] = (byte) body.length;
    System.arraycopy(body, 0, out, 4, body.length);
    return out;
  }

  static EnclaveResponse readResponse(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    int length = in.readInt();
    byte[] body = new byte[length];
    in.readFully(body);
    return EnclaveResponse.parseFrom(body);
  }

  /** True when the peer closes the connection (EOF or reset) before the socket's read timeout. */
  static boolean closedByPeer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[256];
    try {
      while (true) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (EOFException e) {
      return true;
    } catch (IOException e) {
      return !(e instanceof java.io.InterruptedIOException);
    }
  }
}
