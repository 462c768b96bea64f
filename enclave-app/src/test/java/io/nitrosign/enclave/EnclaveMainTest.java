package io.nitrosign.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.wire.EnclaveAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EnclaveMainTest {

  @Test
  void defaults() throws Exception {
    EnclaveMain.Options o = EnclaveMain.parse(new String[0]);
    assertEquals(EnclaveAddress.parse("vsock:any:5000"), o.listen());
    assertFalse(o.localMode());
    assertEquals(1 << 20, o.maxFrameBytes());
    assertEquals(EnclaveMain.NsmKind.NITRO, o.nsm());
    assertFalse(o.nsmExplicit());
  }

  @Test
  void simulatedNsm() throws Exception {
    EnclaveMain.Options o = EnclaveMain.parse(new String[] {"--local-mode",
        "--local-sealing-key-dir", "/tmp/keys", "--nsm", "simulated", "--simulated-nsm-ca",
        "/tmp/ca"});
    assertEquals(EnclaveMain.NsmKind.SIMULATED, o.nsm());
    assertTrue(o.nsmExplicit());
    assertEquals(Path.of("/tmp/ca"), o.simulatedNsmCa());
    EnclaveMain.Options n = EnclaveMain.parse(new String[] {"--nsm", "nitro"});
    assertEquals(EnclaveMain.NsmKind.NITRO, n.nsm());
    assertTrue(n.nsmExplicit());
  }

  @Test
  void localMode() throws Exception {
    EnclaveMain.Options o = EnclaveMain.parse(new String[] {"--listen", "unix:/tmp/x.sock",
        "--local-mode", "--local-sealing-key-dir", "/tmp/keys", "--max-frame-bytes", "65536"});
    assertEquals(EnclaveAddress.parse("unix:/tmp/x.sock"), o.listen());
    assertTrue(o.localMode());
    assertEquals(Path.of("/tmp/keys"), o.localKeyDir());
    assertEquals(65536, o.maxFrameBytes());
  }

  @Test
  void usageErrors() {
    for (String[] args : new String[][] {
        {"--bogus"},
        {"--listen"},
        {"--listen", "http://x"},
        {"--max-frame-bytes", "lots"},
        {"--max-frame-bytes", "10"},
        {"--local-mode"},
        {"--local-sealing-key-dir", "/tmp/keys"},
        {"--nsm", "simulated", "--simulated-nsm-ca", "/tmp/ca"},
        {"--local-mode", "--local-sealing-key-dir", "/tmp/k", "--nsm", "simulated"},
        {"--local-mode", "--local-sealing-key-dir", "/tmp/k", "--simulated-nsm-ca", "/tmp/ca"},
        {"--nsm", "tpm"},
        {"--nsm"}}) {
      EnclaveMain.UsageException e =
          assertThrows(EnclaveMain.UsageException.class, () -> EnclaveMain.parse(args));
      assertFalse(e.getMessage().isEmpty());
    }
  }

  @Test
  void enclaveExceptionCarriesNoCauseOrStack() {
    EnclaveException e = new EnclaveException(ErrorCode.SEAL_INTEGRITY, "fixed");
    assertEquals(0, e.getStackTrace().length);
    assertEquals("fixed", e.detail());
    assertEquals(ErrorCode.SEAL_INTEGRITY, e.code());
  }
}
