package io.nitrosign.enclave.sealing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.enclave.secret.SecretBytes;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class KeySplitTest {

  @Test
  void splitThenCombineRebuildsKey() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 20; i++) {
      try (SecretBytes key = SecretBytes.random(random, 32);
          KeySplit.Shares shares = KeySplit.split(key, random);
          SecretBytes rebuilt = KeySplit.combine(shares.auth(), shares.exec())) {
        assertTrue(rebuilt.contentEquals(key));
        assertFalse(shares.auth().contentEquals(key));
        assertFalse(shares.exec().contentEquals(key));
      }
    }
  }

  @Test
  void closingSharesWipesBoth() {
    SecureRandom random = new SecureRandom();
    SecretBytes key = SecretBytes.random(random, 32);
    KeySplit.Shares shares = KeySplit.split(key, random);
    shares.close();
    assertTrue(shares.auth().isClosed());
    assertTrue(shares.exec().isClosed());
    assertFalse(shares.toString().matches(".*[0-9a-f]{16}.*"));
  }
}
