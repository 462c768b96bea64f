package io.nitrosign.enclave.nsm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Nitro Security Module: {@code /dev/nsm}, one {@code ioctl(NSM_IOCTL_RAW)} per request
 * (see {@link NsmIoctl} for the ABI and {@link NsmCodec} for the messages). Only exists inside a
 * Nitro Enclave; elsewhere {@link #open()} fails with {@code DEVICE_UNAVAILABLE}.
 *
 * <p>Response contents are never logged. Request and response buffers are native memory that is
 * zeroed after each call (random bytes pass through them).
 */
public final class JnaNsmDevice extends CborNsmDevice {

  private static final Logger LOG = LoggerFactory.getLogger(JnaNsmDevice.class);

  /** The device node. */
  public static final String DEVICE = "/dev/nsm";

  // Linux <fcntl.h>, identical on x86_64 and aarch64
  private static final int O_RDWR = 0x2;
  private static final int O_CLOEXEC = 0x80000;
  private static final int EMSGSIZE = 90;

  /** The three libc calls we need. */
  interface LibC extends Library {
    int open(String path, int flags) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer message) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  private static volatile LibC libc;

  private final String path;
  private int fd;

  private JnaNsmDevice(String path, int fd) {
    this.path = path;
    this.fd = fd;
  }

  /** Opens {@code /dev/nsm}. */
  public static JnaNsmDevice open() throws NsmException {
    return open(DEVICE);
  }

  /** Opens the NSM device at {@code path} (read-write, close-on-exec). */
  public static JnaNsmDevice open(String path) throws NsmException {
    LibC c;
    try {
      c = libc();
    } catch (LinkageError | RuntimeException e) {
      LOG.error("cannot load libc through JNA: {}", e.getClass().getName());
      throw NsmCodec.error(NsmException.Code.DEVICE_UNAVAILABLE);
    }
    try {
      int fd = c.open(path, O_RDWR | O_CLOEXEC);
      if (fd < 0) {
        throw NsmCodec.error(NsmException.Code.DEVICE_UNAVAILABLE);
      }
      return new JnaNsmDevice(path, fd);
    } catch (LastErrorException e) {
      LOG.warn("cannot open {}: errno {}", path, e.getErrorCode());
      throw NsmCodec.error(NsmException.Code.DEVICE_UNAVAILABLE);
    }
  }

  private static LibC libc() {
    LibC c = libc;
    if (c == null) {
      c = Native.load("c", LibC.class);
      libc = c;
    }
    return c;
  }

  @Override
  synchronized byte[] exchange(byte[] request) throws NsmException {
    if (fd < 0) {
      throw NsmCodec.error(NsmException.Code.DEVICE_UNAVAILABLE);
    }
    if (request.length > NsmIoctl.REQUEST_MAX_BYTES) {
      // the driver would refuse it with EMSGSIZE
      throw NsmCodec.error(NsmException.Code.INPUT_TOO_LARGE);
    }
    Memory req = new Memory(request.length);
    Memory resp = new Memory(NsmIoctl.RESPONSE_BUFFER_BYTES);
    Memory message = new Memory(NsmIoctl.MESSAGE_SIZE);
    try {
      req.write(0, request, 0, request.length);
      resp.clear();
      NsmIoctl.write(message, req, request.length, resp, NsmIoctl.RESPONSE_BUFFER_BYTES);
      try {
        int rc = libc().ioctl(fd, new NativeLong(NsmIoctl.NSM_IOCTL_RAW), message);
        if (rc < 0) {
          throw NsmCodec.error(NsmException.Code.DEVICE_UNAVAILABLE);
        }
      } catch (LastErrorException e) {
        if (e.getErrorCode() == EMSGSIZE) {
          throw NsmCodec.error(NsmException.Code.INPUT_TOO_LARGE);
        }
        LOG.warn("NSM ioctl failed: errno {}", e.getErrorCode());
        throw NsmCodec.error(NsmException.Code.DEVICE_UNAVAILABLE);
      }
      long length = NsmIoctl.responseLength(message);
      if (length <= 0 || length > NsmIoctl.RESPONSE_BUFFER_BYTES) {
        throw NsmCodec.error(NsmException.Code.MALFORMED_RESPONSE);
      }
      return resp.getByteArray(0, (int) length);
    } finally {
      req.clear();
      resp.clear();
      message.clear();
      req.close();
      resp.close();
      message.close();
    }
  }

  @Override
  public String kind() {
    return "nitro";
  }

  @Override
  public synchronized void close() {
    if (fd >= 0) {
      try {
        libc().close(fd);
      } catch (LastErrorException e) {
        LOG.warn("closing {} failed: errno {}", path, e.getErrorCode());
      }
      fd = -1;
    }
  }
}
