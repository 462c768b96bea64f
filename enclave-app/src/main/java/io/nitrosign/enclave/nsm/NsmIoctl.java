package io.nitrosign.enclave.nsm;

import com.sun.jna.Pointer;

/**
 * The {@code /dev/nsm} ioctl ABI (Linux {@code include/uapi/linux/nsm.h}, and the
 * aws-nitro-enclaves-nsm-api driver's {@code NsmMessage}):
 *
 * <pre>
 * struct nsm_iovec { __u64 addr; __u64 len; };
 * struct nsm_raw   { struct nsm_iovec request; struct nsm_iovec response; };   // 32 bytes
 * #define NSM_IOCTL_RAW _IOWR(0x0A, 0x0, struct nsm_raw)                       // 0xC0200A00
 * </pre>
 *
 * <p>The driver reads the CBOR request from {@code request}, writes the CBOR response into
 * {@code response} and updates {@code response.len} to the number of bytes written. Pure layout
 * code, testable without the device.
 */
public final class NsmIoctl {

  /** {@code NSM_MAGIC}. */
  public static final int MAGIC = 0x0A;
  /** The ioctl's command number within the magic. */
  public static final int NR = 0;
  /** {@code sizeof(struct nsm_raw)} on a 64-bit kernel. */
  public static final int MESSAGE_SIZE = 32;
  /** Offsets of the four 64-bit fields of {@code struct nsm_raw}. */
  public static final int REQUEST_ADDR = 0;
  public static final int REQUEST_LEN = 8;
  public static final int RESPONSE_ADDR = 16;
  public static final int RESPONSE_LEN = 24;

  /** {@code NSM_REQUEST_MAX_SIZE}: the driver refuses larger requests. */
  public static final int REQUEST_MAX_BYTES = 0x1000;
  /** {@code NSM_RESPONSE_MAX_SIZE}: the largest response the NSM produces. */
  public static final int RESPONSE_MAX_BYTES = 0x3000;
  /** The response buffer we hand to the driver (larger than the maximum, to be safe). */
  public static final int RESPONSE_BUFFER_BYTES = 16 * 1024;

  // Linux asm-generic/ioctl.h: nr 8 bits at 0, type 8 bits at 8, size 14 bits at 16, dir 2 bits
  // at 30; _IOC_WRITE = 1, _IOC_READ = 2.
  private static final int NR_SHIFT = 0;
  private static final int TYPE_SHIFT = 8;
  private static final int SIZE_SHIFT = 16;
  private static final int DIR_SHIFT = 30;
  private static final int IOC_WRITE = 1;
  private static final int IOC_READ = 2;

  /** {@code _IOWR(MAGIC, NR, struct nsm_raw)}. */
  public static final long NSM_IOCTL_RAW = iowr(MAGIC, NR, MESSAGE_SIZE);

  static {
    if (NSM_IOCTL_RAW != 0xC0200A00L) {
      throw new AssertionError("NSM ioctl number miscomputed");
    }
  }

  private NsmIoctl() {}

  /** Linux {@code _IOWR(type, nr, size)} as an unsigned 32-bit value. */
  public static long iowr(int type, int nr, int size) {
    if (type < 0 || type > 0xFF || nr < 0 || nr > 0xFF || size < 0 || size > 0x3FFF) {
      throw new IllegalArgumentException("ioctl field out of range");
    }
    long dir = IOC_READ | IOC_WRITE;
    return (dir << DIR_SHIFT) | ((long) size << SIZE_SHIFT) | ((long) type << TYPE_SHIFT)
        | ((long) nr << NR_SHIFT);
  }

  /** Fills {@code message} (at least {@link #MESSAGE_SIZE} bytes) with both iovecs. */
  public static void write(Pointer message, Pointer request, long requestLength, Pointer response,
      long responseLength) {
    message.setLong(REQUEST_ADDR, Pointer.nativeValue(request));
    message.setLong(REQUEST_LEN, requestLength);
    message.setLong(RESPONSE_ADDR, Pointer.nativeValue(response));
    message.setLong(RESPONSE_LEN, responseLength);
  }

  /** The response length the driver wrote back into {@code message}. */
  public static long responseLength(Pointer message) {
    return message.getLong(RESPONSE_LEN);
  }
}
