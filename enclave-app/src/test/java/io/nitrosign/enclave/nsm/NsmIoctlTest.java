package io.nitrosign.enclave.nsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

class NsmIoctlTest {

  @Test
  void ioctlNumberIsIowrOfTheMessageStruct() {
    assertEquals(0xC0200A00L, NsmIoctl.NSM_IOCTL_RAW);
    // dir READ|WRITE = 3 << 30, size 32 << 16, type 0x0A << 8, nr 0
    assertEquals((3L << 30) | (32L << 16) | (0x0AL << 8), NsmIoctl.iowr(0x0A, 0, 32));
    assertEquals(0x20, (NsmIoctl.NSM_IOCTL_RAW >> 16) & 0x3FFF);
    assertEquals(NsmIoctl.MESSAGE_SIZE, 4 * 8);
    assertThrows(IllegalArgumentException.class, () -> NsmIoctl.iowr(0x100, 0, 32));
    assertThrows(IllegalArgumentException.class, () -> NsmIoctl.iowr(0x0A, 0, 0x4000));
  }

  @Test
  void structLayoutByteForByte() {
    try (Memory req = new Memory(100); Memory resp = new Memory(NsmIoctl.RESPONSE_BUFFER_BYTES);
        Memory msg = new Memory(NsmIoctl.MESSAGE_SIZE)) {
      msg.clear();
      NsmIoctl.write(msg, req, 100, resp, NsmIoctl.RESPONSE_BUFFER_BYTES);
      assertEquals(Pointer.nativeValue(req), msg.getLong(0));
      assertEquals(100L, msg.getLong(8));
      assertEquals(Pointer.nativeValue(resp), msg.getLong(16));
      assertEquals(16384L, msg.getLong(24));
      // native byte order, 8 bytes each: check the raw bytes of the length fields too
      byte[] raw = msg.getByteArray(0, 32);
      long len = 0;
      for (int i = 0; i < 8; i++) {
        int b = raw[8 + i] & 0xFF;
        len |= java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN
            ? (long) b << (8 * i) : (long) b << (8 * (7 - i));
      }
      assertEquals(100L, len);
      // the driver writes the actual response length back at offset 24
      msg.setLong(24, 4711);
      assertEquals(4711L, NsmIoctl.responseLength(msg));
    }
  }

  @Test
  void limitsMatchTheDriver() {
    assertEquals(4096, NsmIoctl.REQUEST_MAX_BYTES);
    assertEquals(12288, NsmIoctl.RESPONSE_MAX_BYTES);
    assertEquals(16384, NsmIoctl.RESPONSE_BUFFER_BYTES);
  }

  @Test
  void missingDeviceIsUnavailableNotACrash() {
    NsmException e = assertThrows(NsmException.class,
        () -> JnaNsmDevice.open("/nonexistent/nitrosign/nsm"));
    assertEquals(NsmException.Code.DEVICE_UNAVAILABLE, e.code());
    if (!new java.io.File(JnaNsmDevice.DEVICE).exists()) {
      assertEquals(NsmException.Code.DEVICE_UNAVAILABLE,
          assertThrows(NsmException.class, JnaNsmDevice::open).code());
    }
  }
}
