package io.nitrosign.enclave.nsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every buffer that held NSM random bytes on their way to the DRBG is zero afterwards. */
class NsmRandomWipingTest {

  private static byte[] pattern(int n, int salt) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (0x80 | (i * 7 + salt));
    }
    return b;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** A CBOR-level device that answers GetRandom like the NSM and keeps its response buffers. */
  static final class RecordingCborDevice extends CborNsmDevice {
    final List<byte[]> responses = new ArrayList<>();
    private int calls;

    @Override
    byte[] exchange(byte[] request) {
      byte[] random = pattern(256, ++calls);
      byte[] response = NsmCodec.encodeGetRandomResponse(random);
      Arrays.fill(random, (byte) 0);
      responses.add(response);
      return response;
    }

    @Override
    public String kind() {
      return "recording";
    }

    @Override
    public void close() {}
  }

  /** A device whose GetRandom outputs are kept so the test can look at them afterwards. */
  static final class RecordingRandomDevice implements NsmDevice {
    final List<byte[]> outputs = new ArrayList<>();

    @Override
    public byte[] getRandom() {
      byte[] r = pattern(100, outputs.size() + 1);
      outputs.add(r);
      return r;
    }

    @Override
    public byte[] attestation(byte[] userData, byte[] nonce, byte[] publicKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Pcr describePcr(int index) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Description describeNsm() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String kind() {
      return "recording";
    }

    @Override
    public void close() {}
  }

  @Test
  void getRandomZeroesTheDevicesResponseBufferAfterDecodingIt() throws Exception {
    RecordingCborDevice device = new RecordingCborDevice();
    byte[] random = device.getRandom();
    assertArrayEquals(pattern(256, 1), random);
    assertEquals(1, device.responses.size());
    assertTrue(allZero(device.responses.get(0)), "the CBOR response holding the bytes is wiped");
  }

  @Test
  void theNsmSeedSourceZeroesEveryGetRandomOutputOnceItIsCopiedIntoTheSeed() {
    RecordingRandomDevice device = new RecordingRandomDevice();
    byte[] seed = new NsmSeedSource(device).seed(250);
    assertEquals(3, device.outputs.size());
    byte[] expected = new byte[250];
    System.arraycopy(pattern(100, 1), 0, expected, 0, 100);
    System.arraycopy(pattern(100, 2), 0, expected, 100, 100);
    System.arraycopy(pattern(100, 3), 0, expected, 200, 50);
    assertArrayEquals(expected, seed);
    for (byte[] output : device.outputs) {
      assertTrue(allZero(output), "a GetRandom output is wiped after use");
    }
  }

  @Test
  void theSeedSourceOverTheCborPathLeavesNoRandomBytesInAnyBufferItWasGiven() {
    RecordingCborDevice device = new RecordingCborDevice();
    byte[] seed = new NsmSeedSource(device).seed(48);
    assertArrayEquals(Arrays.copyOf(pattern(256, 1), 48), seed);
    device.responses.forEach(r -> assertTrue(allZero(r)));
  }
}
