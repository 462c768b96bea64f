package io.nitrosign.devkit.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.enclave.nsm.SimulatedNsmCa;
import io.nitrosign.enclave.nsm.SimulatedNsmDevice;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local KMS takes only KMS-recipient documents (docs/attestation.md, "Document purposes"). */
class AttestationModuleCheckTest {

  @Test
  void theLocalKmsRefusesADocumentOfAnotherPurpose(@TempDir Path dir) throws Exception {
    SimulatedNsmCa.initIfAbsent(dir);
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    byte[] rsa = g.generateKeyPair().getPublic().getEncoded();
    try (SimulatedNsmDevice nsm = new SimulatedNsmDevice(dir, true)) {
      AttestationModuleCheck check = new AttestationModuleCheck(nsm.rootCertificate());
      byte[] good = nsm.attestation(AttestationPurpose.KMS_RECIPIENT.tag(), null, rsa);
      assertArrayEquals(rsa, check.check(good, Instant.now()).publicKeyDer());
      for (AttestationPurpose other : AttestationPurpose.values()) {
        if (other != AttestationPurpose.KMS_RECIPIENT) {
          byte[] doc = nsm.attestation(other.tag(), null, rsa);
          assertThrows(AttestationCheck.Rejected.class, () -> check.check(doc, Instant.now()),
              other.label());
        }
      }
      byte[] untagged = nsm.attestation(null, null, rsa);
      assertThrows(AttestationCheck.Rejected.class, () -> check.check(untagged, Instant.now()));
    }
  }
}
